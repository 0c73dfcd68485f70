package engram.kernels.java.impl;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.ReachedNodes;
import engram.api.SpreadParams;
import engram.api.SpreadResult;
import engram.api.TopK;

/**
 * The segment methods, on native memory, give exactly what the heap-array conveniences give,
 * with a workspace of the caller's and with none (the pool's), and write nothing beyond their
 * outputs.
 */
class SegmentApiTest {
    final KernelService kernel = newKernel();

    /** The kernel under test: the reference here, the Vector API kernel in {@code VectorSegmentApiTest}. */
    KernelService newKernel() {
        return new ReferenceKernels();
    }
    private final KernelWorkspace workspace = kernel.newWorkspace();

    @AfterEach
    void closeWorkspace() {
        workspace.close();
    }

    /** Each call with the caller's workspace, then with none. */
    private List<KernelWorkspace> workspaces() {
        return Arrays.asList(workspace, null);
    }

    /** Native copy of {@code values}, starting 4 bytes into a 64-aligned block: aligned enough, not more. */
    static MemorySegment nativeFloats(Arena arena, float... values) {
        MemorySegment s = arena.allocate(4 + (long) values.length * 4, 64).asSlice(4);
        MemorySegment.copy(values, 0, s, JAVA_FLOAT, 0, values.length);
        return s;
    }

    static MemorySegment nativeInts(Arena arena, int... values) {
        MemorySegment s = arena.allocate(4 + (long) values.length * 4, 64).asSlice(4);
        MemorySegment.copy(values, 0, s, JAVA_INT, 0, values.length);
        return s;
    }

    static MemorySegment nativeDoubles(Arena arena, double... values) {
        MemorySegment s = arena.allocate(8 + (long) values.length * 8, 64).asSlice(8);
        MemorySegment.copy(values, 0, s, JAVA_DOUBLE, 0, values.length);
        return s;
    }

    /** Output memory filled with garbage, one element more than asked, so that a kernel must write every element. */
    static MemorySegment garbage(Arena arena, int count) {
        MemorySegment s = arena.allocate((long) count * 4 + 8, 64).asSlice(4);
        s.fill((byte) 0x7F);
        return s;
    }

    static final int GARBAGE = 0x7F7F7F7F;

    /** The first {@code count} elements, and a check that the one after them is untouched. */
    static float[] floatsWritten(MemorySegment out, int count) {
        assertEquals(GARBAGE, out.getAtIndex(JAVA_INT, count), "the element after the output is untouched");
        return out.asSlice(0, (long) count * 4).toArray(JAVA_FLOAT);
    }

    static int[] intsWritten(MemorySegment out, int count) {
        assertEquals(GARBAGE, out.getAtIndex(JAVA_INT, count), "the element after the output is untouched");
        return out.asSlice(0, (long) count * 4).toArray(JAVA_INT);
    }

    @Test
    void cosineAndTopK() {
        Random random = new Random(8);
        for (int d : new int[] {1, 3, 17, 33, 1025}) {
            int rows = 64;
            float[] q = Oracle.gaussian(random, d);
            float[] matrix = Oracle.gaussian(random, rows * d);
            float[] norms = new float[rows];
            for (int i = 0; i < rows; i++) {
                norms[i] = 0.5f + random.nextFloat();
            }
            for (float[] n : new float[][] {null, norms}) {
                float[] heap = kernel.cosine(q, matrix, n);
                TopK heapTop = kernel.cosineTopK(q, matrix, n, 10);
                for (KernelWorkspace w : workspaces()) {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment out = garbage(arena, rows);
                        MemorySegment query = nativeFloats(arena, q);
                        MemorySegment m = nativeFloats(arena, matrix);
                        MemorySegment ns = n == null ? null : nativeFloats(arena, n);
                        kernel.cosine(w, query, d, m, 0, rows, ns, out);
                        assertArrayEquals(heap, floatsWritten(out, rows), "d=" + d);
                        MemorySegment index = garbage(arena, 10);
                        MemorySegment score = garbage(arena, 10);
                        kernel.cosineTopK(w, query, 1, d, m, 0, rows, ns, 10, index, score);
                        assertArrayEquals(heapTop.indices(), intsWritten(index, 10));
                        assertArrayEquals(heapTop.scores(), floatsWritten(score, 10));
                    }
                }
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment out = garbage(arena, rows);
                    kernel.cosine(nativeFloats(arena, q), d, nativeFloats(arena, matrix), rows,
                            n == null ? null : nativeFloats(arena, n), out);
                    assertArrayEquals(heap, floatsWritten(out, rows), "d=" + d + ", the shortcut");
                }
            }
        }
    }

    @Test
    void batchedTopK() {
        Random random = new Random(81);
        int d = 7;
        int rows = 40;
        int k = 5;
        float[] matrix = Oracle.gaussian(random, rows * d);
        List<float[]> queries = new ArrayList<>();
        for (int q = 0; q < 6; q++) {
            queries.add(Oracle.gaussian(random, d));
        }
        List<TopK> heap = kernel.cosineTopK(queries, matrix, null, k);
        float[] packed = new float[queries.size() * d];
        for (int q = 0; q < queries.size(); q++) {
            System.arraycopy(queries.get(q), 0, packed, q * d, d);
        }
        for (KernelWorkspace w : workspaces()) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment index = garbage(arena, queries.size() * k);
                MemorySegment score = garbage(arena, queries.size() * k);
                kernel.cosineTopK(w, nativeFloats(arena, packed), queries.size(), d, nativeFloats(arena, matrix), 0,
                        rows, null, k, index, score);
                int[] indices = intsWritten(index, queries.size() * k);
                float[] scores = floatsWritten(score, queries.size() * k);
                for (int q = 0; q < queries.size(); q++) {
                    assertArrayEquals(heap.get(q).indices(), Arrays.copyOfRange(indices, q * k, q * k + k), "q=" + q);
                    assertArrayEquals(heap.get(q).scores(), Arrays.copyOfRange(scores, q * k, q * k + k), "q=" + q);
                }
            }
        }
    }

    @Test
    void cosineReadsOnlyTheRowsItIsGiven() {
        // A matrix segment longer than rows * dimensions: the extra rows are ignored.
        float[] q = {1, 2};
        float[] matrix = {1, 2, 2, 1, -1, -2};
        float[] heap = kernel.cosine(q, Arrays.copyOf(matrix, 4), null);
        for (KernelWorkspace w : workspaces()) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = garbage(arena, 3);
                kernel.cosine(w, nativeFloats(arena, q), 2, nativeFloats(arena, matrix), 0, 2, null, out);
                assertArrayEquals(heap, out.asSlice(0, 8).toArray(JAVA_FLOAT));
                assertEquals(GARBAGE, out.getAtIndex(JAVA_INT, 2), "out beyond rows untouched");
            }
        }
    }

    @Test
    void spread() {
        Random random = new Random(21);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + random.nextInt(40);
            int[][] structure = Oracle.randomStructure(random, n, 4);
            float[] weights = new float[structure[1].length];
            for (int j = 0; j < weights.length; j++) {
                weights[j] = random.nextFloat();
            }
            int[] seeds = {random.nextInt(n), random.nextInt(n)};
            float[] activations = {1f, random.nextFloat() + 0.01f};
            SpreadParams params = SpreadParams.exponential(6, 0.3, 0.01).withRefractoryHops(random.nextInt(3));
            try (CsrGraph graph = CsrGraph.of(structure[0], structure[1], weights)) {
                SpreadResult heap = kernel.spread(graph, seeds, activations, params);
                ReachedNodes heapSparse = kernel.spreadSparse(graph, seeds, activations, params, n);
                for (KernelWorkspace w : workspaces()) {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment activation = garbage(arena, n);
                        MemorySegment firstHop = garbage(arena, n);
                        int activated = kernel.spread(w, graph, nativeInts(arena, seeds),
                                nativeFloats(arena, activations), 2, params, activation, firstHop);
                        assertEquals(heap.activatedCount(), activated);
                        assertArrayEquals(heap.activations(), floatsWritten(activation, n));
                        assertArrayEquals(heap.firstHops(), intsWritten(firstHop, n));
                        MemorySegment nodes = garbage(arena, n);
                        MemorySegment sparseActivation = garbage(arena, n);
                        MemorySegment sparseHop = garbage(arena, n);
                        int reached = kernel.spreadSparse(w, graph, nativeInts(arena, seeds),
                                nativeFloats(arena, activations), 2, params, nodes, sparseActivation, sparseHop, n);
                        assertEquals(heapSparse.reachedCount(), reached);
                        assertArrayEquals(heapSparse.nodes(), Arrays.copyOf(intsWritten(nodes, n), reached));
                        assertArrayEquals(heapSparse.activations(),
                                Arrays.copyOf(floatsWritten(sparseActivation, n), reached));
                        assertArrayEquals(heapSparse.firstHops(), Arrays.copyOf(intsWritten(sparseHop, n), reached));
                        for (int i = reached; i < n; i++) {
                            assertEquals(GARBAGE, nodes.getAtIndex(JAVA_INT, i), "beyond the reached nodes");
                        }
                    }
                }
            }
        }
    }

    @Test
    void spreadClearsItsOutputs() {
        for (KernelWorkspace w : workspaces()) {
            try (CsrGraph graph = CsrGraph.empty(3); Arena arena = Arena.ofConfined()) {
                MemorySegment activation = garbage(arena, 3);
                MemorySegment firstHop = garbage(arena, 3);
                int activated = kernel.spread(w, graph, nativeInts(arena, 1), nativeFloats(arena, 0.5f), 1,
                        SpreadParams.exponential(2, 0, 0), activation, firstHop);
                assertEquals(1, activated);
                assertArrayEquals(new float[] {0f, 0.5f, 0f}, floatsWritten(activation, 3));
                assertArrayEquals(new int[] {-1, 0, -1}, intsWritten(firstHop, 3));
            }
        }
    }

    @Test
    void spreadUsesOnlySeedCountSeeds() {
        for (KernelWorkspace w : workspaces()) {
            try (CsrGraph graph = CsrGraph.empty(3); Arena arena = Arena.ofConfined()) {
                MemorySegment activation = garbage(arena, 3);
                MemorySegment firstHop = garbage(arena, 3);
                // The third seed is out of range, but it is beyond seedCount: neither checked nor used.
                int activated = kernel.spread(w, graph, nativeInts(arena, 0, 2, 99),
                        nativeFloats(arena, 1f, 0.25f, 0f), 2, SpreadParams.exponential(2, 0, 0), activation,
                        firstHop);
                assertEquals(2, activated);
                assertArrayEquals(new float[] {1f, 0f, 0.25f}, floatsWritten(activation, 3));
            }
        }
    }

    @Test
    void decay() {
        Random random = new Random(4);
        int n = 257;
        float[] strength = new float[n];
        float[] age = new float[n];
        int[] count = new int[n];
        for (int i = 0; i < n; i++) {
            strength[i] = random.nextFloat();
            age[i] = random.nextFloat() * 1e6f;
            count[i] = random.nextInt(5);
        }
        for (DecayCurve curve : new DecayCurve[] {new DecayCurve.Exponential(), new DecayCurve.PowerLaw(),
                new DecayCurve.TwoComponent(), new DecayCurve.Ebbinghaus()}) {
            DecayParams params = new DecayParams(curve, 0.02f);
            for (int[] counts : new int[][] {count, null}) {
                float[] heap = kernel.decay(strength, age, counts, params);
                for (KernelWorkspace w : workspaces()) {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment out = garbage(arena, n);
                        kernel.decay(w, nativeFloats(arena, strength), nativeFloats(arena, age),
                                counts == null ? null : nativeInts(arena, counts), n, params, out);
                        assertArrayEquals(heap, floatsWritten(out, n), curve.toString());
                        // In place, on native memory.
                        MemorySegment inPlace = nativeFloats(arena, strength);
                        kernel.decay(w, inPlace, nativeFloats(arena, age),
                                counts == null ? null : nativeInts(arena, counts), n, params, inPlace);
                        assertArrayEquals(heap, inPlace.toArray(JAVA_FLOAT), curve + " in place");
                    }
                }
            }
        }
    }

    @Test
    void decayGather() {
        Random random = new Random(41);
        int memories = 100;
        float[] strength = new float[memories];
        double[] lastAccess = new double[memories];
        int[] count = new int[memories];
        for (int m = 0; m < memories; m++) {
            strength[m] = random.nextFloat();
            lastAccess[m] = 1.7e9 + random.nextDouble() * 1e6;
            count[m] = random.nextInt(5);
        }
        int[] indices = new int[150];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = random.nextInt(memories);
        }
        double now = 1.7e9 + 2e6;
        DecayParams params = new DecayParams(new DecayCurve.TwoComponent(), 0.01f);
        float[] heap = kernel.decayGather(indices, strength, lastAccess, count, now, params);
        for (KernelWorkspace w : workspaces()) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = garbage(arena, indices.length);
                kernel.decayGather(w, nativeInts(arena, indices), indices.length, memories, nativeFloats(arena,
                        strength), nativeDoubles(arena, lastAccess), nativeInts(arena, count), now, params, out);
                assertArrayEquals(heap, floatsWritten(out, indices.length));
            }
        }
    }

    @Test
    void badSegmentsAreRefusedBeforeAnythingIsWritten() {
        for (KernelWorkspace w : workspaces()) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = garbage(arena, 2);
                MemorySegment misaligned = arena.allocate(64, 8).asSlice(1);
                assertThrows(IllegalArgumentException.class,
                        () -> kernel.cosine(w, misaligned, 2, nativeFloats(arena, 1, 0, 0, 1), 0, 2, null, out));
                assertThrows(IllegalArgumentException.class, () -> kernel.cosine(w, nativeFloats(arena, 1, 0), 2,
                        nativeFloats(arena, 1, 0, 0, 1), 0, 2, null, out.asReadOnly()));
                assertThrows(IllegalArgumentException.class, () -> kernel.decay(w, nativeFloats(arena, 1, 1),
                        nativeFloats(arena, 1), null, 2, DecayParams.of(new DecayCurve.Exponential()), out));
                assertThrows(IllegalArgumentException.class, () -> kernel.decayGather(w, nativeInts(arena, 0, 5), 2, 2,
                        nativeFloats(arena, 1, 1), nativeDoubles(arena, 0, 0), null, 0,
                        DecayParams.of(new DecayCurve.Exponential()), out));
                assertThrows(IllegalArgumentException.class, () -> kernel.cosineTopK(w, nativeFloats(arena, 1, 0), 1,
                        2, nativeFloats(arena, 1, 0, 0, 1), 0, 2, null, 3, out, out));
                assertEquals(GARBAGE, out.getAtIndex(JAVA_INT, 0));
                assertEquals(GARBAGE, out.getAtIndex(JAVA_INT, 1));
            }
        }
    }
}
