package engram.kernels.zig.impl.differential;

import java.util.Arrays;

/**
 * One batched cosineTopK call: {@code queryCount} queries, back to back, over rows
 * {@code firstRow .. firstRow + rowCount - 1} of one matrix. The corpus has no batch of its
 * own (its {@code topk_batch} replay derives one from each top-k case), so a failing batch
 * is printed as the top-k case of its failing query.
 *
 * @param norms the given row norms, indexed by row number, or null
 */
public record BatchCase(String name, int dimensions, int rows, int k, int queryCount, float[] queries, float[] matrix,
        float[] norms, int firstRow, int rowCount) {

    public BatchCase {
        if (queryCount < 1 || queries.length != (long) queryCount * dimensions
                || matrix.length != (long) rows * dimensions || (norms != null && norms.length != rows)
                || firstRow < 0 || rowCount < 1 || firstRow + rowCount > rows || k < 1 || k > rowCount) {
            throw new IllegalArgumentException("case " + name + ": " + queryCount + " queries, " + dimensions
                    + " dimensions, rows " + firstRow + ".." + (firstRow + rowCount - 1) + " of " + rows + ", k = " + k
                    + " do not fit together");
        }
    }

    /** Query {@code q}, a copy. */
    public float[] query(int q) {
        return Arrays.copyOfRange(queries, q * dimensions, (q + 1) * dimensions);
    }

    /** Query {@code q} alone over the whole matrix, as a top-k case of the corpus. */
    public TopKCase single(int q) {
        return new TopKCase(name + "-query-" + q, dimensions, rows, k, query(q), matrix, norms, null, null, null);
    }
}
