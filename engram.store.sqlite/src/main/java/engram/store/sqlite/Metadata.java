package engram.store.sqlite;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A memory's metadata as one text: each key and value as its length, a colon and its
 * characters ({@code 4:lang2:en}), keys in order. No character needs escaping.
 */
final class Metadata {
    private Metadata() {
    }

    static String encode(Map<String, String> metadata) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
            out.append(e.getKey().length()).append(':').append(e.getKey());
            out.append(e.getValue().length()).append(':').append(e.getValue());
        }
        return out.toString();
    }

    static Map<String, String> decode(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int[] at = {0};
        while (at[0] < text.length()) {
            String key = next(text, at);
            out.put(key, next(text, at));
        }
        return out;
    }

    private static String next(String text, int[] at) {
        int colon = text.indexOf(':', at[0]);
        if (colon < 0) {
            throw new IllegalArgumentException("damaged metadata \"" + text + "\" at " + at[0]);
        }
        int length = Integer.parseInt(text, at[0], colon, 10);
        String value = text.substring(colon + 1, colon + 1 + length);
        at[0] = colon + 1 + length;
        return value;
    }
}
