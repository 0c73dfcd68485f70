package engram.api;

import java.util.Arrays;

/**
 * The result of a top-k similarity search: row indices and their scores, best first (score
 * descending, then index ascending, NaN last). Immutable: the arrays it hands out are copies.
 */
public final class TopK {
    private final int[] indices;
    private final float[] scores;

    /** A result of {@code indices.length} rows; both arrays are copied. */
    public TopK(int[] indices, float[] scores) {
        this(indices.clone(), scores.clone(), true);
    }

    private TopK(int[] indices, float[] scores, boolean checked) {
        if (indices.length != scores.length) {
            throw new IllegalArgumentException("indices.length " + indices.length
                    + " differs from scores.length " + scores.length + "; they must be equal");
        }
        this.indices = indices;
        this.scores = scores;
    }

    /** A result over arrays nobody else holds, taken as they are. */
    static TopK adopt(int[] indices, float[] scores) {
        return new TopK(indices, scores, true);
    }

    /** The number of rows, k. */
    public int size() {
        return indices.length;
    }

    /** The row at rank {@code rank} (0 is the best). */
    public int index(int rank) {
        return indices[rank];
    }

    /** The score at rank {@code rank}. */
    public float score(int rank) {
        return scores[rank];
    }

    /** The rows, best first (a copy). */
    public int[] indices() {
        return indices.clone();
    }

    /** The scores, best first (a copy). */
    public float[] scores() {
        return scores.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopK t && Arrays.equals(t.indices, indices) && Arrays.equals(t.scores, scores);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(indices) * 31 + Arrays.hashCode(scores);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("TopK[");
        for (int i = 0; i < indices.length; i++) {
            text.append(i == 0 ? "" : ", ").append(indices[i]).append('=').append(scores[i]);
        }
        return text.append(']').toString();
    }
}
