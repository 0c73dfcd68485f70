package engram.kernels.zig.impl.differential;

import java.util.ArrayList;
import java.util.List;

/**
 * The token level of the corpus format ({@code zig/corpus/README.md}): whitespace-separated
 * tokens, {@code #} comments to the end of a line, 32-bit values as decimal integers or
 * {@code 0x} and 8 hex digits of float32 bits, 64-bit constants as {@code 0x} and 16 hex
 * digits of float64 bits. A {@link Reader} and a {@link Writer} of fields
 * ({@code key value} or {@code key count value...}).
 */
public final class CorpusText {
    /** The format version in each file's {@code corpus KERNEL VERSION} header. */
    public static final int FORMAT_VERSION = 1;
    private static final int VALUES_PER_LINE = 8;

    private CorpusText() {
    }

    /** Reads the tokens of one corpus file, in order; every error names the line. */
    public static final class Reader {
        private final List<String> tokens = new ArrayList<>();
        private final List<Integer> lines = new ArrayList<>();
        private final String source;
        private int position;

        /** Tokenises {@code text} and reads its header, which must name {@code kernel}. */
        public Reader(String text, String source, String kernel) {
            this.source = source;
            String[] textLines = text.split("\n", -1);
            for (int line = 0; line < textLines.length; line++) {
                String content = textLines[line];
                int comment = content.indexOf('#');
                if (comment >= 0) {
                    content = content.substring(0, comment);
                }
                for (String token : content.trim().split("\\s+")) {
                    if (!token.isEmpty()) {
                        tokens.add(token);
                        lines.add(line + 1);
                    }
                }
            }
            expect("corpus");
            String named = word();
            if (!named.equals(kernel)) {
                throw error("the file holds " + named + " cases, not " + kernel + " cases");
            }
            int version = integer();
            if (version != FORMAT_VERSION) {
                throw error("format version " + version + " is not " + FORMAT_VERSION);
            }
        }

        /** Reads {@code case NAME} and returns the name, or null at the end of the file. */
        public String nextCase() {
            if (position == tokens.size()) {
                return null;
            }
            expect("case");
            return word();
        }

        public void endCase() {
            expect("end");
        }

        public String word() {
            if (position == tokens.size()) {
                throw error("the file ends in the middle of a case");
            }
            return tokens.get(position++);
        }

        public void expect(String key) {
            String token = word();
            if (!token.equals(key)) {
                position--;
                throw error("expected '" + key + "', found '" + token + "'");
            }
        }

        public int integer() {
            String token = word();
            try {
                return Integer.parseInt(token);
            } catch (NumberFormatException e) {
                position--;
                throw error("'" + token + "' is not a 32-bit decimal integer");
            }
        }

        public float float32() {
            String token = word();
            if (!token.startsWith("0x") || token.length() != 10) {
                position--;
                throw error("'" + token + "' is not a float32 written as 0x and 8 hex digits");
            }
            return Float.intBitsToFloat(Integer.parseUnsignedInt(token.substring(2), 16));
        }

        public double float64() {
            String token = word();
            if (!token.startsWith("0x") || token.length() != 18) {
                position--;
                throw error("'" + token + "' is not a float64 written as 0x and 16 hex digits");
            }
            return Double.longBitsToDouble(Long.parseUnsignedLong(token.substring(2), 16));
        }

        /** {@code key value}, an integer. */
        public int integer(String key) {
            expect(key);
            return integer();
        }

        /** {@code key value}, a float32. */
        public float float32(String key) {
            expect(key);
            return float32();
        }

        /** {@code key count v...} with exactly {@code count} float32 values; a count of -1 takes the file's. */
        public float[] floats(String key, int count) {
            expect(key);
            float[] values = new float[readCount(key, count)];
            for (int i = 0; i < values.length; i++) {
                values[i] = float32();
            }
            return values;
        }

        /** As {@link #floats}, or {@code key -} for none (null). */
        public float[] optionalFloats(String key, int count) {
            if (absent(key)) {
                return null;
            }
            return floats(key, count);
        }

        /** {@code key count v...} with exactly {@code count} integers; a count of -1 takes the file's. */
        public int[] ints(String key, int count) {
            expect(key);
            int[] values = new int[readCount(key, count)];
            for (int i = 0; i < values.length; i++) {
                values[i] = integer();
            }
            return values;
        }

        /** As {@link #ints}, or {@code key -} for none (null). */
        public int[] optionalInts(String key, int count) {
            if (absent(key)) {
                return null;
            }
            return ints(key, count);
        }

        /** Consumes {@code key -} and returns true, or consumes nothing and returns false. */
        private boolean absent(String key) {
            if (position + 1 < tokens.size() && tokens.get(position).equals(key)
                    && tokens.get(position + 1).equals("-")) {
                position += 2;
                return true;
            }
            return false;
        }

        private int readCount(String key, int expected) {
            int written = integer();
            if (written < 0 || (expected >= 0 && written != expected)) {
                position--;
                throw error(key + " has " + written + " values; this case needs "
                        + (expected >= 0 ? expected : "0 or more"));
            }
            return written;
        }

        private IllegalArgumentException error(String message) {
            int line = lines.isEmpty() ? 0 : lines.get(Math.min(position, lines.size() - 1));
            return new IllegalArgumentException(source + ":" + line + ": " + message);
        }
    }

    /** Writes fields, one per line, long arrays wrapped at eight values. */
    public static final class Writer {
        private final StringBuilder text = new StringBuilder();

        public Writer comment(String comment) {
            for (String line : comment.split("\n")) {
                text.append("# ").append(line).append('\n');
            }
            return this;
        }

        public Writer header(String kernel) {
            text.append("corpus ").append(kernel).append(' ').append(FORMAT_VERSION).append('\n');
            return this;
        }

        public Writer field(String key, String value) {
            text.append(key).append(' ').append(value).append('\n');
            return this;
        }

        public Writer field(String key, int value) {
            return field(key, Integer.toString(value));
        }

        public Writer field(String key, float value) {
            return field(key, hex(value));
        }

        public Writer floats(String key, float[] values) {
            if (values == null) {
                return field(key, "-");
            }
            String[] tokens = new String[values.length];
            for (int i = 0; i < values.length; i++) {
                tokens[i] = hex(values[i]);
            }
            return array(key, tokens);
        }

        public Writer ints(String key, int[] values) {
            if (values == null) {
                return field(key, "-");
            }
            String[] tokens = new String[values.length];
            for (int i = 0; i < values.length; i++) {
                tokens[i] = Integer.toString(values[i]);
            }
            return array(key, tokens);
        }

        private Writer array(String key, String[] tokens) {
            text.append(key).append(' ').append(tokens.length);
            boolean wrap = tokens.length > VALUES_PER_LINE;
            for (int i = 0; i < tokens.length; i++) {
                if (wrap && i % VALUES_PER_LINE == 0) {
                    text.append("\n ");
                }
                text.append(' ').append(tokens[i]);
            }
            text.append('\n');
            return this;
        }

        public Writer blankLine() {
            text.append('\n');
            return this;
        }

        /** Closes a case, and leaves a blank line before the next. */
        public Writer end() {
            text.append("end\n\n");
            return this;
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    /** The exact bits of a float32, as the corpus writes them: {@code 0x3f800000}. */
    public static String hex(float value) {
        return String.format("0x%08x", Float.floatToRawIntBits(value));
    }

    /** The exact bits of a float64, as the corpus writes them: {@code 0x3ff0000000000000}. */
    public static String hex(double value) {
        return String.format("0x%016x", Double.doubleToRawLongBits(value));
    }
}
