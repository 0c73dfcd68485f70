package engram.shell.impl;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * Just enough JSON for the memory files: one value from a line, as {@code Map} (objects, in
 * order), {@code List}, {@code String}, {@code Double}, {@code Boolean} or {@code null}; and
 * strings written back with the escapes JSON needs.
 */
final class Json {
    private final String text;
    private int at;
    /** Where the last plain decimal read ({@link #plainDecimal(int)}) ended. */
    private int plainEnd;

    private Json(String text) {
        this.text = text;
    }

    /**
     * The one JSON value of {@code line}.
     *
     * @throws IllegalArgumentException saying what was expected at which character
     */
    static Object parse(String line) {
        Json json = new Json(line);
        json.space();
        Object value = json.value();
        json.space();
        if (json.at != line.length()) {
            throw json.error("the end of the line");
        }
        return value;
    }

    private Object value() {
        if (at >= text.length()) {
            throw error("a value");
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> word("true", Boolean.TRUE);
            case 'f' -> word("false", Boolean.FALSE);
            case 'n' -> word("null", null);
            default -> {
                if (c == '-' || c >= '0' && c <= '9') {
                    yield number();
                }
                throw error("a value");
            }
        };
    }

    private Map<String, Object> object() {
        at++;
        Map<String, Object> out = new LinkedHashMap<>();
        space();
        if (peek('}')) {
            at++;
            return out;
        }
        while (true) {
            space();
            if (!peek('"')) {
                throw error("a \"name\"");
            }
            String name = string();
            space();
            expect(':');
            space();
            if (out.put(name, value()) != null) {
                throw new IllegalArgumentException("the name \"" + name + "\" appears twice in one object");
            }
            space();
            if (peek(',')) {
                at++;
                continue;
            }
            expect('}');
            return out;
        }
    }

    private List<Object> array() {
        at++;
        space();
        if (peek(']')) {
            at++;
            return new ArrayList<>();
        }
        // An array of numbers alone (an embedding) is kept as doubles, not a boxed Double each.
        double[] numbers = null;
        int count = 0;
        List<Object> out = null;
        while (true) {
            space();
            if (out == null && at < text.length() && (text.charAt(at) == '-' || isDigit(text.charAt(at)))) {
                if (numbers == null) {
                    numbers = new double[16];
                } else if (count == numbers.length) {
                    numbers = Arrays.copyOf(numbers, 2 * count);
                }
                numbers[count++] = number();
            } else {
                if (out == null) {
                    out = new ArrayList<>(count + 1);
                    for (int i = 0; i < count; i++) {
                        out.add(numbers[i]);
                    }
                }
                out.add(value());
            }
            space();
            if (peek(',')) {
                at++;
                continue;
            }
            expect(']');
            return out != null ? out : new Numbers(Arrays.copyOf(numbers, count));
        }
    }

    /** A JSON array of numbers alone: a list of {@code Double} whose values are read as doubles. */
    static final class Numbers extends AbstractList<Object> implements RandomAccess {
        private final double[] values;

        private Numbers(double[] values) {
            this.values = values;
        }

        /** Element {@code index}, unboxed. */
        double doubleAt(int index) {
            return values[index];
        }

        @Override
        public Object get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }

    private String string() {
        at++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("the closing '\"' of a string");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("no control character in a string (write it as \\u00XX)");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw error("an escape");
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("four hex digits");
                    }
                    try {
                        out.append((char) Integer.parseInt(text, at, at + 4, 16));
                    } catch (NumberFormatException x) {
                        throw error("four hex digits");
                    }
                    at += 4;
                }
                default -> throw error("an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
            }
        }
    }

    private double number() {
        int start = at;
        // The common case first: a plain decimal that ends where the number's characters do.
        double plain = plainDecimal(start);
        if (!Double.isNaN(plain) && (plainEnd == text.length() || !isNumberChar(text.charAt(plainEnd)))) {
            at = plainEnd;
            return plain;
        }
        while (at < text.length() && isNumberChar(text.charAt(at))) {
            at++;
        }
        try {
            return Double.parseDouble(text.substring(start, at));
        } catch (NumberFormatException e) {
            at = start;
            throw error("a number");
        }
    }

    private static boolean isNumberChar(char c) {
        return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    }

    /** 10^0 .. 10^22: every one an exact double. */
    private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    /** Significant digits that a long holds exactly and a double too (below 2^53). */
    private static final int PLAIN_DIGITS_MAX = 15;

    /** {@link #plainDecimal(int)} of all of {@code text[start, end)}, NaN if it stops short: for tests. */
    static double plainDecimal(String text, int start, int end) {
        Json json = new Json(text.substring(0, end));
        double value = json.plainDecimal(start);
        return json.plainEnd == end ? value : Double.NaN;
    }

    /**
     * The plain decimal at {@code start}, {@code -?D+(.D+)?([eE][+-]?D+)?}, when it has at most 15
     * significant digits and a power of ten within 10^-22 .. 10^22 once the point is moved behind
     * the last digit, with {@link #plainEnd} where it ends; NaN for anything else, which
     * {@link Double#valueOf(String)} then reads. Its digits and that power of ten are both exact
     * doubles, so one multiplication or division rounds the decimal correctly, to the very double
     * {@code Double.valueOf} gives (Clinger's fast path), in one pass and without making a string
     * of it. An embedding's numbers, as {@link Float#toString(float)} writes them, take this path:
     * it made an import of 768-dimensional memories about three times faster.
     */
    private double plainDecimal(int start) {
        int end = text.length();
        int i = start;
        boolean negative = i < end && text.charAt(i) == '-';
        if (negative) {
            i++;
        }
        long digits = 0;
        int significant = 0;
        int exponent = 0;
        // The integer digits, then (after a point) the fraction's, each of which moves the point.
        int groupStart = i;
        boolean fraction = false;
        for (char c; i < end; i++) {
            c = text.charAt(i);
            if (c == '.' && !fraction) {
                if (i == groupStart) {
                    return Double.NaN;
                }
                fraction = true;
                groupStart = i + 1;
                continue;
            }
            if (!isDigit(c)) {
                break;
            }
            if (fraction) {
                exponent--;
            }
            if (significant > 0 || c != '0') {
                if (++significant > PLAIN_DIGITS_MAX) {
                    return Double.NaN;
                }
                digits = digits * 10 + (c - '0');
            }
        }
        if (i == groupStart) {
            // No integer digit, or a point without a digit after it.
            return Double.NaN;
        }
        if (i < end && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            boolean negativeExponent = i < end && text.charAt(i) == '-';
            if (i < end && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
                i++;
            }
            int written = 0;
            int exponentStart = i;
            for (char c; i < end && isDigit(c = text.charAt(i)); i++) {
                if (i - exponentStart == 4) {
                    return Double.NaN;
                }
                written = written * 10 + (c - '0');
            }
            if (i == exponentStart) {
                return Double.NaN;
            }
            exponent += negativeExponent ? -written : written;
        }
        if (exponent < -22 || exponent > 22) {
            return Double.NaN;
        }
        plainEnd = i;
        double value = exponent >= 0 ? digits * POWERS_OF_TEN[exponent] : digits / POWERS_OF_TEN[-exponent];
        return negative ? -value : value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Object word(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw error("a value");
        }
        at += word.length();
        return value;
    }

    private void space() {
        while (at < text.length() && isSpace(text.charAt(at))) {
            at++;
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("'" + c + "'");
        }
        at++;
    }

    private IllegalArgumentException error(String expected) {
        return new IllegalArgumentException("expected " + expected + " at character " + (at + 1));
    }

    /** {@code value} as a JSON string, quoted and escaped. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
