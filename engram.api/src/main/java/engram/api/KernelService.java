package engram.api;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The three kernels of Engram, as {@code docs/kernel-contract.md} defines them. Every
 * implementation computes the same results within the contract's tolerances and refuses the
 * same inputs: a bad argument is an {@link IllegalArgumentException} naming the argument, its
 * value and the allowed range ({@link KernelArguments} holds the checks).
 *
 * <p>The segment methods read and write caller-owned memory in place: float32, int32 and
 * float64 values in native byte order. Each takes a {@link KernelWorkspace} that this kernel
 * made ({@link #newWorkspace()}): with one, a call on off-heap segments maps, unmaps and
 * allocates nothing. Passing {@code null} borrows a workspace from a small pool of the
 * kernel's own for the call. Heap segments work too, read in place by a short call and
 * copied off-heap for a long one. The heap-array methods at the end are conveniences over
 * the same kernels.
 *
 * <p>A kernel that is stopping throws {@link KernelUnavailableException}; one that fails for
 * a reason of its own, {@link KernelFailureException}. Either way it has written nothing that
 * a retry on another kernel would read: an output that aliases an input (decay in place) is
 * as it was. A router retries such a call on the next kernel.
 */
@ProviderType
public interface KernelService {

    /** Identity, name, version, instruction set and ranking of this implementation. */
    KernelInfo info();

    /**
     * Why this kernel cannot serve, or empty when it can. A kernel loaded outside OSGi
     * without what it needs (the Zig kernels without their native library) still loads, and
     * says here what is missing; every call then throws {@link KernelUnavailableException}.
     */
    default Optional<String> unavailableReason() {
        return Optional.empty();
    }

    /** A workspace with this kernel's default options (its configuration, else {@link WorkspaceOptions#DEFAULT}). */
    KernelWorkspace newWorkspace();

    /** A workspace of the given capacity and overflow strategy. */
    KernelWorkspace newWorkspace(WorkspaceOptions options);

    /** The metrics of every open workspace of this kernel, its pool's included. */
    List<ArenaMetrics> arenaMetrics();

    /**
     * Cosine similarity of {@code query} with rows {@code firstRow .. firstRow + rowCount - 1}
     * of {@code matrix}: {@code out[i] = dot(q, v) / (|q| |v|)} for row {@code v = firstRow + i},
     * clamped to [-1, 1]; 0 when either norm is 0; NaN when the query, the row or its given
     * norm holds a value that is not finite.
     *
     * @param workspace one this kernel made, or {@code null} to borrow one
     * @param query {@code dimensions} float32 values
     * @param dimensions 1 to {@value KernelArguments#MAX_DIMENSIONS}
     * @param matrix at least {@code (firstRow + rowCount) * dimensions} float32 values, row-major
     * @param firstRow the first row scored, 0 or more
     * @param rowCount the rows scored, 0 or more; {@code firstRow + rowCount} at most 2^31 - 1
     * @param norms precomputed norms |v|, indexed by row number and used as given; {@code null}
     *     to compute them
     * @param out {@code rowCount} float32 results
     */
    void cosine(KernelWorkspace workspace, MemorySegment query, int dimensions, MemorySegment matrix, int firstRow,
            int rowCount, MemorySegment norms, MemorySegment out);

    /**
     * For each of {@code queryCount} queries, the {@code k} rows of the range most similar to
     * it by the scores of {@link #cosine}, best first: score descending, then row number
     * ascending, NaN last. A batch reads each row once for all its queries; each query's result
     * is identical to a call with that query alone.
     *
     * @param queries {@code queryCount * dimensions} float32 values, one query after another
     * @param queryCount 1 to {@value KernelArguments#MAX_QUERIES}
     * @param k 1 to {@code rowCount}
     * @param outIndex {@code queryCount * k} int32 row numbers (absolute, not relative to
     *     {@code firstRow}): query q's list is at {@code q * k .. q * k + k - 1}
     * @param outScore {@code queryCount * k} float32 scores, in the same places
     */
    void cosineTopK(KernelWorkspace workspace, MemorySegment queries, int queryCount, int dimensions,
            MemorySegment matrix, int firstRow, int rowCount, MemorySegment norms, int k, MemorySegment outIndex,
            MemorySegment outScore);

    /**
     * Spreads activation from seeds over {@code graph}, level by level, in the exact order
     * the contract gives, so every implementation returns bit-identical activations; writes
     * one entry per node. The work besides that fill follows what the spread reaches.
     *
     * @param seedNodes {@code seedCount} int32 node ids; duplicates are summed, then capped at 1
     * @param seedActivations {@code seedCount} float32 activations, each in (0, 1]
     * @param outActivation {@code graph.nodeCount()} float32 activations
     * @param outFirstHop {@code graph.nodeCount()} int32 hops at which each node was first
     *     activated: 0 for seeds, -1 for nodes never activated
     * @return the number of nodes with an activation above 0
     */
    int spread(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes, MemorySegment seedActivations,
            int seedCount, SpreadParams params, MemorySegment outActivation, MemorySegment outFirstHop);

    /**
     * The same spread as {@link #spread}, reporting only the activated nodes, in activation
     * order: the seeds in ascending node order, then the nodes first activated at hop 1 in
     * ascending order, then hop 2, and so on. Work and output follow what the spread reaches,
     * not the graph's size: a spread from 3 seeds on a graph of a million nodes touches only
     * the nodes and edges it reaches.
     *
     * @param outNodes {@code capacity} int32 node ids
     * @param outActivation {@code capacity} float32 activations
     * @param outFirstHop {@code capacity} int32 first hops
     * @param capacity the entries each output holds, 0 or more; when more nodes are activated,
     *     the first {@code capacity} in activation order are written
     * @return the number of nodes activated, which may exceed {@code capacity}
     */
    int spreadSparse(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outNodes,
            MemorySegment outActivation, MemorySegment outFirstHop, int capacity);

    /**
     * Decays strengths by a forgetting curve: {@code out[i] = max(floor, strength[i] *
     * R(ageSeconds[i]))}, as {@link DecayParams#decayed} defines it (NaN in, NaN out; strengths
     * clamped to [0, 1], ages below 0 counted as 0). {@code out} may be {@code strength} itself.
     *
     * @param strength {@code count} float32 strengths
     * @param ageSeconds {@code count} float32 ages, in seconds
     * @param accessCount {@code count} int32 access counts, read by the two-component curve;
     *     {@code null} counts every memory as never accessed
     */
    void decay(KernelWorkspace workspace, MemorySegment strength, MemorySegment ageSeconds, MemorySegment accessCount,
            int count, DecayParams params, MemorySegment out);

    /**
     * Decay of the memories a list names, at time {@code nowSeconds}, from their last-access
     * times: {@code out[i]} is the decayed strength of memory {@code m = indices[i]} at age
     * {@code nowSeconds - lastAccessSeconds[m]} (computed in float64), so a caller builds no
     * age array. Values as {@link #decay}.
     *
     * @param indices {@code count} int32 memory numbers, each in 0..memoryCount-1 (repeats allowed)
     * @param memoryCount the memories the three per-memory arrays hold
     * @param strength {@code memoryCount} float32 strengths
     * @param lastAccessSeconds {@code memoryCount} float64 times, in seconds of any epoch
     * @param accessCount {@code memoryCount} int32 counts, or {@code null}
     * @param nowSeconds the time of the decay, finite, in the same seconds
     * @param out {@code count} float32 results, apart from the inputs
     */
    void decayGather(KernelWorkspace workspace, MemorySegment indices, int count, int memoryCount,
            MemorySegment strength, MemorySegment lastAccessSeconds, MemorySegment accessCount, double nowSeconds,
            DecayParams params, MemorySegment out);

    /** {@link #cosine} over all {@code rows} rows, with a borrowed workspace. */
    default void cosine(MemorySegment query, int dimensions, MemorySegment matrix, int rows, MemorySegment norms,
            MemorySegment out) {
        cosine(null, query, dimensions, matrix, 0, rows, norms, out);
    }

    /** {@link #cosineTopK} of one query over all {@code rows} rows, with a borrowed workspace. */
    default void cosineTopK(MemorySegment query, int dimensions, MemorySegment matrix, int rows, MemorySegment norms,
            int k, MemorySegment outIndex, MemorySegment outScore) {
        cosineTopK(null, query, 1, dimensions, matrix, 0, rows, norms, k, outIndex, outScore);
    }

    /** {@link #spread} with a borrowed workspace. */
    default int spread(CsrGraph graph, MemorySegment seedNodes, MemorySegment seedActivations, int seedCount,
            SpreadParams params, MemorySegment outActivation, MemorySegment outFirstHop) {
        return spread(null, graph, seedNodes, seedActivations, seedCount, params, outActivation, outFirstHop);
    }

    /** {@link #decay} with a borrowed workspace. */
    default void decay(MemorySegment strength, MemorySegment ageSeconds, MemorySegment accessCount, int count,
            DecayParams params, MemorySegment out) {
        decay(null, strength, ageSeconds, accessCount, count, params, out);
    }

    /** {@link #cosine} over heap arrays; the row count is {@code matrix.length / query.length}. */
    default float[] cosine(float[] query, float[] matrix, float[] norms) {
        int rows = HeapArrays.rowsOf(query, matrix);
        float[] out = new float[rows];
        cosine(null, MemorySegment.ofArray(query), query.length, MemorySegment.ofArray(matrix), 0, rows,
                norms == null ? null : MemorySegment.ofArray(norms), MemorySegment.ofArray(out));
        return out;
    }

    /** {@link #cosineTopK} of one query over heap arrays; the row count is {@code matrix.length / query.length}. */
    default TopK cosineTopK(float[] query, float[] matrix, float[] norms, int k) {
        HeapArrays.rowsOf(query, matrix);
        return cosineTopK(List.of(query), matrix, norms, k).getFirst();
    }

    /**
     * {@link #cosineTopK} of several queries at once over heap arrays, one result per query in
     * their order; every query has the matrix's dimensions.
     */
    default List<TopK> cosineTopK(List<float[]> queries, float[] matrix, float[] norms, int k) {
        if (queries == null || queries.isEmpty()) {
            throw new IllegalArgumentException("queries is " + (queries == null ? "null" : "empty")
                    + "; give 1 to " + KernelArguments.MAX_QUERIES + " queries");
        }
        int rows = HeapArrays.rowsOf(queries.getFirst(), matrix);
        int dimensions = queries.getFirst().length;
        float[] packed = HeapArrays.pack(queries, dimensions);
        HeapArrays.requireK(k, rows);
        int q = queries.size();
        int[] indices = new int[q * k];
        float[] scores = new float[q * k];
        cosineTopK(null, MemorySegment.ofArray(packed), q, dimensions, MemorySegment.ofArray(matrix), 0, rows,
                norms == null ? null : MemorySegment.ofArray(norms), k, MemorySegment.ofArray(indices),
                MemorySegment.ofArray(scores));
        List<TopK> results = new ArrayList<>(q);
        for (int i = 0; i < q; i++) {
            results.add(TopK.adopt(Arrays.copyOfRange(indices, i * k, i * k + k),
                    Arrays.copyOfRange(scores, i * k, i * k + k)));
        }
        return List.copyOf(results);
    }

    /** {@link #spread} with seeds and results on the heap. */
    default SpreadResult spread(CsrGraph graph, int[] seedNodes, float[] seedActivations, SpreadParams params) {
        HeapArrays.requireSeeds(graph, seedNodes, seedActivations);
        float[] activation = new float[graph.nodeCount()];
        int[] firstHop = new int[graph.nodeCount()];
        int activated = spread(null, graph, MemorySegment.ofArray(seedNodes), MemorySegment.ofArray(seedActivations),
                seedNodes.length, params, MemorySegment.ofArray(activation), MemorySegment.ofArray(firstHop));
        return SpreadResult.adopt(activation, firstHop, activated);
    }

    /**
     * {@link #spreadSparse} with seeds and results on the heap, keeping at most
     * {@code capacity} nodes.
     */
    default ReachedNodes spreadSparse(CsrGraph graph, int[] seedNodes, float[] seedActivations, SpreadParams params,
            int capacity) {
        HeapArrays.requireSeeds(graph, seedNodes, seedActivations);
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity is " + capacity + "; it must be 0 or more");
        }
        int room = Math.min(capacity, graph.nodeCount());
        int[] nodes = new int[room];
        float[] activations = new float[room];
        int[] firstHops = new int[room];
        int reached = spreadSparse(null, graph, MemorySegment.ofArray(seedNodes),
                MemorySegment.ofArray(seedActivations), seedNodes.length, params, MemorySegment.ofArray(nodes),
                MemorySegment.ofArray(activations), MemorySegment.ofArray(firstHops), room);
        int held = Math.min(reached, room);
        return ReachedNodes.adopt(Arrays.copyOf(nodes, held), Arrays.copyOf(activations, held),
                Arrays.copyOf(firstHops, held), reached);
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
        decay(null, MemorySegment.ofArray(strength), MemorySegment.ofArray(ageSeconds),
                accessCount == null ? null : MemorySegment.ofArray(accessCount), strength.length, params,
                MemorySegment.ofArray(out));
        return out;
    }

    /** {@link #decayGather} over heap arrays, into a new array of one entry per index. */
    default float[] decayGather(int[] indices, float[] strength, double[] lastAccessSeconds, int[] accessCount,
            double nowSeconds, DecayParams params) {
        if (indices == null || strength == null || lastAccessSeconds == null
                || strength.length != lastAccessSeconds.length
                || (accessCount != null && accessCount.length != strength.length)) {
            throw new IllegalArgumentException("indices, strength and lastAccessSeconds must be given, and strength,"
                    + " lastAccessSeconds (and accessCount, when given) one entry per memory; got "
                    + (strength == null ? "null" : strength.length) + ", "
                    + (lastAccessSeconds == null ? "null" : lastAccessSeconds.length) + " and "
                    + (accessCount == null ? "none" : accessCount.length));
        }
        float[] out = new float[indices.length];
        decayGather(null, MemorySegment.ofArray(indices), indices.length, strength.length,
                MemorySegment.ofArray(strength), MemorySegment.ofArray(lastAccessSeconds),
                accessCount == null ? null : MemorySegment.ofArray(accessCount), nowSeconds, params,
                MemorySegment.ofArray(out));
        return out;
    }
}
