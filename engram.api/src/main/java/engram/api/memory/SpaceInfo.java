package engram.api.memory;

import engram.api.DecayCurve;

/**
 * A memory space: its name, the dimension of its embeddings, and the curve its memories
 * decay on.
 */
public record SpaceInfo(String name, int dimensions, DecayCurve curve) {
    /** The longest name of a space. */
    public static final int MAX_NAME_LENGTH = 64;
    /** The largest embedding dimension. */
    public static final int MAX_DIMENSIONS = 65_536;

    public SpaceInfo {
        requireName(name);
        if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
            throw new IllegalArgumentException("dimensions is " + dimensions + "; a space's embeddings have 1 to "
                    + MAX_DIMENSIONS + " values");
        }
        if (curve == null) {
            throw new IllegalArgumentException("curve is null; give a DecayCurve (the default is DecayCurve.TwoComponent"
                    + " with its default parameters)");
        }
    }

    /**
     * Checks a space's name: 1 to {@value #MAX_NAME_LENGTH} letters, digits, {@code .},
     * {@code _} and {@code -}.
     */
    public static String requireName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("space name " + (name == null ? "null" : "\"" + name + "\"")
                    + " must have 1 to " + MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-')) {
                throw new IllegalArgumentException("space name \"" + name + "\" has '" + c + "' at " + i
                        + "; use letters, digits, '.', '_' and '-'");
            }
        }
        return name;
    }
}
