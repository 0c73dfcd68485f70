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
