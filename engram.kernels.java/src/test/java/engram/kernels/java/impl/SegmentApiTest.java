package engram.kernels.java.impl;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelService;
import engram.api.SpreadParams;
import engram.api.SpreadResult;
import engram.api.TopK;

/** The segment methods, on native memory, give exactly what the heap-array conveniences give. */
class SegmentApiTest {
    private final KernelService kernel = new ReferenceKernels();

    /** Native copy of {@code values}, starting 4 bytes into a 64-aligned block: aligned enough, not more. */
    private static MemorySegment nativeFloats(Arena arena, float... values) {
        MemorySegment s = arena.allocate(4 + (long) values.length * 4, 64).asSlice(4);
        MemorySegment.copy(values, 0, s, JAVA_FLOAT, 0, values.length);
        return s;
    }

    private static MemorySegment nativeInts(Arena arena, int... values) {
        MemorySegment s = arena.allocate(4 + (long) values.length * 4, 64).asSlice(4);
        MemorySegment.copy(values, 0, s, JAVA_INT, 0, values.length);
        return s;
    }

    /** Output memory filled with garbage, so that a kernel must write every element. */
    private static MemorySegment garbage(Arena arena, int count) {
        MemorySegment s = arena.allocate((long) count * 4 + 4, 64).asSlice(4);
        s.fill((byte) 0x7F);
        return s;
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
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment out = garbage(arena, rows);
                    MemorySegment query = nativeFloats(arena, q);
                    MemorySegment m = nativeFloats(arena, matrix);
                    MemorySegment ns = n == null ? null : nativeFloats(arena, n);
                    kernel.cosine(query, d, m, rows, ns, out);
                    assertArrayEquals(heap, out.toArray(JAVA_FLOAT), "d=" + d);
                    MemorySegment index = garbage(arena, 10);
                    MemorySegment score = garbage(arena, 10);
                    kernel.cosineTopK(query, d, m, rows, ns, 10, index, score);
                    assertArrayEquals(heapTop.indices(), index.toArray(JAVA_INT));
                    assertArrayEquals(heapTop.scores(), score.toArray(JAVA_FLOAT));
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
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = garbage(arena, 3);
            kernel.cosine(nativeFloats(arena, q), 2, nativeFloats(arena, matrix), 2, null, out);
            assertArrayEquals(heap, out.asSlice(0, 8).toArray(JAVA_FLOAT));
            assertEquals(0x7F7F7F7F, out.getAtIndex(JAVA_INT, 2), "out beyond rows untouched");
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
            SpreadParams params = SpreadParams.exponential(6, 0.3, 0.01f).withRefractoryHops(random.nextInt(3));
            try (CsrGraph graph = CsrGraph.of(structure[0], structure[1], weights); Arena arena = Arena.ofConfined()) {
                SpreadResult heap = kernel.spread(graph, seeds, activations, params);
                MemorySegment activation = garbage(arena, n);
                MemorySegment firstHop = garbage(arena, n);
                int activated = kernel.spread(graph, nativeInts(arena, seeds), nativeFloats(arena, activations), 2,
                        params, activation, firstHop);
                assertEquals(heap.activatedCount(), activated);
                assertArrayEquals(heap.activation(), activation.toArray(JAVA_FLOAT));
                assertArrayEquals(heap.firstHop(), firstHop.toArray(JAVA_INT));
            }
        }
    }

    @Test
    void spreadClearsItsOutputs() {
        try (CsrGraph graph = CsrGraph.empty(3); Arena arena = Arena.ofConfined()) {
            MemorySegment activation = garbage(arena, 3);
            MemorySegment firstHop = garbage(arena, 3);
            int activated = kernel.spread(graph, nativeInts(arena, 1), nativeFloats(arena, 0.5f), 1,
                    SpreadParams.exponential(2, 0, 0f), activation, firstHop);
            assertEquals(1, activated);
            assertArrayEquals(new float[] {0f, 0.5f, 0f}, activation.toArray(JAVA_FLOAT));
            assertArrayEquals(new int[] {-1, 0, -1}, firstHop.toArray(JAVA_INT));
        }
    }

    @Test
    void spreadUsesOnlySeedCountSeeds() {
        try (CsrGraph graph = CsrGraph.empty(3); Arena arena = Arena.ofConfined()) {
            MemorySegment activation = garbage(arena, 3);
            MemorySegment firstHop = garbage(arena, 3);
            // The third seed is out of range, but it is beyond seedCount: neither checked nor used.
            int activated = kernel.spread(graph, nativeInts(arena, 0, 2, 99), nativeFloats(arena, 1f, 0.25f, 0f), 2,
                    SpreadParams.exponential(2, 0, 0f), activation, firstHop);
            assertEquals(2, activated);
            assertArrayEquals(new float[] {1f, 0f, 0.25f}, activation.toArray(JAVA_FLOAT));
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
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment out = garbage(arena, n);
                    kernel.decay(nativeFloats(arena, strength), nativeFloats(arena, age),
                            counts == null ? null : nativeInts(arena, counts), n, params, out);
                    assertArrayEquals(heap, out.toArray(JAVA_FLOAT), curve.toString());
                    // In place, on native memory.
                    MemorySegment inPlace = nativeFloats(arena, strength);
                    kernel.decay(inPlace, nativeFloats(arena, age), counts == null ? null : nativeInts(arena, counts), n,
                            params, inPlace);
                    assertArrayEquals(heap, inPlace.toArray(JAVA_FLOAT), curve + " in place");
                }
            }
        }
    }

    @Test
    void badSegmentsAreRefusedBeforeAnythingIsWritten() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = garbage(arena, 2);
            MemorySegment misaligned = arena.allocate(64, 8).asSlice(1);
            assertThrows(IllegalArgumentException.class,
                    () -> kernel.cosine(misaligned, 2, nativeFloats(arena, 1, 0, 0, 1), 2, null, out));
            assertThrows(IllegalArgumentException.class,
                    () -> kernel.cosine(nativeFloats(arena, 1, 0), 2, nativeFloats(arena, 1, 0, 0, 1), 2, null,
                            out.asReadOnly()));
            assertThrows(IllegalArgumentException.class,
                    () -> kernel.decay(nativeFloats(arena, 1, 1), nativeFloats(arena, 1), null, 2,
                            DecayParams.of(new DecayCurve.Exponential()), out));
            assertEquals(0x7F7F7F7F, out.getAtIndex(JAVA_INT, 0));
            assertEquals(0x7F7F7F7F, out.getAtIndex(JAVA_INT, 1));
        }
    }
}
