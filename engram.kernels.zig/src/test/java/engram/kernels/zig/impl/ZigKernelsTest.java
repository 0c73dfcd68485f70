package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelUnavailableException;
import engram.api.KnownAnswers;
import engram.api.SelfTestResult;
import engram.api.SpreadParams;
import engram.api.SpreadResult;
import engram.kernels.java.impl.ReferenceKernels;

class ZigKernelsTest {

    @Test
    void everyLevelThisCpuRunsPassesTheKnownAnswers() {
        List<CpuLevel> levels = NativeLibraries.runnableLevels();
        assertFalse(levels.isEmpty(), "this CPU runs no library level at all");
        for (CpuLevel level : levels) {
            try (ZigKernels kernels = NativeLibraries.load(level)) {
                assertEquals(level.userName(), kernels.level());
                List<SelfTestResult> results = KnownAnswers.run(kernels);
                assertTrue(KnownAnswers.allPassed(results), level + ": " + results);
            }
        }
    }

    @Test
    void autoPicksTheBestLevelTheCpuSupports() throws Exception {
        Set<String> avx2 = Set.of("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave");
        assertEquals(CpuLevel.X86_64_V3, NativeKernelLibrary.choose("auto", "Linux", "amd64", avx2));
        assertEquals(CpuLevel.X86_64_BASELINE, NativeKernelLibrary.choose("auto", "Linux", "amd64", Set.of("sse2")));
        assertEquals(CpuLevel.AARCH64_NEON, NativeKernelLibrary.choose("auto", "Linux", "aarch64", Set.of("asimd")));
        NativeKernelLibrary.LoadException refused = assertThrows(NativeKernelLibrary.LoadException.class,
                () -> NativeKernelLibrary.choose("x86_64_v4", "Linux", "amd64", avx2));
        assertTrue(refused.getMessage().contains("does not support"), refused.getMessage());
        assertThrows(NativeKernelLibrary.LoadException.class,
                () -> NativeKernelLibrary.choose("auto", "Mac OS X", "aarch64", Set.of("asimd")));
        NativeKernelLibrary.LoadException unknown = assertThrows(NativeKernelLibrary.LoadException.class,
                () -> NativeKernelLibrary.choose("avx9000", "Linux", "amd64", avx2));
        assertTrue(unknown.getMessage().contains("x86_64_v3"), unknown.getMessage());
        assertEquals(CpuLevel.X86_64_V3, NativeKernelLibrary.choose("x86-64-v3", "Linux", "amd64", avx2),
                "the psABI's spelling names the same level");
        assertEquals(CpuLevel.X86_64_BASELINE, NativeKernelLibrary.choose(" X86_64_Baseline ", "Linux", "amd64", avx2));
    }

    @Test
    void heapAndOffHeapCallsAgreeWithTheReference() {
        ReferenceKernels reference = new ReferenceKernels();
        try (ZigKernels zig = NativeLibraries.load(); Arena arena = Arena.ofConfined()) {
            float[] query = {0.5f, -1f, 2f};
            float[] matrix = {1, 2, 3, -1, 0, 4, 0, 0, 0, 2, -4, 8};
            assertArrayEquals(reference.cosine(query, matrix, null), zig.cosine(query, matrix, null), 1e-6f);
            MemorySegment q = arena.allocateFrom(ValueLayout.JAVA_FLOAT, query);
            MemorySegment m = arena.allocateFrom(ValueLayout.JAVA_FLOAT, matrix);
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
            zig.cosine(q, 3, m, 4, null, out);
            assertArrayEquals(reference.cosine(query, matrix, null), out.toArray(ValueLayout.JAVA_FLOAT), 1e-6f);

            try (CsrGraph graph = CsrGraph.of(new int[] {0, 2, 3, 4}, new int[] {1, 2, 0, 0},
                    new float[] {0.5f, 0.25f, 1f, 0.75f})) {
                SpreadParams params = SpreadParams.exponential(4, 0.3, 0.01).withRefractoryHops(0);
                SpreadResult expected = reference.spread(graph, new int[] {0, 2}, new float[] {0.5f, 0.25f}, params);
                SpreadResult actual = zig.spread(graph, new int[] {0, 2}, new float[] {0.5f, 0.25f}, params);
                assertArrayEquals(expected.activations(), actual.activations());
                assertArrayEquals(expected.firstHops(), actual.firstHops());
                assertEquals(expected.activatedCount(), actual.activatedCount());
            }
            float[] strength = {1f, 0.5f, 0.25f};
            float[] age = {0f, 3600f, 1e6f};
            int[] access = {0, 3, 5};
            for (DecayCurve curve : List.of(new DecayCurve.Exponential(), new DecayCurve.PowerLaw(),
                    new DecayCurve.TwoComponent(), new DecayCurve.Ebbinghaus())) {
                DecayParams params = DecayParams.of(curve);
                float[] expected = reference.decay(strength, age, access, params);
                float[] actual = zig.decay(strength, age, access, params);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-6 * Math.abs(expected[i]), curve + " at " + i);
                }
            }
        }
    }

    @Test
    void largeHeapArraysGoThroughOffHeapCopiesWithTheSameResults() {
        ReferenceKernels reference = new ReferenceKernels();
        int dimensions = 384;
        int rows = 1000;
        assertTrue((long) dimensions * rows * Float.BYTES > HeapStaging.CRITICAL_LIMIT_BYTES,
                "the matrix must be too large for a critical call");
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        float[] query = new float[dimensions];
        float[] matrix = new float[dimensions * rows];
        for (int i = 0; i < query.length; i++) {
            query[i] = (float) random.nextDouble(-1, 1);
        }
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) random.nextDouble(-1, 1);
        }
        try (ZigKernels zig = NativeLibraries.load()) {
            assertArrayEquals(reference.cosine(query, matrix, null), zig.cosine(query, matrix, null), 1e-6f);
            assertArrayEquals(reference.cosineTopK(query, matrix, null, 10).indices(),
                    zig.cosineTopK(query, matrix, null, 10).indices());

            float[] strength = java.util.Arrays.copyOf(matrix, 100_000);
            float[] ages = new float[strength.length];
            for (int i = 0; i < strength.length; i++) {
                strength[i] = Math.abs(strength[i]);
                ages[i] = i * 100f;
            }
            DecayParams params = DecayParams.of(new DecayCurve.Exponential());
            float[] expected = reference.decay(strength, ages, null, params);
            // In place: the output is the strength array itself.
            MemorySegment inPlace = MemorySegment.ofArray(strength);
            zig.decay(inPlace, MemorySegment.ofArray(ages), null, strength.length, params, inPlace);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], strength[i], 1e-6 * Math.abs(expected[i]), "memory " + i);
            }
        }
    }

    @Test
    void closingTwiceIsHarmless() {
        ZigKernels zig = NativeLibraries.load();
        zig.close();
        zig.close();
        assertFalse(zig.isAvailable());
    }

    @Test
    void aClosedKernelRefusesCallsSoTheRouterMovesOn() {
        ZigKernels zig = NativeLibraries.load();
        zig.close();
        assertFalse(zig.isAvailable());
        KernelUnavailableException refused = assertThrows(KernelUnavailableException.class,
                () -> zig.cosine(new float[] {1}, new float[] {1}, null));
        assertTrue(refused.getMessage().contains("stopping"), refused.getMessage());
    }
}
