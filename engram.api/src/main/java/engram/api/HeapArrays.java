package engram.api;

import java.util.List;

/** The checks of the heap-array conveniences of {@link KernelService}, before they make segments. */
final class HeapArrays {
    private HeapArrays() {
    }

    static int rowsOf(float[] query, float[] matrix) {
        if (query == null || matrix == null) {
            throw new IllegalArgumentException("query and matrix must both be given");
        }
        if (query.length < 1 || query.length > KernelArguments.MAX_DIMENSIONS) {
            throw new IllegalArgumentException("query.length (the dimensions) is " + query.length + "; it must be in 1.."
                    + KernelArguments.MAX_DIMENSIONS);
        }
        if (matrix.length % query.length != 0) {
            throw new IllegalArgumentException("matrix.length is " + matrix.length + ", not a multiple of the "
                    + query.length + " dimensions of the query; the matrix holds whole rows");
        }
        return matrix.length / query.length;
    }

    static void requireK(int k, int rows) {
        if (k < 1 || k > rows) {
            throw new IllegalArgumentException("k is " + k + "; it must be in 1..rows, and rows is " + rows);
        }
    }

    /** The queries back to back; each must have {@code dimensions} values. */
    static float[] pack(List<float[]> queries, int dimensions) {
        if (queries.size() > KernelArguments.MAX_QUERIES) {
            throw new IllegalArgumentException(queries.size() + " queries; a batch takes 1 to "
                    + KernelArguments.MAX_QUERIES);
        }
        float[] packed = new float[queries.size() * dimensions];
        for (int q = 0; q < queries.size(); q++) {
            float[] query = queries.get(q);
            if (query == null || query.length != dimensions) {
                throw new IllegalArgumentException("query " + q + " has " + (query == null ? "no values" : query.length
                        + " values") + "; every query of a batch has the " + dimensions + " of the first");
            }
            System.arraycopy(query, 0, packed, q * dimensions, dimensions);
        }
        return packed;
    }

    static void requireSeeds(CsrGraph graph, int[] seedNodes, float[] seedActivations) {
        if (graph == null) {
            throw new IllegalArgumentException("graph is null; build one with CsrGraph.of");
        }
        if (seedNodes == null || seedActivations == null || seedNodes.length != seedActivations.length) {
            throw new IllegalArgumentException("seedNodes and seedActivations must both be given, one entry per seed; got "
                    + (seedNodes == null ? "null" : seedNodes.length) + " and "
                    + (seedActivations == null ? "null" : seedActivations.length));
        }
    }
}
