package engram.shell.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsObjectsArraysStringsNumbersAndWords() {
        Object value = Json.parse(" {\"a\": [1, -2.5e1, true, null], \"b\": \"x\\\"y\\u00e9\\n\", \"c\": {}} ");
        Map<String, Object> expected = new java.util.LinkedHashMap<>();
        expected.put("a", java.util.Arrays.asList(1.0, -25.0, true, null));
        expected.put("b", "x\"y\u00e9\n");
        expected.put("c", Map.of());
        assertEquals(expected, value);
        assertEquals(List.of(), Json.parse("[]"));
        // Numbers alone stay unboxed, and read as the same list; a mix falls back to boxes.
        assertTrue(Json.parse("[1, 2.5, -3]") instanceof Json.Numbers);
        assertEquals(List.of(1.0, 2.5, -3.0), Json.parse("[1, 2.5, -3]"));
        assertEquals(java.util.Arrays.asList(1.0, 2.0, "x", null, 3.0), Json.parse("[1, 2, \"x\", null, 3]"));
        assertEquals(List.of(List.of(1.0), List.of()), Json.parse("[[1], []]"));
    }

    @Test
    void readsEveryNumberAsDoubleValueOfDoesWhetherThePlainPathTakesItOrNot() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        int plain = 0;
        List<String> numbers = new java.util.ArrayList<>(List.of("0", "-0", "0.0", "-0.0", "7", "007", "1e22",
                "1e23", "123456789012345", "1234567890123456", "0.000000000000000000001", "9007199254740993",
                "1.5e-3", "-2.5E+1", "+1", "1.", ".5", "3.4028235E38", "1.4E-45", "4.9E-324", "1e-22", "5e-23"));
        for (int i = 0; i < 200_000; i++) {
            numbers.add(switch (i % 4) {
                case 0 -> Float.toString((float) (random.nextDouble() * 2 - 1));
                case 1 -> Float.toString(Float.intBitsToFloat(random.nextInt()));
                case 2 -> Double.toString(Double.longBitsToDouble(random.nextLong()));
                default -> random.nextLong(1, 10_000_000_000_000_000L) + (random.nextBoolean() ? "" : "e"
                        + random.nextInt(-30, 30));
            });
        }
        for (String number : numbers) {
            double fast = Json.plainDecimal(number, 0, number.length());
            if (Double.isNaN(fast)) {
                continue;
            }
            plain++;
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(number)), Double.doubleToRawLongBits(fast),
                    number);
            if (number.matches("[-0-9.eE]+")) {
                assertEquals(Double.parseDouble(number), Json.parse(number));
            }
        }
        // The path was taken, and by every embedding value as Float.toString writes it.
        assertTrue(plain > 60_000, plain + " of " + numbers.size() + " numbers took the plain path");
        for (int i = 0; i < 10_000; i++) {
            String value = Float.toString((float) (random.nextDouble() * 2 - 1));
            if (!value.contains("E-") || Math.abs(Float.parseFloat(value)) > 1e-7f) {
                assertTrue(!Double.isNaN(Json.plainDecimal(value, 0, value.length())), value);
            }
        }
        // What the plain path does not take still reads, or fails, as before.
        assertEquals(-25.0, Json.parse("-2.5E+1"));
        assertEquals(1e23, Json.parse("1e23"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("+1"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse(".5"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("1e"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("-"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("1-2"));
    }

    @Test
    void saysWhatItExpectedWhere() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1,}"));
        assertEquals("expected a \"name\" at character 9", e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1} x")).getMessage()
                .contains("the end of the line"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1, \"a\": 2}")).getMessage()
                .contains("twice"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"open"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1 2]"));
    }

    @Test
    void quotesWhatJsonMustEscape() {
        String text = "a\"b\\c\nd\u0001";
        assertEquals(text, Json.parse(Json.quote(text)));
    }
}
