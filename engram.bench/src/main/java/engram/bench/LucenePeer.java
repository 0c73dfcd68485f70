package engram.bench;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.apache.lucene.util.VectorUtil;

import engram.api.TopK;

/**
 * The outside reference for similarity: Lucene's {@link VectorUtil#dotProduct(float[], float[])}
 * (vectorised by Lucene itself when the JVM has {@code jdk.incubator.vector}) over the rows as
 * Lucene holds vectors on the heap, one {@code float[]} per row, divided by the query's norm and
 * the row's stored norm, clamped to [-1, 1], into a top-k kept sorted by insertion (score
 * descending, then row ascending: rows come in ascending order, so a tie never displaces an
 * earlier row). What an application would write with Lucene's vector utilities for the same
 * brute-force search.
 */
final class LucenePeer {
    private final float[] query;
    private final float[][] rows;
    private final float[] norms;
    private final float queryNorm;
    private final int[] topIndex;
    private final float[] topScore;

    LucenePeer(MemorySegment query, int dimensions, MemorySegment matrix, int rowCount, MemorySegment norms, int k) {
        this.query = query.asSlice(0, (long) dimensions * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
        this.rows = new float[rowCount][];
        for (int row = 0; row < rowCount; row++) {
            rows[row] = matrix.asSlice((long) row * dimensions * Float.BYTES, (long) dimensions * Float.BYTES)
                    .toArray(ValueLayout.JAVA_FLOAT);
        }
        this.norms = norms.asSlice(0, (long) rowCount * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
        this.queryNorm = (float) Math.sqrt(VectorUtil.dotProduct(this.query, this.query));
        this.topIndex = new int[k];
        this.topScore = new float[k];
    }

    /** Searches, and returns the scores of the top k (the arrays are reused by the next search). */
    float[] search() {
        int k = topIndex.length;
        int size = 0;
        for (int row = 0; row < rows.length; row++) {
            float denominator = queryNorm * norms[row];
            float score = denominator == 0 ? 0
                    : Math.max(-1f, Math.min(1f, VectorUtil.dotProduct(query, rows[row]) / denominator));
            if (size == k && !(score > topScore[k - 1])) {
                continue;
            }
            int at = size == k ? k - 1 : size++;
            while (at > 0 && score > topScore[at - 1]) {
                topScore[at] = topScore[at - 1];
                topIndex[at] = topIndex[at - 1];
                at--;
            }
            topScore[at] = score;
            topIndex[at] = row;
        }
        return topScore;
    }

    /** The last search's top k. */
    TopK result() {
        return new TopK(topIndex, topScore);
    }
}
