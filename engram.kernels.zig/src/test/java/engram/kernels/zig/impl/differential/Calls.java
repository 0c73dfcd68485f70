package engram.kernels.zig.impl.differential;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import engram.api.CsrGraph;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.ReachedNodes;
import engram.api.SpreadResult;
import engram.api.TopK;

/**
 * Runs a case on a kernel with its arrays where {@link Placement} says: on the heap, or
 * off-heap at a start offset, so that every vector loop meets every alignment; and with the
 * workspace the placement names. Heap arrays without a workspace go through the convenience
 * methods where one covers the call; every other call goes through the segment entry points,
 * heap arrays as heap segments (which the Zig kernels read in place in a short critical call,
 * or stage off-heap in a long one). Outputs are first filled with a value no kernel returns,
 * so a value the kernel forgets to write shows.
 */
public final class Calls {
    /** Bytes of 0x7f7f7f7f: 3.4e38 as a float32, 2139062143 as an int32, valid as neither. */
    static final int UNWRITTEN = 0x7f7f_7f7f;
    /** Entries past a sparse output's capacity, which the kernel must leave as they are. */
    static final int SPARSE_GUARD = 4;

    private Calls() {
    }

    /** The workspace a call runs with. */
    public enum WorkspaceChoice {
        /** One workspace per kernel, made once and reused by every case of every entry point. */
        LONG_LIVED("long-lived workspace"),
        /** A new workspace of the smallest arena (1 MiB) and the error strategy, closed after the case. */
        FRESH("fresh workspace"),
        /** {@code null}: a workspace borrowed from the kernel's pool. */
        POOL("pool");

        private final String description;

        WorkspaceChoice(String description) {
            this.description = description;
        }
    }

    /**
     * Where a call's arrays live, and which workspace it runs with.
     *
     * @param offHeap off-heap segments rather than heap arrays
     * @param shiftFloats how many 4-byte values past a 64-byte boundary each off-heap array
     *     starts (float64 arrays: as many 8-byte values)
     * @param inPlace for decay: {@code out} is {@code strength} itself
     */
    public record Placement(boolean offHeap, int shiftFloats, boolean inPlace, WorkspaceChoice workspace) {
        /**
         * Case {@code index} cycles through the heap and each of 16 off-heap start offsets; a
         * decay runs in place every third case. Each run of 17 cases takes one workspace
         * choice, so that every placement meets every choice: half the cases the long-lived
         * workspace, a sixth a fresh one, a third the pool.
         */
        public static Placement forCase(int index, boolean inPlaceAllowed) {
            int slot = index % 17;
            WorkspaceChoice workspace = switch ((index / 17) % 6) {
                case 0, 1, 2 -> WorkspaceChoice.LONG_LIVED;
                case 3 -> WorkspaceChoice.FRESH;
                default -> WorkspaceChoice.POOL;
            };
            return new Placement(slot != 16, slot % 16, inPlaceAllowed && index % 3 == 0, workspace);
        }

        /**
         * A corpus case runs three times: heap arrays without a workspace, off-heap at a start
         * offset of 1 to 15 floats with the long-lived workspace, and heap arrays with a fresh one.
         */
        public static List<Placement> forCorpusCase(int index, boolean inPlaceAllowed) {
            return List.of(new Placement(false, 0, false, WorkspaceChoice.POOL),
                    new Placement(true, 1 + index % 15, inPlaceAllowed && index % 2 == 0, WorkspaceChoice.LONG_LIVED),
                    new Placement(false, 0, inPlaceAllowed && index % 2 == 1, WorkspaceChoice.FRESH));
        }

        @Override
        public String toString() {
            return (offHeap ? "off-heap at +" + shiftFloats * Float.BYTES + " bytes" : "heap arrays")
                    + (inPlace ? ", in place" : "") + ", " + workspace.description;
        }
    }

    /** Where one call's segments are made: heap arrays, or off-heap at a shift; closed after the call. */
    private static final class Memory implements AutoCloseable {
        private final Arena arena;
        private final int shift;

        private Memory(Placement placement) {
            this.arena = placement.offHeap() ? Arena.ofConfined() : null;
            this.shift = placement.shiftFloats();
        }

        private MemorySegment allocate(long count, long elementBytes) {
            long bytes = count * elementBytes;
            long offset = shift * elementBytes;
            return arena.allocate(Math.max(offset + bytes, 1), 64).asSlice(offset, bytes);
        }

        MemorySegment in(float[] values) {
            if (arena == null) {
                return MemorySegment.ofArray(values);
            }
            MemorySegment segment = allocate(values.length, Float.BYTES);
            MemorySegment.copy(values, 0, segment, JAVA_FLOAT, 0, values.length);
            return segment;
        }

        MemorySegment in(int[] values) {
            if (arena == null) {
                return MemorySegment.ofArray(values);
            }
            MemorySegment segment = allocate(values.length, Integer.BYTES);
            MemorySegment.copy(values, 0, segment, JAVA_INT, 0, values.length);
            return segment;
        }

        MemorySegment in(double[] values) {
            if (arena == null) {
                return MemorySegment.ofArray(values);
            }
            MemorySegment segment = allocate(values.length, Double.BYTES);
            MemorySegment.copy(values, 0, segment, JAVA_DOUBLE, 0, values.length);
            return segment;
        }

        MemorySegment inOrNull(float[] values) {
            return values == null ? null : in(values);
        }

        MemorySegment inOrNull(int[] values) {
            return values == null ? null : in(values);
        }

        /** Room for {@code count} 32-bit results, filled with {@link #UNWRITTEN}. */
        MemorySegment out(int count) {
            if (arena == null) {
                int[] values = new int[count];
                Arrays.fill(values, UNWRITTEN);
                return MemorySegment.ofArray(values);
            }
            MemorySegment segment = allocate(count, Integer.BYTES);
            segment.fill((byte) (UNWRITTEN & 0xff));
            return segment;
        }

        @Override
        public void close() {
            if (arena != null) {
                arena.close();
            }
        }
    }

    private static boolean convenient(KernelWorkspace workspace, Placement placement) {
        return workspace == null && !placement.offHeap();
    }

    /** Scores of rows {@code firstRow .. firstRow + rowCount - 1}. */
    public static float[] cosine(KernelService kernel, KernelWorkspace workspace, CosineCase c, int firstRow,
            int rowCount, Placement placement) {
        if (convenient(workspace, placement) && firstRow == 0 && rowCount == c.rows()) {
            return kernel.cosine(c.query(), c.matrix(), c.norms());
        }
        try (Memory memory = new Memory(placement)) {
            MemorySegment out = memory.out(rowCount);
            kernel.cosine(workspace, memory.in(c.query()), c.dimensions(), memory.in(c.matrix()), firstRow, rowCount,
                    memory.inOrNull(c.norms()), out);
            return out.toArray(JAVA_FLOAT);
        }
    }

    /** The top {@code k} of the case's query over rows {@code firstRow .. firstRow + rowCount - 1}. */
    public static TopK topK(KernelService kernel, KernelWorkspace workspace, TopKCase c, int k, int firstRow,
            int rowCount, Placement placement) {
        if (convenient(workspace, placement) && firstRow == 0 && rowCount == c.rows()) {
            return kernel.cosineTopK(c.query(), c.matrix(), c.norms(), k);
        }
        try (Memory memory = new Memory(placement)) {
            MemorySegment index = memory.out(k);
            MemorySegment score = memory.out(k);
            kernel.cosineTopK(workspace, memory.in(c.query()), 1, c.dimensions(), memory.in(c.matrix()), firstRow,
                    rowCount, memory.inOrNull(c.norms()), k, index, score);
            return new TopK(index.toArray(JAVA_INT), score.toArray(JAVA_FLOAT));
        }
    }

    /**
     * A batch's result per query, and each query's result from a call with that query alone,
     * made by the same kernel with the same workspace and placement.
     */
    public record Batch(List<TopK> batch, List<TopK> alone) {
    }

    public static Batch topKBatch(KernelService kernel, KernelWorkspace workspace, BatchCase c, Placement placement) {
        int q = c.queryCount();
        int d = c.dimensions();
        int k = c.k();
        List<float[]> queries = new ArrayList<>(q);
        for (int i = 0; i < q; i++) {
            queries.add(c.query(i));
        }
        List<TopK> alone = new ArrayList<>(q);
        if (convenient(workspace, placement) && c.firstRow() == 0 && c.rowCount() == c.rows()) {
            for (float[] query : queries) {
                alone.add(kernel.cosineTopK(query, c.matrix(), c.norms(), k));
            }
            return new Batch(kernel.cosineTopK(queries, c.matrix(), c.norms(), k), alone);
        }
        try (Memory memory = new Memory(placement)) {
            MemorySegment packed = memory.in(c.queries());
            MemorySegment matrix = memory.in(c.matrix());
            MemorySegment norms = memory.inOrNull(c.norms());
            MemorySegment index = memory.out(q * k);
            MemorySegment score = memory.out(q * k);
            kernel.cosineTopK(workspace, packed, q, d, matrix, c.firstRow(), c.rowCount(), norms, k, index, score);
            List<TopK> batch = new ArrayList<>(q);
            int[] indices = index.toArray(JAVA_INT);
            float[] scores = score.toArray(JAVA_FLOAT);
            for (int i = 0; i < q; i++) {
                batch.add(new TopK(Arrays.copyOfRange(indices, i * k, i * k + k),
                        Arrays.copyOfRange(scores, i * k, i * k + k)));
                MemorySegment oneIndex = memory.out(k);
                MemorySegment oneScore = memory.out(k);
                // Query i where the batch had it: its own start offset within the queries.
                kernel.cosineTopK(workspace, packed.asSlice((long) i * d * Float.BYTES, (long) d * Float.BYTES), 1, d,
                        matrix, c.firstRow(), c.rowCount(), norms, k, oneIndex, oneScore);
                alone.add(new TopK(oneIndex.toArray(JAVA_INT), oneScore.toArray(JAVA_FLOAT)));
            }
            return new Batch(batch, alone);
        }
    }

    /** Spreads over {@code graph}, which must be the graph of {@code c}. */
    public static SpreadResult spread(KernelService kernel, KernelWorkspace workspace, CsrGraph graph, SpreadCase c,
            Placement placement) {
        if (convenient(workspace, placement)) {
            return kernel.spread(graph, c.seedNodes(), c.seedActivations(), c.params());
        }
        try (Memory memory = new Memory(placement)) {
            int n = c.nodeCount();
            MemorySegment activation = memory.out(n);
            MemorySegment firstHop = memory.out(n);
            int count = kernel.spread(workspace, graph, memory.in(c.seedNodes()), memory.in(c.seedActivations()),
                    c.seedNodes().length, c.params(), activation, firstHop);
            return new SpreadResult(activation.toArray(JAVA_FLOAT), firstHop.toArray(JAVA_INT), count);
        }
    }

    /**
     * A sparse spread's outputs and its returned count. Through the segment entry point each
     * array holds {@code capacity + }{@link #SPARSE_GUARD} entries, filled with
     * {@link #UNWRITTEN} before the call, of which the kernel was given the first
     * {@code capacity}; through the convenience method, the entries it kept.
     */
    public record Sparse(int[] nodes, float[] activation, int[] firstHop, int count, boolean guarded) {
    }

    public static Sparse spreadSparse(KernelService kernel, KernelWorkspace workspace, CsrGraph graph, SpreadCase c,
            int capacity, Placement placement) {
        if (convenient(workspace, placement)) {
            ReachedNodes reached = kernel.spreadSparse(graph, c.seedNodes(), c.seedActivations(), c.params(),
                    capacity);
            return new Sparse(reached.nodes(), reached.activations(), reached.firstHops(), reached.reachedCount(),
                    false);
        }
        try (Memory memory = new Memory(placement)) {
            long bytes = (long) capacity * Integer.BYTES;
            MemorySegment nodes = memory.out(capacity + SPARSE_GUARD);
            MemorySegment activation = memory.out(capacity + SPARSE_GUARD);
            MemorySegment firstHop = memory.out(capacity + SPARSE_GUARD);
            int count = kernel.spreadSparse(workspace, graph, memory.in(c.seedNodes()), memory.in(c.seedActivations()),
                    c.seedNodes().length, c.params(), nodes.asSlice(0, bytes), activation.asSlice(0, bytes),
                    firstHop.asSlice(0, bytes), capacity);
            return new Sparse(nodes.toArray(JAVA_INT), activation.toArray(JAVA_FLOAT), firstHop.toArray(JAVA_INT),
                    count, true);
        }
    }

    public static float[] decay(KernelService kernel, KernelWorkspace workspace, DecayCase c, Placement placement) {
        if (convenient(workspace, placement) && !placement.inPlace()) {
            return kernel.decay(c.strength(), c.ageSeconds(), c.accessCount(), c.params());
        }
        try (Memory memory = new Memory(placement)) {
            // In place on the heap: the strengths are a copy, which the kernel overwrites.
            MemorySegment strength = memory.in(placement.offHeap() ? c.strength() : c.strength().clone());
            MemorySegment out = placement.inPlace() ? strength : memory.out(c.count());
            kernel.decay(workspace, strength, memory.in(c.ageSeconds()), memory.inOrNull(c.accessCount()), c.count(),
                    c.params(), out);
            return out.toArray(JAVA_FLOAT);
        }
    }

    public static float[] decayGather(KernelService kernel, KernelWorkspace workspace, GatherCase c,
            Placement placement) {
        if (convenient(workspace, placement)) {
            return kernel.decayGather(c.indices(), c.strength(), c.lastAccessSeconds(), c.accessCount(),
                    c.nowSeconds(), c.params());
        }
        try (Memory memory = new Memory(placement)) {
            MemorySegment out = memory.out(c.count());
            kernel.decayGather(workspace, memory.in(c.indices()), c.count(), c.memoryCount(), memory.in(c.strength()),
                    memory.in(c.lastAccessSeconds()), memory.inOrNull(c.accessCount()), c.nowSeconds(), c.params(),
                    out);
            return out.toArray(JAVA_FLOAT);
        }
    }
}
