package engram.api;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The argument checks that every {@link KernelService} runs before it computes: one
 * implementation of the contract's refusals, so all kernels refuse the same inputs with
 * the same messages. Each check costs O(1), except the seeds of a spreading call, which
 * are read once.
 */
public final class KernelArguments {
    /** The largest embedding dimension a kernel takes. */
    public static final int MAX_DIMENSIONS = 4096;

    private KernelArguments() {
    }

    /** Checks a {@code cosine} call; see {@link KernelService#cosine}. */
    public static void checkCosine(MemorySegment query, int dimensions, MemorySegment matrix, int rows,
            MemorySegment norms, MemorySegment out) {
        checkMatrix(query, dimensions, matrix, rows, norms);
        requireOutput("out", out, rows, ValueLayout.JAVA_FLOAT);
    }

    /** Checks a {@code cosineTopK} call; see {@link KernelService#cosineTopK}. */
    public static void checkCosineTopK(MemorySegment query, int dimensions, MemorySegment matrix, int rows,
            MemorySegment norms, int k, MemorySegment outIndex, MemorySegment outScore) {
        checkMatrix(query, dimensions, matrix, rows, norms);
        if (k < 1 || k > rows) {
            throw new IllegalArgumentException("k is " + k + "; it must be in 1..rows, and rows is " + rows
                    + (rows == 0 ? " (no row to rank: call cosineTopK on a non-empty matrix)" : ""));
        }
        requireOutput("outIndex", outIndex, k, ValueLayout.JAVA_INT);
        requireOutput("outScore", outScore, k, ValueLayout.JAVA_FLOAT);
    }

    /**
     * Checks a {@code spread} call, reading the seeds once; see {@link KernelService#spread}.
     */
    public static void checkSpread(CsrGraph graph, MemorySegment seedNodes, MemorySegment seedActivations,
            int seedCount, SpreadParams params, MemorySegment outActivation, MemorySegment outFirstHop) {
        if (graph == null) {
            throw new IllegalArgumentException("graph is null; build one with CsrGraph.of");
        }
        if (!graph.isOpen()) {
            throw new IllegalArgumentException("graph " + graph + " is closed; spread over an open graph");
        }
        if (params == null) {
            throw new IllegalArgumentException("params is null; use SpreadParams.exponential(maxDepth, rate, threshold)"
                    + " or another factory");
        }
        if (seedCount < 0) {
            throw new IllegalArgumentException("seedCount is " + seedCount + "; it must be 0 or more");
        }
        requireInput("seedNodes", seedNodes, seedCount, ValueLayout.JAVA_INT);
        requireInput("seedActivations", seedActivations, seedCount, ValueLayout.JAVA_FLOAT);
        requireOutput("outActivation", outActivation, graph.nodeCount(), ValueLayout.JAVA_FLOAT);
        requireOutput("outFirstHop", outFirstHop, graph.nodeCount(), ValueLayout.JAVA_INT);
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

    /** Checks a {@code decay} call; see {@link KernelService#decay}. */
    public static void checkDecay(MemorySegment strength, MemorySegment ageSeconds, MemorySegment accessCount,
            int count, DecayParams params, MemorySegment out) {
        if (count < 0) {
            throw new IllegalArgumentException("count is " + count + "; it must be 0 or more");
        }
        if (params == null) {
            throw new IllegalArgumentException("params is null; use DecayParams.of(new DecayCurve.Exponential())"
                    + " or another curve");
        }
        requireInput("strength", strength, count, ValueLayout.JAVA_FLOAT);
        requireInput("ageSeconds", ageSeconds, count, ValueLayout.JAVA_FLOAT);
        if (accessCount != null) {
            requireInput("accessCount", accessCount, count, ValueLayout.JAVA_INT);
        }
        requireOutput("out", out, count, ValueLayout.JAVA_FLOAT);
    }

    private static void checkMatrix(MemorySegment query, int dimensions, MemorySegment matrix, int rows,
            MemorySegment norms) {
        if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
            throw new IllegalArgumentException("dimensions is " + dimensions + "; it must be in 1.." + MAX_DIMENSIONS);
        }
        if (rows < 0) {
            throw new IllegalArgumentException("rows is " + rows + "; it must be 0 or more");
        }
        requireInput("query", query, dimensions, ValueLayout.JAVA_FLOAT);
        requireInput("matrix", matrix, (long) rows * dimensions, ValueLayout.JAVA_FLOAT);
        if (norms != null) {
            requireInput("norms", norms, rows, ValueLayout.JAVA_FLOAT);
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
        return layout.carrier() == float.class ? "float32" : "int32";
    }
}
