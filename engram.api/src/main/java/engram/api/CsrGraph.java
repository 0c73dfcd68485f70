package engram.api;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A directed, weighted graph in compressed sparse row form, validated once when it is
 * made and immutable after that: it copies the arrays it is given into off-heap memory
 * of its own, so kernels read them in place and no caller can change them under a
 * running kernel.
 *
 * <p>Edges of node {@code u} are {@code offsets[u] .. offsets[u + 1] - 1}; edge {@code j}
 * goes to {@code targets[j]} with weight {@code weights[j]} in [0, 1]. Self-loops and
 * cycles are allowed. {@link #close()} frees the memory; a closed graph is refused by
 * every kernel.
 */
public final class CsrGraph implements AutoCloseable {
    private final int nodeCount;
    private final int edgeCount;
    private final Arena arena;
    private final MemorySegment offsets;
    private final MemorySegment targets;
    private final MemorySegment weights;

    private CsrGraph(int nodeCount, int edgeCount, MemorySegment offsets, MemorySegment targets,
            MemorySegment weights) {
        if (nodeCount < 0) {
            throw new IllegalArgumentException("nodeCount is " + nodeCount + "; it must be 0 or more");
        }
        if (edgeCount < 0) {
            throw new IllegalArgumentException("edgeCount is " + edgeCount + "; it must be 0 or more");
        }
        KernelArguments.requireInput("offsets", offsets, (long) nodeCount + 1, ValueLayout.JAVA_INT);
        KernelArguments.requireInput("targets", targets, edgeCount, ValueLayout.JAVA_INT);
        KernelArguments.requireInput("weights", weights, edgeCount, ValueLayout.JAVA_FLOAT);
        this.nodeCount = nodeCount;
        this.edgeCount = edgeCount;
        this.arena = Arena.ofShared();
        try {
            this.offsets = copy(offsets, ((long) nodeCount + 1) * Integer.BYTES);
            this.targets = copy(targets, (long) edgeCount * Integer.BYTES);
            this.weights = copy(weights, (long) edgeCount * Float.BYTES);
            validate();
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
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
        return new CsrGraph(offsets.length - 1, targets.length, MemorySegment.ofArray(offsets),
                MemorySegment.ofArray(targets), MemorySegment.ofArray(weights));
    }

    /** Copies and validates a graph given as segments of int32, int32 and float32 values. */
    public static CsrGraph copyOf(int nodeCount, int edgeCount, MemorySegment offsets, MemorySegment targets,
            MemorySegment weights) {
        return new CsrGraph(nodeCount, edgeCount, offsets, targets, weights);
    }

    /** A graph of {@code nodeCount} nodes and no edges. */
    public static CsrGraph empty(int nodeCount) {
        if (nodeCount < 0 || nodeCount == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("nodeCount is " + nodeCount + "; it must be in 0.."
                    + (Integer.MAX_VALUE - 1) + " (offsets hold nodeCount + 1 entries)");
        }
        return of(new int[nodeCount + 1], new int[0], new float[0]);
    }

    private MemorySegment copy(MemorySegment source, long bytes) {
        // An empty array still gets an address of its own, but a segment of its true size.
        MemorySegment copy = arena.allocate(Math.max(bytes, 1), 64).asSlice(0, bytes);
        MemorySegment.copy(source, 0, copy, 0, bytes);
        return copy;
    }

    private void validate() {
        if (offsets.getAtIndex(ValueLayout.JAVA_INT, 0) != 0) {
            throw new IllegalArgumentException("offsets[0] is " + offsets.getAtIndex(ValueLayout.JAVA_INT, 0)
                    + "; it must be 0");
        }
        int previous = 0;
        for (int u = 1; u <= nodeCount; u++) {
            int offset = offsets.getAtIndex(ValueLayout.JAVA_INT, u);
            if (offset < previous) {
                throw new IllegalArgumentException("offsets[" + u + "] is " + offset + ", below offsets[" + (u - 1)
                        + "] = " + previous + "; offsets must not decrease");
            }
            previous = offset;
        }
        if (previous != edgeCount) {
            throw new IllegalArgumentException("offsets[" + nodeCount + "] is " + previous
                    + "; it must equal the edge count " + edgeCount);
        }
        for (int j = 0; j < edgeCount; j++) {
            int target = targets.getAtIndex(ValueLayout.JAVA_INT, j);
            if (target < 0 || target >= nodeCount) {
                throw new IllegalArgumentException("targets[" + j + "] is " + target + "; it must be in 0.."
                        + (nodeCount - 1) + " (a node of this graph)");
            }
            float weight = weights.getAtIndex(ValueLayout.JAVA_FLOAT, j);
            if (!(weight >= 0f && weight <= 1f)) {
                throw new IllegalArgumentException("weights[" + j + "] is " + weight + "; it must be in [0, 1]");
            }
        }
    }

    public int nodeCount() {
        return nodeCount;
    }

    public int edgeCount() {
        return edgeCount;
    }

    /** {@code nodeCount + 1} int32 offsets, read-only. */
    public MemorySegment offsets() {
        return offsets.asReadOnly();
    }

    /** {@code edgeCount} int32 target node ids, read-only. */
    public MemorySegment targets() {
        return targets.asReadOnly();
    }

    /** {@code edgeCount} float32 weights, read-only. */
    public MemorySegment weights() {
        return weights.asReadOnly();
    }

    /** Whether the graph's memory is still there; kernels refuse a closed graph. */
    public boolean isOpen() {
        return arena.scope().isAlive();
    }

    /**
     * Frees the graph's memory. Close a graph only when no kernel call uses it: a native
     * kernel's call holds the memory, so closing then fails with {@link IllegalStateException};
     * a Java kernel's call then fails part way with {@link IllegalStateException}, its
     * outputs half written.
     */
    @Override
    public void close() {
        if (isOpen()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "CsrGraph[nodes=" + nodeCount + ", edges=" + edgeCount + (isOpen() ? "" : ", closed") + "]";
    }
}
