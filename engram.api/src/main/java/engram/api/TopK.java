package engram.api;

/**
 * The result of a top-k similarity search: row indices and their scores, best first
 * (score descending, then index ascending).
 */
public record TopK(int[] indices, float[] scores) {
    public TopK {
        if (indices.length != scores.length) {
            throw new IllegalArgumentException("indices.length " + indices.length
                    + " differs from scores.length " + scores.length + "; they must be equal");
        }
    }

    public int size() {
        return indices.length;
    }
}
