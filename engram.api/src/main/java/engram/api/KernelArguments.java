package engram.api;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The argument checks that every {@link KernelService} runs before it computes: one
 * implementation of the contract's refusals ({@code docs/kernel-contract.md}), so all
 * kernels refuse the same inputs with the same messages. Each check costs O(1) and allocates
 * nothing on off-heap segments unless it fails, except for the index lists a call reads once
 * (the seeds of a spread, the indices of a gather decay).
 */
public final class KernelArguments {
    /** The largest embedding dimension a kernel takes. */
    public static final int MAX_DIMENSIONS = 4096;
    /** The most queries one batched top-k call takes. */
    public static final int MAX_QUERIES = 1024;

    private KernelArguments() {
    }

    /** Checks a {@code cosine} call; see {@link KernelService#cosine}. */
    public static void checkCosine(MemorySegment query, int dimensions, MemorySegment matrix, int firstRow,
            int rowCount, MemorySegment norms, MemorySegment out) {
        checkMatrix(query, 1, dimensions, matrix, firstRow, rowCount, norms);
        requireOutput("out", out, rowCount, ValueLayout.JAVA_FLOAT);
    }

    /** Checks a {@code cosineTopK} call; see {@link KernelService#cosineTopK}. */
    public static void checkCosineTopK(MemorySegment queries, int queryCount, int dimensions, MemorySegment matrix,
            int firstRow, int rowCount, MemorySegment norms, int k, MemorySegment outIndex, MemorySegment outScore) {
        if (queryCount < 1 || queryCount > MAX_QUERIES) {
            throw new IllegalArgumentException("queryCount is " + queryCount + "; it must be in 1.." + MAX_QUERIES
                    + " (split larger batches)");
        }
        checkMatrix(queries, queryCount, dimensions, matrix, firstRow, rowCount, norms);
        if (k < 1 || k > rowCount) {
            throw new IllegalArgumentException("k is " + k + "; it must be in 1..rowCount, and rowCount is " + rowCount
                    + (rowCount == 0 ? " (no row to rank: call cosineTopK on a non-empty range)" : ""));
        }
        if ((long) queryCount * k > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("queryCount * k is " + (long) queryCount * k + "; a batch returns at most "
                    + Integer.MAX_VALUE + " results: split it, or ask for a smaller k");
        }
        requireOutput("outIndex", outIndex, (long) queryCount * k, ValueLayout.JAVA_INT);
        requireOutput("outScore", outScore, (long) queryCount * k, ValueLayout.JAVA_FLOAT);
    }

    /**
     * Checks a dense {@code spread} call, reading the seeds once; see {@link KernelService#spread}.
     * The caller then holds the graph with {@link CsrGraph#acquire()}.
     */
    public static void checkSpread(CsrGraph graph, MemorySegment seedNodes, MemorySegment seedActivations,
            int seedCount, SpreadParams params, MemorySegment outActivation, MemorySegment outFirstHop) {
        checkGraphAndSeeds(graph, seedNodes, seedActivations, seedCount, params);
        requireOutput("outActivation", outActivation, graph.nodeCount(), ValueLayout.JAVA_FLOAT);
        requireOutput("outFirstHop", outFirstHop, graph.nodeCount(), ValueLayout.JAVA_INT);
    }

    /** Checks a {@code spreadSparse} call, reading the seeds once; see {@link KernelService#spreadSparse}. */
    public static void checkSpreadSparse(CsrGraph graph, MemorySegment seedNodes, MemorySegment seedActivations,
            int seedCount, SpreadParams params, MemorySegment outNodes, MemorySegment outActivation,
            MemorySegment outFirstHop, int capacity) {
        checkGraphAndSeeds(graph, seedNodes, seedActivations, seedCount, params);
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity is " + capacity + "; it must be 0 or more (the entries each"
                    + " output holds)");
        }
        requireOutput("outNodes", outNodes, capacity, ValueLayout.JAVA_INT);
        requireOutput("outActivation", outActivation, capacity, ValueLayout.JAVA_FLOAT);
        requireOutput("outFirstHop", outFirstHop, capacity, ValueLayout.JAVA_INT);
    }

    private static void checkGraphAndSeeds(CsrGraph graph, MemorySegment seedNodes, MemorySegment seedActivations,
            int seedCount, SpreadParams params) {
        if (graph == null) {
            throw new IllegalArgumentException("graph is null; build one with CsrGraph.of or CsrGraph.wrap");
        }
        if (!graph.isOpen()) {
            throw new IllegalArgumentException("graph " + graph + " is closed (or its memory is freed); spread over an"
                    + " open graph");
        }
        if (params == null) {
            throw new IllegalArgumentException("params is null; use SpreadParams.exponential(maxDepth, rate, threshold)"
                    + " or another factory");
        }
        if (seedCount < 0) {
            throw new IllegalArgumentException("seedCount is " + seedCount + "; it must be 0 or more");
        }
        requireGraphSegment("offsets", graph.offsets());
        requireGraphSegment("targets", graph.targets());
        requireGraphSegment("weights", graph.weights());
        requireInput("seedNodes", seedNodes, seedCount, ValueLayout.JAVA_INT);
        requireInput("seedActivations", seedActivations, seedCount, ValueLayout.JAVA_FLOAT);
        for (int i = 0; i < seedCount; i++) {
            int node = seedNodes.getAtIndex(ValueLayout.JAVA_INT, i);
            if (node < 0 || node >= graph.nodeCount()) {
                throw new IllegalArgumentException("seedNodes[" + i + "] is " + node + "; it must be a node of the graph"
                        + (graph.nodeCount() == 0 ? ", which has no nodes" : ", in 0.." + (graph.nodeCount() - 1)));
            }
            float activation = seedActivations.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            if (!(activation > 0f && activation <= 1f)) {
                throw new IllegalArgumentException("seedActivations[" + i + "] is " + activation
                        + "; it must be in (0, 1]");
            }
        }
    }

    private static void requireGraphSegment(String name, MemorySegment segment) {
        if (!segment.isAccessibleBy(Thread.currentThread())) {
            throw new IllegalArgumentException("the graph's " + name + " belong to a confined arena of another thread;"
                    + " wrap segments of a shared or global arena, or call from the owning thread");
        }
    }

    /** Checks a {@code decay} call; see {@link KernelService#decay}. */
    public static void checkDecay(MemorySegment strength, MemorySegment ageSeconds, MemorySegment accessCount,
            int count, DecayParams params, MemorySegment out) {
        if (count < 0) {
            throw new IllegalArgumentException("count is " + count + "; it must be 0 or more");
        }
        requireDecayParams(params);
        requireInput("strength", strength, count, ValueLayout.JAVA_FLOAT);
        requireInput("ageSeconds", ageSeconds, count, ValueLayout.JAVA_FLOAT);
        if (accessCount != null) {
            requireInput("accessCount", accessCount, count, ValueLayout.JAVA_INT);
        }
        requireOutput("out", out, count, ValueLayout.JAVA_FLOAT);
        requireInPlaceOrApart(strength, ageSeconds, accessCount, count, out);
    }

    /**
     * Checks a {@code decayGather} call, reading the indices once; see
     * {@link KernelService#decayGather}.
     */
    public static void checkDecayGather(MemorySegment indices, int count, int memoryCount, MemorySegment strength,
            MemorySegment lastAccessSeconds, MemorySegment accessCount, double nowSeconds, DecayParams params,
            MemorySegment out) {
        if (count < 0) {
            throw new IllegalArgumentException("count is " + count + "; it must be 0 or more");
        }
        if (memoryCount < 0) {
            throw new IllegalArgumentException("memoryCount is " + memoryCount + "; it must be 0 or more");
        }
        if (!Double.isFinite(nowSeconds)) {
            throw new IllegalArgumentException("nowSeconds is " + nowSeconds + "; pass the current time, in the"
                    + " seconds of the last-access times");
        }
        requireDecayParams(params);
        requireInput("indices", indices, count, ValueLayout.JAVA_INT);
        requireInput("strength", strength, memoryCount, ValueLayout.JAVA_FLOAT);
        requireInput("lastAccessSeconds", lastAccessSeconds, memoryCount, ValueLayout.JAVA_DOUBLE);
        if (accessCount != null) {
            requireInput("accessCount", accessCount, memoryCount, ValueLayout.JAVA_INT);
        }
        requireOutput("out", out, count, ValueLayout.JAVA_FLOAT);
        requireApart("out", out, (long) count * Float.BYTES, "strength", strength, (long) memoryCount * Float.BYTES);
        requireApart("out", out, (long) count * Float.BYTES, "lastAccessSeconds", lastAccessSeconds,
                (long) memoryCount * Double.BYTES);
        requireApart("out", out, (long) count * Float.BYTES, "indices", indices, (long) count * Integer.BYTES);
        if (accessCount != null) {
            requireApart("out", out, (long) count * Float.BYTES, "accessCount", accessCount,
                    (long) memoryCount * Integer.BYTES);
        }
        for (int i = 0; i < count; i++) {
            int index = indices.getAtIndex(ValueLayout.JAVA_INT, i);
            if (index < 0 || index >= memoryCount) {
                throw new IllegalArgumentException("indices[" + i + "] is " + index + "; it must be a memory, in 0.."
                        + (memoryCount - 1) + (memoryCount == 0 ? " (there are none)" : ""));
            }
        }
    }

    private static void requireDecayParams(DecayParams params) {
        if (params == null) {
            throw new IllegalArgumentException("params is null; use DecayParams.of(new DecayCurve.Exponential())"
                    + " or another curve");
        }
    }

    /** An output that overlaps an input would read what the call already wrote. */
    private static void requireApart(String outName, MemorySegment out, long outBytes, String inName,
            MemorySegment in, long inBytes) {
        if (overlap(out, outBytes, in, inBytes)) {
            throw new IllegalArgumentException(outName + " overlaps " + inName + "; a gather decay writes its results"
                    + " apart from its inputs");
        }
    }

    /**
     * Whether the first {@code aBytes} of {@code a} and the first {@code bBytes} of {@code b}
     * share memory: both off-heap, or both views of one heap array.
     */
    static boolean overlap(MemorySegment a, long aBytes, MemorySegment b, long bBytes) {
        if (aBytes == 0 || bBytes == 0 || a.isNative() != b.isNative()) {
            return false;
        }
        if (!a.isNative() && a.heapBase().orElse(null) != b.heapBase().orElse(null)) {
            return false;
        }
        long aStart = a.address();
        long bStart = b.address();
        return aStart < bStart + bBytes && bStart < aStart + aBytes;
    }

    /** Decay in place is {@code out} = {@code strength} exactly; any other overlap with an input is refused. */
    private static void requireInPlaceOrApart(MemorySegment strength, MemorySegment ageSeconds,
            MemorySegment accessCount, int count, MemorySegment out) {
        long bytes = (long) count * Float.BYTES;
        boolean inPlace = out.isNative() == strength.isNative() && out.address() == strength.address()
                && (out.isNative() || out.heapBase().orElse(null) == strength.heapBase().orElse(null));
        if (!inPlace && overlap(out, bytes, strength, bytes)) {
            throw new IllegalArgumentException("out overlaps strength without being it; decay in place passes the"
                    + " same segment as both, anything else must be apart");
        }
        if (overlap(out, bytes, ageSeconds, bytes)) {
            throw new IllegalArgumentException("out overlaps ageSeconds; decay writes its results over the strengths"
                    + " or apart from the inputs");
        }
        if (accessCount != null && overlap(out, bytes, accessCount, (long) count * Integer.BYTES)) {
            throw new IllegalArgumentException("out overlaps accessCount; decay writes its results over the"
                    + " strengths or apart from the inputs");
        }
    }

    private static void checkMatrix(MemorySegment queries, int queryCount, int dimensions, MemorySegment matrix,
            int firstRow, int rowCount, MemorySegment norms) {
        if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
            throw new IllegalArgumentException("dimensions is " + dimensions + "; it must be in 1.." + MAX_DIMENSIONS);
        }
        if (firstRow < 0) {
            throw new IllegalArgumentException("firstRow is " + firstRow + "; it must be 0 or more");
        }
        if (rowCount < 0) {
            throw new IllegalArgumentException("rowCount is " + rowCount + "; it must be 0 or more");
        }
        long endRow = (long) firstRow + rowCount;
        if (endRow > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("firstRow + rowCount is " + endRow + "; rows are numbered up to "
                    + Integer.MAX_VALUE);
        }
        requireInput(queryCount == 1 ? "query" : "queries", queries, (long) queryCount * dimensions,
                ValueLayout.JAVA_FLOAT);
        requireInput("matrix", matrix, endRow * dimensions, ValueLayout.JAVA_FLOAT);
        if (norms != null) {
            requireInput("norms", norms, endRow, ValueLayout.JAVA_FLOAT);
        }
    }

    /**
     * Checks that {@code segment} holds at least {@code count} values of {@code layout},
     * suitably aligned, is alive and may be read by this thread.
     */
    public static void requireInput(String name, MemorySegment segment, long count, ValueLayout layout) {
        if (segment == null) {
            throw new IllegalArgumentException(name + " is null; it must be a segment of at least " + count + " "
                    + typeName(layout) + " values");
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalArgumentException(name + " is a segment of a closed arena; pass a segment whose arena is open");
        }
        if (!segment.isAccessibleBy(Thread.currentThread())) {
            throw new IllegalArgumentException(name + " belongs to a confined arena of another thread; use a shared"
                    + " or global arena, or call from the owning thread");
        }
        long needed = Math.multiplyExact(count, layout.byteSize());
        if (segment.byteSize() < needed) {
            throw new IllegalArgumentException(name + " holds " + segment.byteSize() + " bytes; it must hold at least "
                    + needed + " (" + count + " " + typeName(layout) + " values)");
        }
        if (count > 0 && segment.maxByteAlignment() < layout.byteAlignment()) {
            throw new IllegalArgumentException(name + " is aligned to " + segment.maxByteAlignment()
                    + " bytes; " + typeName(layout) + " values need an alignment of " + layout.byteAlignment());
        }
    }

    /** As {@link #requireInput}, and the segment must be writable. */
    public static void requireOutput(String name, MemorySegment segment, long count, ValueLayout layout) {
        requireInput(name, segment, count, layout);
        if (segment.isReadOnly()) {
            throw new IllegalArgumentException(name + " is read-only; the kernel writes its results there");
        }
    }

    private static String typeName(ValueLayout layout) {
        if (layout.carrier() == float.class) {
            return "float32";
        }
        return layout.carrier() == double.class ? "float64" : "int32";
    }
}
