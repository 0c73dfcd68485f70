package engram.api;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import engram.api.spi.Holds;

/**
 * A directed, weighted graph in compressed sparse row form, validated once when it is made.
 *
 * <p>Edges of node {@code u} are {@code offsets[u] .. offsets[u + 1] - 1}; edge {@code j}
 * goes to {@code targets[j]} with weight {@code weights[j]} in [0, 1]. Self-loops and cycles
 * are allowed.
 *
 * <p>Two kinds, one rule for freeing:
 * <ul>
 * <li>{@link #of} and {@link #copyOf} copy the arrays into off-heap memory of the graph's own
 * (64-byte aligned), which nobody else can change; {@link #close()} frees it. {@link #build}
 * has the caller write the arrays straight into such memory, with no copy.
 * <li>{@link #wrap} takes native segments the caller already owns (an engine's snapshot), with
 * no copy. The caller must not change them while the graph is open, and may free them once the
 * graph's {@code onRelease} action has run. The kernels re-check every offset and target they
 * follow, so a graph changed anyway gives an error, never a crash.
 * </ul>
 * A kernel call holds the graph from start to end ({@link #acquire()}, {@link #release()}).
 * {@link #close()} refuses new calls at once and frees (or runs {@code onRelease}) when the
 * last call holding the graph returns, so a graph in use is never freed under a call.
 */
public final class CsrGraph implements AutoCloseable {
    /** Values read at a time by the validation: 64 KiB of each array. */
    private static final int VALIDATE_CHUNK = 16 * 1024;
    private final int nodeCount;
    private final int edgeCount;
    private final MemorySegment offsets;
    private final MemorySegment targets;
    private final MemorySegment weights;
    private final boolean wrapped;
    private final Runnable onRelease;
    /** The calls holding the graph, and whether it is closed. */
    private final Holds holds = new Holds();
    /** The three segments as a native call receives them: see {@link #offsetsForNativeCall()}. */
    private final MemorySegment offsetsForCall;
    private final MemorySegment targetsForCall;
    private final MemorySegment weightsForCall;

    private CsrGraph(int nodeCount, int edgeCount, MemorySegment offsets, MemorySegment targets,
            MemorySegment weights, boolean wrapped, Runnable onRelease) {
        this.nodeCount = nodeCount;
        this.edgeCount = edgeCount;
        this.offsets = offsets.asReadOnly();
        this.targets = targets.asReadOnly();
        this.weights = weights.asReadOnly();
        this.wrapped = wrapped;
        this.onRelease = onRelease;
        this.offsetsForCall = forNativeCall(this.offsets, wrapped);
        this.targetsForCall = forNativeCall(this.targets, wrapped);
        this.weightsForCall = forNativeCall(this.weights, wrapped);
    }

    /**
     * A graph's own memory lives until its last hold is released, so a native call that holds
     * the graph may take its address alone, a segment of the global scope, which the downcall
     * does not acquire; a wrapped graph's memory lives as long as the caller's arena, which only
     * the downcall's acquire of that arena keeps open, so those segments are passed as they are.
     */
    private static MemorySegment forNativeCall(MemorySegment segment, boolean wrapped) {
        return wrapped ? segment : MemorySegment.ofAddress(segment.address());
    }

    /** Copies and validates a graph given as heap arrays; {@code offsets.length} is the node count + 1. */
    public static CsrGraph of(int[] offsets, int[] targets, float[] weights) {
        if (offsets == null || offsets.length == 0) {
            throw new IllegalArgumentException("offsets has " + (offsets == null ? "no array" : "0 entries")
                    + "; it must have nodeCount + 1 entries, starting with 0");
        }
        if (targets == null || weights == null || targets.length != weights.length) {
            throw new IllegalArgumentException("targets and weights must both be given, one entry per edge; got "
                    + (targets == null ? "null" : targets.length) + " and " + (weights == null ? "null" : weights.length));
        }
        return copyOf(offsets.length - 1, targets.length, MemorySegment.ofArray(offsets),
                MemorySegment.ofArray(targets), MemorySegment.ofArray(weights));
    }

    /** Writes a new graph's arrays into the graph's own memory: see {@link CsrGraph#build}. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the graph's {@code nodeCount + 1} int32 offsets, and its {@code edgeCount} int32
         * targets and float32 weights, into the given segments, which hold zeros at first and
         * are exactly that long. They are the graph's own memory: keep no reference to them once
         * this returns.
         */
        void write(MemorySegment offsets, MemorySegment targets, MemorySegment weights);
    }

    /**
     * A graph of {@code nodeCount} nodes and {@code edgeCount} edges whose arrays {@code writer}
     * writes straight into the graph's own off-heap memory (64-byte aligned, as {@link #of}
     * makes it), with no copy: a large graph then needs no heap arrays of its size first.
     * Validated when {@code writer} returns, as {@link #of} validates. A writer that kept the
     * segments and changed them later would make kernels fail on the graph (they re-check what
     * they follow), never crash.
     *
     * @throws IllegalArgumentException if a count is out of range or the written arrays are not
     *     a valid graph (the memory is freed then)
     */
    public static CsrGraph build(int nodeCount, int edgeCount, Writer writer) {
        checkCounts(nodeCount, edgeCount);
        if (writer == null) {
            throw new IllegalArgumentException("writer is null; give a CsrGraph.Writer that writes the arrays");
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment offsets = allocate(arena, ((long) nodeCount + 1) * Integer.BYTES);
            MemorySegment targets = allocate(arena, (long) edgeCount * Integer.BYTES);
            MemorySegment weights = allocate(arena, (long) edgeCount * Float.BYTES);
            writer.write(offsets, targets, weights);
            CsrGraph graph = new CsrGraph(nodeCount, edgeCount, offsets, targets, weights, false, arena::close);
            graph.validate();
            return graph;
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Copies and validates a graph given as segments of int32, int32 and float32 values. */
    public static CsrGraph copyOf(int nodeCount, int edgeCount, MemorySegment offsets, MemorySegment targets,
            MemorySegment weights) {
        checkShape(nodeCount, edgeCount, offsets, targets, weights);
        Arena arena = Arena.ofShared();
        try {
            CsrGraph graph = new CsrGraph(nodeCount, edgeCount,
                    copy(arena, offsets, ((long) nodeCount + 1) * Integer.BYTES),
                    copy(arena, targets, (long) edgeCount * Integer.BYTES),
                    copy(arena, weights, (long) edgeCount * Float.BYTES), false, arena::close);
            graph.validate();
            return graph;
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Validates a graph over native segments the caller owns and keeps them as they are, with
     * no copy. The caller keeps the segments unchanged and alive until {@code onRelease} has
     * run: once the graph is closed and no call holds it.
     *
     * @param onRelease run once, when the graph is closed and no call holds it (it may free
     *     the segments); {@code null} for nothing
     */
    public static CsrGraph wrap(int nodeCount, int edgeCount, MemorySegment offsets, MemorySegment targets,
            MemorySegment weights, Runnable onRelease) {
        checkShape(nodeCount, edgeCount, offsets, targets, weights);
        requireNative("offsets", offsets);
        requireNative("targets", targets);
        requireNative("weights", weights);
        CsrGraph graph = new CsrGraph(nodeCount, edgeCount, offsets.asSlice(0, ((long) nodeCount + 1) * Integer.BYTES),
                targets.asSlice(0, (long) edgeCount * Integer.BYTES), weights.asSlice(0, (long) edgeCount * Float.BYTES),
                true, onRelease);
        graph.validate();
        return graph;
    }

    /** A graph of {@code nodeCount} nodes and no edges. */
    public static CsrGraph empty(int nodeCount) {
        // The offsets start as zeros: no edges.
        return build(nodeCount, 0, (offsets, targets, weights) -> {
        });
    }

    private static void checkShape(int nodeCount, int edgeCount, MemorySegment offsets, MemorySegment targets,
            MemorySegment weights) {
        checkCounts(nodeCount, edgeCount);
        KernelArguments.requireInput("offsets", offsets, (long) nodeCount + 1, ValueLayout.JAVA_INT);
        KernelArguments.requireInput("targets", targets, edgeCount, ValueLayout.JAVA_INT);
        KernelArguments.requireInput("weights", weights, edgeCount, ValueLayout.JAVA_FLOAT);
    }

    private static void checkCounts(int nodeCount, int edgeCount) {
        if (nodeCount < 0 || nodeCount == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("nodeCount is " + nodeCount + "; it must be in 0.."
                    + (Integer.MAX_VALUE - 1));
        }
        if (edgeCount < 0) {
            throw new IllegalArgumentException("edgeCount is " + edgeCount + "; it must be 0 or more");
        }
    }

    private static void requireNative(String name, MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException(name + " is a heap segment; CsrGraph.wrap takes native (off-heap)"
                    + " segments, which kernels read in place. Use CsrGraph.of or copyOf to copy heap arrays");
        }
    }

    private static MemorySegment copy(Arena arena, MemorySegment source, long bytes) {
        MemorySegment copy = allocate(arena, bytes);
        MemorySegment.copy(source, 0, copy, 0, bytes);
        return copy;
    }

    private static MemorySegment allocate(Arena arena, long bytes) {
        // An empty array still gets an address of its own, but a segment of its true size.
        return arena.allocate(Math.max(bytes, 1), 64).asSlice(0, bytes);
    }

    private void validate() {
        if (offsets.getAtIndex(ValueLayout.JAVA_INT, 0) != 0) {
            throw new IllegalArgumentException("offsets[0] is " + offsets.getAtIndex(ValueLayout.JAVA_INT, 0)
                    + "; it must be 0");
        }
        // In chunks copied to the heap: a loop over arrays runs in vector steps, while reads of a
        // shared arena's segment one by one each check its scope (half a large merge's time).
        int[] ints = new int[Math.min(VALIDATE_CHUNK, Math.max(nodeCount, edgeCount))];
        int previous = 0;
        for (int first = 1; first <= nodeCount; first += ints.length) {
            int length = Math.min(ints.length, nodeCount + 1 - first);
            MemorySegment.copy(offsets, ValueLayout.JAVA_INT, (long) first * Integer.BYTES, ints, 0, length);
            for (int i = 0; i < length; i++) {
                int offset = ints[i];
                if (offset < previous) {
                    int u = first + i;
                    throw new IllegalArgumentException("offsets[" + u + "] is " + offset + ", below offsets["
                            + (u - 1) + "] = " + previous + "; offsets must not decrease");
                }
                previous = offset;
            }
        }
        if (previous != edgeCount) {
            throw new IllegalArgumentException("offsets[" + nodeCount + "] is " + previous
                    + "; it must equal the edge count " + edgeCount);
        }
        float[] floats = new float[ints.length];
        for (int first = 0; first < edgeCount; first += ints.length) {
            int length = Math.min(ints.length, edgeCount - first);
            MemorySegment.copy(targets, ValueLayout.JAVA_INT, (long) first * Integer.BYTES, ints, 0, length);
            MemorySegment.copy(weights, ValueLayout.JAVA_FLOAT, (long) first * Float.BYTES, floats, 0, length);
            boolean bad = false;
            for (int i = 0; i < length; i++) {
                // Non-short-circuit operators: no branch per edge.
                bad |= ints[i] < 0 | ints[i] >= nodeCount | !(floats[i] >= 0f & floats[i] <= 1f);
            }
            if (bad) {
                refuseEdge(first, length, ints, floats);
            }
        }
    }

    /** Throws for the first bad edge among {@code length} read from edge {@code first} on. */
    private void refuseEdge(int first, int length, int[] targetChunk, float[] weightChunk) {
        for (int i = 0; i < length; i++) {
            int j = first + i;
            int target = targetChunk[i];
            if (target < 0 || target >= nodeCount) {
                throw new IllegalArgumentException("targets[" + j + "] is " + target + "; it must be in 0.."
                        + (nodeCount - 1) + " (a node of this graph)");
            }
            float weight = weightChunk[i];
            if (!(weight >= 0f && weight <= 1f)) {
                throw new IllegalArgumentException("weights[" + j + "] is " + weight + "; it must be in [0, 1]");
            }
        }
        throw new AssertionError("a chunk of edges found bad has no bad edge");
    }

    public int nodeCount() {
        return nodeCount;
    }

    public int edgeCount() {
        return edgeCount;
    }

    /** {@code nodeCount + 1} int32 offsets, read-only; the same segment on every call. */
    public MemorySegment offsets() {
        return offsets;
    }

    /** {@code edgeCount} int32 target node ids, read-only. */
    public MemorySegment targets() {
        return targets;
    }

    /** {@code edgeCount} float32 weights, read-only. */
    public MemorySegment weights() {
        return weights;
    }

    /**
     * For kernel implementations that pass the graph to native code, while their call holds it
     * ({@link #acquire()}): {@link #offsets()} as the downcall should receive it. For a graph
     * with memory of its own ({@link #of}, {@link #copyOf}) that is its address alone, a
     * zero-length segment of the global scope: the hold keeps the memory alive, and the
     * downcall then need not acquire and release the graph's arena as well, a pair of atomic
     * operations on every call. For a wrapped graph it is the caller's segment itself, since
     * only the downcall's acquire keeps the caller's arena from closing during the call. Never
     * read it in Java, and never keep it beyond the call.
     */
    public MemorySegment offsetsForNativeCall() {
        return offsetsForCall;
    }

    /** {@link #targets()} as a native call holding the graph receives it; see {@link #offsetsForNativeCall()}. */
    public MemorySegment targetsForNativeCall() {
        return targetsForCall;
    }

    /** {@link #weights()} as a native call holding the graph receives it; see {@link #offsetsForNativeCall()}. */
    public MemorySegment weightsForNativeCall() {
        return weightsForCall;
    }

    /** Whether the graph was made by {@link #wrap} over the caller's segments. */
    public boolean isWrapped() {
        return wrapped;
    }

    /** Whether the graph takes calls: not closed, and its memory alive. */
    public boolean isOpen() {
        return !holds.isClosed() && memoryAlive();
    }

    private boolean memoryAlive() {
        return offsets.scope().isAlive() && targets.scope().isAlive() && weights.scope().isAlive();
    }

    /**
     * For kernel implementations: holds the graph for one call, so that it is not freed under
     * it. Pair a {@code true} result with {@link #release()}.
     *
     * @return false if the graph is closed or its memory is gone
     */
    public boolean acquire() {
        if (!holds.hold(this)) {
            return false;
        }
        if (memoryAlive()) {
            return true;
        }
        release();
        return false;
    }

    /**
     * For kernel implementations: ends a call's hold taken by {@link #acquire()}. Call it exactly
     * once per successful {@code acquire()}: one release too many could free the graph under
     * another call.
     */
    public void release() {
        if (holds.release()) {
            freeMemory();
        }
    }

    /**
     * Closes the graph: kernels refuse it from now on, and its memory is freed (or, for a
     * wrapped graph, {@code onRelease} runs) as soon as no call holds it, at once if none
     * does. Closing a closed graph does nothing.
     */
    @Override
    public void close() {
        if (holds.close()) {
            freeMemory();
        }
    }

    /**
     * Frees the graph's memory or runs {@code onRelease}. A failure of {@code onRelease} is
     * logged, not thrown: it may run on a kernel's thread at the end of a call, which must not
     * fail because of it.
     */
    private void freeMemory() {
        if (onRelease == null) {
            return;
        }
        try {
            onRelease.run();
        } catch (RuntimeException | Error e) {
            System.getLogger(CsrGraph.class.getName()).log(System.Logger.Level.ERROR,
                    "the onRelease action of " + this + " failed; the graph's segments may not have been freed", e);
        }
    }

    @Override
    public String toString() {
        return "CsrGraph[nodes=" + nodeCount + ", edges=" + edgeCount + (wrapped ? ", wrapped" : "")
                + (isOpen() ? "" : ", closed") + "]";
    }
}
