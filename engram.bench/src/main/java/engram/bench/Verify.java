package engram.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import engram.api.CsrGraph;
import engram.api.DecayParams;
import engram.api.KernelService;
import engram.api.SpreadParams;

/**
 * Each benchmark checks its kernel once against the Java reference before it measures,
 * and fails on a mismatch: a fast wrong kernel is no result.
 */
final class Verify {
    private Verify() {
    }

    static void cosine(KernelService kernel, KernelService reference, MemorySegment query, int dimensions,
            MemorySegment matrix, int rows, MemorySegment norms, int k) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actual = arena.allocate(ValueLayout.JAVA_FLOAT, rows);
            MemorySegment expected = arena.allocate(ValueLayout.JAVA_FLOAT, rows);
            kernel.cosine(query, dimensions, matrix, rows, norms, actual);
            reference.cosine(query, dimensions, matrix, rows, norms, expected);
            for (int i = 0; i < rows; i++) {
                float a = actual.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                float e = expected.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                if (!(Math.abs(a - e) <= 1e-6)) {
                    throw new IllegalStateException(kernel.info().name() + " cosine of row " + i + " is " + a
                            + ", the reference says " + e);
                }
            }
            MemorySegment index = arena.allocate(ValueLayout.JAVA_INT, k);
            MemorySegment score = arena.allocate(ValueLayout.JAVA_FLOAT, k);
            MemorySegment expectedIndex = arena.allocate(ValueLayout.JAVA_INT, k);
            kernel.cosineTopK(query, dimensions, matrix, rows, norms, k, index, score);
            reference.cosineTopK(query, dimensions, matrix, rows, norms, k, expectedIndex, score);
            if (!Arrays.equals(index.toArray(ValueLayout.JAVA_INT), expectedIndex.toArray(ValueLayout.JAVA_INT))) {
                throw new IllegalStateException(kernel.info().name() + " top-" + k + " is "
                        + Arrays.toString(index.toArray(ValueLayout.JAVA_INT)) + ", the reference says "
                        + Arrays.toString(expectedIndex.toArray(ValueLayout.JAVA_INT)));
            }
        }
    }

    static void spread(KernelService kernel, KernelService reference, CsrGraph graph, int[] seeds,
            float[] activations, SpreadParams params) {
        var actual = kernel.spread(graph, seeds, activations, params);
        var expected = reference.spread(graph, seeds, activations, params);
        if (!Arrays.equals(actual.activation(), expected.activation())
                || !Arrays.equals(actual.firstHop(), expected.firstHop())) {
            throw new IllegalStateException(kernel.info().name() + " spreading differs from the reference");
        }
    }

    static void decay(KernelService kernel, KernelService reference, float[] strength, float[] ageSeconds,
            int[] accessCount, DecayParams params) {
        float[] actual = kernel.decay(strength, ageSeconds, accessCount, params);
        float[] expected = reference.decay(strength, ageSeconds, accessCount, params);
        for (int i = 0; i < actual.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= 1e-6 * Math.abs(expected[i]))) {
                throw new IllegalStateException(kernel.info().name() + " decay of memory " + i + " is " + actual[i]
                        + ", the reference says " + expected[i]);
            }
        }
    }
}
