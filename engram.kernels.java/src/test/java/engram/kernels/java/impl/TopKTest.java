package engram.kernels.java.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import engram.api.KernelService;
import engram.api.TopK;

class TopKTest {
    final KernelService kernel = newKernel();

    /** The kernel under test: the reference here, the Vector API kernel in {@code VectorTopKTest}. */
    KernelService newKernel() {
        return new ReferenceKernels();
    }

    // Scores against (1, 0): 1, 0, 0.7071, 1, -1, 0.7071.
    private static final float[] QUERY = {1, 0};
    private static final float[] MATRIX = {1, 0, 0, 1, 1, 1, 2, 0, -1, 0, 1, 1};

    @Test
    void ordersByScoreThenIndex() {
        TopK all = kernel.cosineTopK(QUERY, MATRIX, null, 6);
        assertArrayEquals(new int[] {0, 3, 2, 5, 1, 4}, all.indices());
        float r = (float) Math.sqrt(0.5);
        assertArrayEquals(new float[] {1, 1, r, r, 0, -1}, all.scores(), 1e-7f);
        assertEquals(all.scores()[2], all.scores()[3], "tied rows have the same score");
    }

    @Test
    void kOfOneIsTheBestWithTheLowestIndex() {
        TopK one = kernel.cosineTopK(QUERY, MATRIX, null, 1);
        assertArrayEquals(new int[] {0}, one.indices());
        assertArrayEquals(new float[] {1}, one.scores());
    }

    @Test
    void aTieAtTheCutGoesToTheLowerIndex() {
        assertArrayEquals(new int[] {0, 3, 2}, kernel.cosineTopK(QUERY, MATRIX, null, 3).indices());
    }

    @Test
    void allTiedRowsComeInIndexOrder() {
        float[] matrix = new float[10 * 3];
        for (int i = 0; i < 10; i++) {
            matrix[3 * i] = 1;
            matrix[3 * i + 1] = 2;
            matrix[3 * i + 2] = 3;
        }
        for (int k = 1; k <= 10; k++) {
            int[] expected = new int[k];
            Arrays.setAll(expected, i -> i);
            assertArrayEquals(expected, kernel.cosineTopK(new float[] {3, 2, 1}, matrix, null, k).indices(), "k=" + k);
        }
    }

    @Test
    void nanRowsRankLast() {
        float[] matrix = {1, 0, Float.NaN, 0, -1, 0, 0, Float.NaN, 0, 1};
        TopK all = kernel.cosineTopK(QUERY, matrix, null, 5);
        assertArrayEquals(new int[] {0, 4, 2, 1, 3}, all.indices());
        assertEquals(1f, all.scores()[0]);
        assertEquals(0f, all.scores()[1]);
        assertEquals(-1f, all.scores()[2]);
        assertTrue(Float.isNaN(all.scores()[3]) && Float.isNaN(all.scores()[4]));
        assertArrayEquals(new int[] {0, 4, 2}, kernel.cosineTopK(QUERY, matrix, null, 3).indices());
    }

    @Test
    void minusZeroTiesWithZero() {
        // A negative given norm turns the 0 of an orthogonal row into -0.0.
        float[] matrix = {0, 1, 0, 1};
        float[] scores = kernel.cosine(QUERY, matrix, new float[] {-1, 1});
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(scores[0]));
        assertArrayEquals(new int[] {0, 1}, kernel.cosineTopK(QUERY, matrix, new float[] {-1, 1}, 2).indices());
    }

    @Test
    void refusesKOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> kernel.cosineTopK(QUERY, MATRIX, null, 0));
        assertThrows(IllegalArgumentException.class, () -> kernel.cosineTopK(QUERY, MATRIX, null, 7));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 17, 33})
    void equalsAFullSortOfCosine(int d) {
        Random random = new Random(77 + d);
        int rows = 1000;
        float[] q = Oracle.gaussian(random, d);
        float[] matrix = Oracle.gaussian(random, rows * d);
        // Ties: copies and scaled copies of earlier rows; a zero row; a NaN row.
        for (int i = 100; i < 200; i++) {
            int from = random.nextInt(100);
            float scale = random.nextBoolean() ? 1 : 2;
            for (int j = 0; j < d; j++) {
                matrix[i * d + j] = scale * matrix[from * d + j];
            }
        }
        Arrays.fill(matrix, 500 * d, 501 * d, 0f);
        matrix[600 * d] = Float.NaN;
        float[] scores = kernel.cosine(q, matrix, null);
        int[] order = Oracle.rank(scores);
        for (int k : new int[] {1, 2, 10, 99, 500, 999, 1000}) {
            TopK top = kernel.cosineTopK(q, matrix, null, k);
            int[] expected = Arrays.copyOf(order, k);
            assertArrayEquals(expected, top.indices(), "d=" + d + ", k=" + k);
            for (int i = 0; i < k; i++) {
                assertEquals(Float.floatToIntBits(scores[expected[i]]), Float.floatToIntBits(top.scores()[i]),
                        "score " + i + " at k=" + k);
            }
        }
    }

    @Test
    void withNormsMatchesCosineWithNorms() {
        Random random = new Random(5);
        int d = 9;
        int rows = 200;
        float[] q = Oracle.gaussian(random, d);
        float[] matrix = Oracle.gaussian(random, rows * d);
        float[] norms = new float[rows];
        for (int i = 0; i < rows; i++) {
            norms[i] = 0.5f + random.nextFloat();
        }
        float[] scores = kernel.cosine(q, matrix, norms);
        TopK top = kernel.cosineTopK(q, matrix, norms, 50);
        assertArrayEquals(Arrays.copyOf(Oracle.rank(scores), 50), top.indices());
    }
}
