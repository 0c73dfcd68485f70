package engram.api;

import static engram.api.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

/** The heap-array conveniences of {@link KernelService}: what they pass on, and what they refuse up front. */
class KernelServiceDefaultsTest {

    /** Records the row/seed/count arguments and writes recognisable outputs. */
    private static final class Recorder implements KernelService {
        int rows = -1;
        int dimensions = -1;
        int k = -1;
        int count = -1;
        MemorySegment norms;

        @Override
        public KernelInfo info() {
            return new KernelInfo("recorder", "0", "none");
        }

        @Override
        public void cosine(MemorySegment query, int dimensions, MemorySegment matrix, int rows, MemorySegment norms,
                MemorySegment out) {
            KernelArguments.checkCosine(query, dimensions, matrix, rows, norms, out);
            this.dimensions = dimensions;
            this.rows = rows;
            this.norms = norms;
            for (int i = 0; i < rows; i++) {
                out.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
            }
        }

        @Override
        public void cosineTopK(MemorySegment query, int dimensions, MemorySegment matrix, int rows, MemorySegment norms,
                int k, MemorySegment outIndex, MemorySegment outScore) {
            KernelArguments.checkCosineTopK(query, dimensions, matrix, rows, norms, k, outIndex, outScore);
            this.rows = rows;
            this.k = k;
            for (int i = 0; i < k; i++) {
                outIndex.setAtIndex(ValueLayout.JAVA_INT, i, 10 + i);
                outScore.setAtIndex(ValueLayout.JAVA_FLOAT, i, -i);
            }
        }

        @Override
        public int spread(CsrGraph graph, MemorySegment seedNodes, MemorySegment seedActivations, int seedCount,
                SpreadParams params, MemorySegment outActivation, MemorySegment outFirstHop) {
            KernelArguments.checkSpread(graph, seedNodes, seedActivations, seedCount, params, outActivation, outFirstHop);
            this.count = seedCount;
            outFirstHop.setAtIndex(ValueLayout.JAVA_INT, 0, 7);
            outActivation.setAtIndex(ValueLayout.JAVA_FLOAT, 0, 0.5f);
            return 42;
        }

        @Override
        public void decay(MemorySegment strength, MemorySegment ageSeconds, MemorySegment accessCount, int count,
                DecayParams params, MemorySegment out) {
            KernelArguments.checkDecay(strength, ageSeconds, accessCount, count, params, out);
            this.count = count;
            for (int i = 0; i < count; i++) {
                out.setAtIndex(ValueLayout.JAVA_FLOAT, i, strength.getAtIndex(ValueLayout.JAVA_FLOAT, i) / 2);
            }
        }
    }

    @Test
    void cosineDerivesRowsFromTheArrays() {
        Recorder r = new Recorder();
        float[] out = r.cosine(new float[3], new float[12], null);
        assertEquals(3, r.dimensions);
        assertEquals(4, r.rows);
        assertNull(r.norms);
        assertArrayEquals(new float[] {0, 1, 2, 3}, out);
        assertEquals(0, r.cosine(new float[3], new float[0], null).length);
    }

    @Test
    void cosineRefusesArraysThatAreNotWholeRows() {
        Recorder r = new Recorder();
        assertRefused("matrix.length is 7", () -> r.cosine(new float[3], new float[7], null));
        assertRefused("query.length (the dimensions) is 0", () -> r.cosine(new float[0], new float[0], null));
        assertRefused("query.length (the dimensions) is 4097", () -> r.cosine(new float[4097], new float[4097], null));
        assertRefused("query and matrix", () -> r.cosine(null, new float[3], null));
        assertRefused("query and matrix", () -> r.cosine(new float[3], null, null));
        assertRefused("norms", () -> r.cosine(new float[3], new float[6], new float[1]));
        assertEquals(-1, r.rows, "nothing reached the kernel");
    }

    @Test
    void cosineTopKChecksKBeforeTheKernel() {
        Recorder r = new Recorder();
        assertRefused("k is 0", () -> r.cosineTopK(new float[2], new float[6], null, 0));
        assertRefused("k is 4", () -> r.cosineTopK(new float[2], new float[6], null, 4));
        assertEquals(-1, r.k);
        TopK top = r.cosineTopK(new float[2], new float[6], null, 2);
        assertEquals(3, r.rows);
        assertEquals(2, top.size());
        assertArrayEquals(new int[] {10, 11}, top.indices());
        assertArrayEquals(new float[] {0f, -1f}, top.scores());
    }

    @Test
    void spreadNeedsOneActivationPerSeed() {
        Recorder r = new Recorder();
        try (CsrGraph graph = CsrGraph.empty(2)) {
            SpreadParams params = SpreadParams.exponential(2, 0, 0f);
            assertRefused("seedNodes and seedActivations",
                    () -> r.spread(graph, new int[] {0, 1}, new float[] {1f}, params));
            assertRefused("seedNodes and seedActivations", () -> r.spread(graph, null, new float[] {1f}, params));
            assertRefused("seedNodes and seedActivations", () -> r.spread(graph, new int[] {0}, null, params));
            SpreadResult result = r.spread(graph, new int[] {0, 1}, new float[] {1f, 0.5f}, params);
            assertEquals(2, r.count);
            assertEquals(42, result.activatedCount());
            assertArrayEquals(new float[] {0.5f, 0f}, result.activation());
            assertArrayEquals(new int[] {7, 0}, result.firstHop());
        }
    }

    @Test
    void decayNeedsOneEntryPerMemory() {
        Recorder r = new Recorder();
        DecayParams params = DecayParams.of(new DecayCurve.Exponential());
        assertRefused("strength, ageSeconds", () -> r.decay(new float[2], new float[1], null, params));
        assertRefused("strength, ageSeconds", () -> r.decay(new float[2], new float[2], new int[1], params));
        assertRefused("strength, ageSeconds", () -> r.decay(null, new float[2], null, params));
        assertRefused("strength, ageSeconds", () -> r.decay(new float[2], null, null, params));
        float[] out = r.decay(new float[] {1f, 0.5f}, new float[2], null, params);
        assertEquals(2, r.count);
        assertArrayEquals(new float[] {0.5f, 0.25f}, out);
    }

    @Test
    void topKRefusesMismatchedArrays() {
        assertRefused("indices.length 2", () -> new TopK(new int[2], new float[1]));
    }
}
