package engram.kernels.java.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import engram.api.KernelService;

class CosineTest {
    private static final double TOLERANCE = 1e-6;
    final KernelService kernel = newKernel();

    /** The kernel under test: the reference here, the Vector API kernel in {@code VectorCosineTest}. */
    KernelService newKernel() {
        return new ReferenceKernels();
    }

    /** Each score within the contract's 1e-6 of the exact one; NaN exactly where the exact score is NaN. */
    private static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Double.isNaN(expected[i])) {
                assertTrue(Float.isNaN(actual[i]), what + ": row " + i + " is " + actual[i] + ", expected NaN");
            } else {
                assertEquals(expected[i], actual[i], TOLERANCE, what + ": row " + i);
            }
        }
    }

    @Test
    void zeroVectorsScoreZero() {
        float[] matrix = {0, 0, 0, 1, 2, 3, 0, 0, 0};
        assertArrayEquals(new float[] {0, 0, 0}, kernel.cosine(new float[3], matrix, null));
        float[] scores = kernel.cosine(new float[] {1, 2, 3}, matrix, null);
        assertEquals(0f, scores[0]);
        assertEquals(1f, scores[1], TOLERANCE);
        assertEquals(0f, scores[2]);
        // A given norm of 0 means "zero vector", whatever the row holds.
        assertArrayEquals(new float[] {0, 0, 0}, kernel.cosine(new float[] {1, 2, 3}, matrix, new float[] {0, 0, 0}));
    }

    @Test
    void parallelIsOneAndOppositeIsMinusOne() {
        float[] q = Oracle.gaussian(new Random(1), 17);
        float[] matrix = new float[4 * 17];
        for (int j = 0; j < 17; j++) {
            matrix[j] = q[j];
            matrix[17 + j] = 2.5f * q[j];
            matrix[34 + j] = -q[j];
            matrix[51 + j] = -0.125f * q[j];
        }
        float[] scores = kernel.cosine(q, matrix, null);
        float[] expected = {1, 1, -1, -1};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], scores[i], TOLERANCE, "row " + i);
            assertTrue(scores[i] >= -1f && scores[i] <= 1f, "clamped: " + scores[i]);
        }
    }

    @Test
    void axisAlignedAnswers() {
        float[] scores = kernel.cosine(new float[] {1, 0}, new float[] {0, 1, 1, 1, 3, 4, -3, 4, -2, 0}, null);
        assertArrayEquals(new float[] {0f, (float) Math.sqrt(0.5), 0.6f, -0.6f, -1f}, scores, 1e-7f);
    }

    @Test
    void givenNormsAreUsedAsGiven() {
        float[] q = {3, 4};
        float[] matrix = {3, 4, 6, 8, -3, -4, 0, 5, 0, 5};
        // True norms 5, 10, 5, 5, 5: deliberately wrong ones change the scores accordingly.
        float[] wrong = {10, 20, 1, 0.5f, 0};
        assertArrayEquals(new float[] {0.5f, 0.5f, -1f, 1f, 0f}, kernel.cosine(q, matrix, wrong), 1e-7f);
        float[] right = {5, 10, 5, 5, 5};
        assertArrayEquals(new float[] {1f, 1f, -1f, 0.8f, 0.8f}, kernel.cosine(q, matrix, right), 1e-7f);
        // A norm of 25 where 5 is true: 20 / (5 * 25).
        assertEquals(0.16f, kernel.cosine(q, new float[] {0, 5}, new float[] {25})[0], 1e-7f);
    }

    @Test
    void scoresAreClampedToMinusOneOne() {
        float[] q = {1, 1};
        // Norms too small push the raw ratio far outside [-1, 1].
        float[] scores = kernel.cosine(q, new float[] {1, 1, -1, -1, 1, 0}, new float[] {0.001f, 0.001f, 0.5f});
        assertArrayEquals(new float[] {1f, -1f, 1f}, scores);
    }

    @Test
    void nanInARowGivesNaNInThatRowOnly() {
        float[] q = {1, 2, 3};
        float[] matrix = {1, 0, 0, 0, Float.NaN, 1, 0, 0, 1, -1, -2, -3};
        float[] scores = kernel.cosine(q, matrix, null);
        assertTrue(Float.isNaN(scores[1]));
        double[] exact = Oracle.cosines(q, matrix, null);
        for (int i : new int[] {0, 2, 3}) {
            assertFalse(Float.isNaN(scores[i]), "row " + i);
            assertEquals(exact[i], scores[i], TOLERANCE);
        }
        float[] norms = {1, 1, Float.NaN, 1};
        float[] withNorms = kernel.cosine(q, new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1}, norms);
        assertTrue(Float.isNaN(withNorms[2]));
        assertFalse(Float.isNaN(withNorms[0]) || Float.isNaN(withNorms[1]) || Float.isNaN(withNorms[3]));
    }

    @Test
    void nanInTheQueryGivesNaNEverywhere() {
        float[] scores = kernel.cosine(new float[] {Float.NaN, 1}, new float[] {1, 0, 0, 1, 1, 1}, null);
        for (float s : scores) {
            assertTrue(Float.isNaN(s));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 384, 768, 1023, 1024, 1025, 1536, 4096})
    void randomDataAtEveryTailLengthMatchesTheExactScore(int d) {
        Random random = new Random(1000 + d);
        int rows = 37;
        float[] q = Oracle.gaussian(random, d);
        float[] matrix = Oracle.gaussian(random, rows * d);
        // Some rows close to the query, some scaled copies, one zero row.
        for (int j = 0; j < d; j++) {
            matrix[3 * d + j] = q[j] + 1e-3f * (float) random.nextGaussian();
            matrix[4 * d + j] = 3 * q[j];
            matrix[5 * d + j] = -q[j];
            matrix[6 * d + j] = 0;
        }
        assertClose(Oracle.cosines(q, matrix, null), kernel.cosine(q, matrix, null), "d=" + d);
        float[] norms = new float[rows];
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int j = 0; j < d; j++) {
                sum += (double) matrix[i * d + j] * matrix[i * d + j];
            }
            norms[i] = (float) Math.sqrt(sum);
        }
        assertClose(Oracle.cosines(q, matrix, norms), kernel.cosine(q, matrix, norms), "d=" + d + " with norms");
    }

    @ParameterizedTest
    @ValueSource(ints = {384, 768, 1536})
    void nearlyParallelEmbeddingsAreAccurate(int d) {
        // Positive, correlated values: where float32 accumulation loses the most.
        Random random = new Random(d);
        int rows = 20;
        float[] q = new float[d];
        for (int j = 0; j < d; j++) {
            q[j] = 1 + 0.01f * (float) random.nextGaussian();
        }
        float[] matrix = new float[rows * d];
        for (int i = 0; i < rows * d; i++) {
            matrix[i] = 1 + 0.01f * (float) random.nextGaussian();
        }
        assertClose(Oracle.cosines(q, matrix, null), kernel.cosine(q, matrix, null), "d=" + d);
    }

    @Test
    void aNaNQueryScoresNaNEvenAgainstAZeroRow() {
        float[] matrix = {0, 0, 0, 1, 2, 3};
        float[] scores = kernel.cosine(new float[] {Float.NaN, 0, 0}, matrix, null);
        assertTrue(Float.isNaN(scores[0]), "the bad input must show, not hide behind a zero norm: " + scores[0]);
        assertTrue(Float.isNaN(scores[1]));
        float[] withNorms = kernel.cosine(new float[] {1, Float.NaN, 0}, matrix, new float[] {0, 3.7416575f});
        assertTrue(Float.isNaN(withNorms[0]), "a given norm of 0 does not hide it either: " + withNorms[0]);
        assertTrue(Float.isNaN(withNorms[1]));
    }

    @Test
    void aZeroQueryScoresZeroAgainstFiniteRows() {
        float[] matrix = {1, 2, 3, 0, 0, 0, -1e30f, 1e30f, 5, Float.MIN_VALUE, 0, 0};
        float[] scores = kernel.cosine(new float[3], matrix, null);
        assertArrayEquals(new float[] {0, 0, 0, 0}, scores);
        assertArrayEquals(new float[] {0, 0, 0, 0}, kernel.cosine(new float[3], matrix, new float[] {3.7f, 0, 1e30f,
                1e-45f}));
    }

    @Test
    void aZeroQueryScoresNaNAgainstANonFiniteRowOrNorm() {
        float[] matrix = {1, Float.NaN, 3, 0, Float.POSITIVE_INFINITY, 0, 1, 2, 3};
        float[] scores = kernel.cosine(new float[3], matrix, null);
        assertTrue(Float.isNaN(scores[0]), "NaN in the row: " + scores[0]);
        assertTrue(Float.isNaN(scores[1]), "an infinity in the row: " + scores[1]);
        assertEquals(0f, scores[2]);
        float[] withNorms = kernel.cosine(new float[3], new float[] {1, 2, 3, 1, 2, 3}, new float[] {Float.NaN,
                Float.POSITIVE_INFINITY});
        assertTrue(Float.isNaN(withNorms[0]), "a NaN norm: " + withNorms[0]);
        assertTrue(Float.isNaN(withNorms[1]), "an infinite norm: " + withNorms[1]);
    }

    @Test
    void infinitiesGiveNaNNotAPlausibleScore() {
        float inf = Float.POSITIVE_INFINITY;
        float[] matrix = {inf, 0, 1, 1, -inf, 0, 0, 1};
        float[] scores = kernel.cosine(new float[] {1, 0}, matrix, null);
        assertTrue(Float.isNaN(scores[0]), "an infinite row value: " + scores[0]);
        assertEquals((float) Math.sqrt(0.5), scores[1], 1e-7f);
        assertTrue(Float.isNaN(scores[2]), "a negative infinity: " + scores[2]);
        assertEquals(0f, scores[3]);
        float[] infiniteQuery = kernel.cosine(new float[] {inf, 1}, new float[] {1, 0, 0, 0}, null);
        assertTrue(Float.isNaN(infiniteQuery[0]) && Float.isNaN(infiniteQuery[1]), "an infinite query value");
        float[] infiniteNorm = kernel.cosine(new float[] {1, 0}, new float[] {1, 0, 1, 0}, new float[] {inf, 1});
        assertTrue(Float.isNaN(infiniteNorm[0]), "an infinite given norm: " + infiniteNorm[0]);
        assertEquals(1f, infiniteNorm[1]);
    }

    @Test
    void randomNonFiniteValuesMatchTheOracle() {
        Random random = new Random(44);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE,
                Float.MAX_VALUE};
        for (int trial = 0; trial < 300; trial++) {
            int d = 1 + random.nextInt(9);
            int rows = 1 + random.nextInt(6);
            float[] q = random.nextInt(4) == 0 ? new float[d] : Oracle.gaussian(random, d);
            float[] matrix = Oracle.gaussian(random, rows * d);
            for (int i = 0; i < rows; i++) {
                if (random.nextInt(4) == 0) {
                    java.util.Arrays.fill(matrix, i * d, i * d + d, 0f);
                }
            }
            int spoiled = random.nextInt(3);
            for (int s = 0; s < spoiled; s++) {
                float special = specials[random.nextInt(specials.length)];
                if (random.nextBoolean()) {
                    q[random.nextInt(d)] = special;
                } else {
                    matrix[random.nextInt(rows * d)] = special;
                }
            }
            float[] norms = null;
            if (random.nextBoolean()) {
                norms = new float[rows];
                for (int i = 0; i < rows; i++) {
                    norms[i] = random.nextInt(5) == 0 ? specials[random.nextInt(specials.length)]
                            : 0.5f + random.nextFloat();
                }
            }
            assertClose(Oracle.cosines(q, matrix, norms), kernel.cosine(q, matrix, norms), "trial " + trial);
        }
    }

    @Test
    void anEmptyMatrixGivesNoScores() {
        assertEquals(0, kernel.cosine(new float[] {1, 2}, new float[0], null).length);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> kernel.cosine(new float[0], new float[0], null));
        assertThrows(IllegalArgumentException.class, () -> kernel.cosine(new float[2], new float[3], null));
        assertThrows(IllegalArgumentException.class, () -> kernel.cosine(new float[2], new float[4], new float[1]));
    }
}
