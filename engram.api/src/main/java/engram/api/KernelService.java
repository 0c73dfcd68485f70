package engram.api;

import java.lang.foreign.MemorySegment;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The three kernels of Engram, as {@code kernel-contract.md} defines them. Every
 * implementation computes the same results within the contract's tolerances and refuses
 * the same inputs: a bad argument is an {@link IllegalArgumentException} naming the
 * argument, its value and the allowed range ({@link KernelArguments} holds the checks).
 *
 * <p>The segment methods read and write caller-owned memory in place: float32 and int32
 * values in native byte order. Heap arrays are accepted by the convenience methods.
 * A kernel that is stopping throws {@link KernelUnavailableException}; retry on another.
 */
@ProviderType
public interface KernelService {

    /** Name, version and instruction set of this implementation. */
    KernelInfo info();

    /**
     * Cosine similarity of {@code query} with each of {@code rows} rows of {@code matrix}:
     * {@code out[i] = dot(q, v_i) / (|q| |v_i|)}, clamped to [-1, 1], 0 when either norm is 0.
     *
     * @param query {@code dimensions} float32 values
     * @param dimensions 1 to {@value KernelArguments#MAX_DIMENSIONS}
     * @param matrix {@code rows * dimensions} float32 values, row-major
     * @param rows 0 or more
     * @param norms {@code rows} precomputed norms |v_i|, used as given; {@code null} to compute them
     * @param out {@code rows} float32 results
     */
    void cosine(MemorySegment query, int dimensions, MemorySegment matrix, int rows, MemorySegment norms,
            MemorySegment out);

    /**
     * The {@code k} rows most similar to {@code query}, by the scores of {@link #cosine},
     * best first: score descending, then row index ascending; NaN scores rank last.
     *
     * @param k 1 to {@code rows}
     * @param outIndex {@code k} int32 row indices
     * @param outScore {@code k} float32 scores
     */
    void cosineTopK(MemorySegment query, int dimensions, MemorySegment matrix, int rows, MemorySegment norms, int k,
            MemorySegment outIndex, MemorySegment outScore);

    /**
     * Spreads activation from seeds over {@code graph}, level by level, in the exact order
     * the contract gives, so every implementation returns bit-identical activations.
     *
     * @param seedNodes {@code seedCount} int32 node ids; duplicates are summed, then capped at 1
     * @param seedActivations {@code seedCount} float32 activations, each in (0, 1]
     * @param outActivation {@code graph.nodeCount()} float32 activations
     * @param outFirstHop {@code graph.nodeCount()} int32 hops at which each node was first
     *     reached: 0 for seeds, -1 for nodes never reached
     * @return the number of nodes with an activation above 0
     */
    int spread(CsrGraph graph, MemorySegment seedNodes, MemorySegment seedActivations, int seedCount,
            SpreadParams params, MemorySegment outActivation, MemorySegment outFirstHop);

    /**
     * Decays strengths by a forgetting curve: {@code out[i] = max(floor, strength[i] *
     * R(ageSeconds[i]))}. {@code out} may be {@code strength} itself.
     *
     * @param strength {@code count} float32 strengths in [0, 1]
     * @param ageSeconds {@code count} float32 ages of 0 or more, in seconds
     * @param accessCount {@code count} int32 access counts, read by the two-component curve;
     *     {@code null} counts every memory as never accessed
     */
    void decay(MemorySegment strength, MemorySegment ageSeconds, MemorySegment accessCount, int count,
            DecayParams params, MemorySegment out);

    /** {@link #cosine} over heap arrays; the row count is {@code matrix.length / query.length}. */
    default float[] cosine(float[] query, float[] matrix, float[] norms) {
        int rows = rowsOf(query, matrix);
        float[] out = new float[rows];
        cosine(MemorySegment.ofArray(query), query.length, MemorySegment.ofArray(matrix), rows,
                norms == null ? null : MemorySegment.ofArray(norms), MemorySegment.ofArray(out));
        return out;
    }

    /** {@link #cosineTopK} over heap arrays; the row count is {@code matrix.length / query.length}. */
    default TopK cosineTopK(float[] query, float[] matrix, float[] norms, int k) {
        int rows = rowsOf(query, matrix);
        if (k < 1 || k > rows) {
            throw new IllegalArgumentException("k is " + k + "; it must be in 1..rows, and rows is " + rows);
        }
        int[] indices = new int[k];
        float[] scores = new float[k];
        cosineTopK(MemorySegment.ofArray(query), query.length, MemorySegment.ofArray(matrix), rows,
                norms == null ? null : MemorySegment.ofArray(norms), k, MemorySegment.ofArray(indices),
                MemorySegment.ofArray(scores));
        return new TopK(indices, scores);
    }

    /** {@link #spread} with seeds and results on the heap. */
    default SpreadResult spread(CsrGraph graph, int[] seedNodes, float[] seedActivations, SpreadParams params) {
        if (graph == null) {
            throw new IllegalArgumentException("graph is null; build one with CsrGraph.of");
        }
        if (seedNodes == null || seedActivations == null || seedNodes.length != seedActivations.length) {
            throw new IllegalArgumentException("seedNodes and seedActivations must both be given, one entry per seed; got "
                    + (seedNodes == null ? "null" : seedNodes.length) + " and "
                    + (seedActivations == null ? "null" : seedActivations.length));
        }
        float[] activation = new float[graph.nodeCount()];
        int[] firstHop = new int[graph.nodeCount()];
        int activated = spread(graph, MemorySegment.ofArray(seedNodes), MemorySegment.ofArray(seedActivations),
                seedNodes.length, params, MemorySegment.ofArray(activation), MemorySegment.ofArray(firstHop));
        return new SpreadResult(activation, firstHop, activated);
    }

    /** {@link #decay} over heap arrays, into a new array. */
    default float[] decay(float[] strength, float[] ageSeconds, int[] accessCount, DecayParams params) {
        if (strength == null || ageSeconds == null || strength.length != ageSeconds.length
                || (accessCount != null && accessCount.length != strength.length)) {
            throw new IllegalArgumentException("strength, ageSeconds (and accessCount, when given) must have one entry"
                    + " per memory; got " + (strength == null ? "null" : strength.length) + ", "
                    + (ageSeconds == null ? "null" : ageSeconds.length) + " and "
                    + (accessCount == null ? "none" : accessCount.length));
        }
        float[] out = new float[strength.length];
        decay(MemorySegment.ofArray(strength), MemorySegment.ofArray(ageSeconds),
                accessCount == null ? null : MemorySegment.ofArray(accessCount), strength.length, params,
                MemorySegment.ofArray(out));
        return out;
    }

    private static int rowsOf(float[] query, float[] matrix) {
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
}
