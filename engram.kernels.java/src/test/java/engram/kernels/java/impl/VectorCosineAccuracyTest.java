package engram.kernels.java.impl;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import engram.api.KernelTolerance;
import engram.api.KernelWorkspace;
import engram.api.TopK;

/**
 * The Vector API kernel's similarity against a float64 oracle: its error at the embedding
 * sizes on data that favours no rounding (all-positive rows add every product with one sign,
 * the worst case for the float32 fast path), every length of vector tail, every alignment of
 * the inputs, the value rules, the rows the exact path takes, and batches that give each
 * query its lone result bit for bit.
 */
class VectorCosineAccuracyTest {
    private static final double TOLERANCE = 1e-6;
    private static final ClosableKernelService KERNEL = VectorSupport.create();

    @AfterAll
    static void close() {
        KERNEL.close();
    }

    /** Kinds of rows for the error measurement, each scored against one query. */
    private enum Rows {
        GAUSSIAN, POSITIVE, NEAR_QUERY, NEAR_OPPOSITE, WIDE_MAGNITUDES
    }

    private static float[] rows(Rows kind, Random random, float[] query, int rows) {
        int d = query.length;
        float[] matrix = new float[rows * d];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < d; j++) {
                matrix[i * d + j] = switch (kind) {
                    case GAUSSIAN -> (float) random.nextGaussian();
                    case POSITIVE -> random.nextFloat();
                    case NEAR_QUERY -> query[j] * (1 + 1e-3f * (float) random.nextGaussian());
                    case NEAR_OPPOSITE -> -query[j] * (2 + 1e-3f * (float) random.nextGaussian());
                    case WIDE_MAGNITUDES -> (float) (random.nextGaussian() * Math.pow(10, 6 * random.nextDouble() - 3));
                };
            }
        }
        return matrix;
    }

    private static float[] trueNorms(float[] matrix, int d) {
        float[] norms = new float[matrix.length / d];
        for (int i = 0; i < norms.length; i++) {
            double sum = 0;
            for (int j = 0; j < d; j++) {
                sum += (double) matrix[i * d + j] * matrix[i * d + j];
            }
            norms[i] = (float) Math.sqrt(sum);
        }
        return norms;
    }

    /** The largest |kernel - exact| over the rows, failing on any beyond the contract or a NaN anywhere else. */
    private static double maxError(float[] query, float[] matrix, float[] norms, String what) {
        float[] scores = KERNEL.cosine(query, matrix, norms);
        double max = 0;
        for (int i = 0; i < scores.length; i++) {
            double exact = Oracle.cosine(query, matrix, i, norms);
            int row = i;
            if (Double.isNaN(exact)) {
                assertTrue(Float.isNaN(scores[i]), () -> what + ", row " + row + ": " + scores[row] + ", exact NaN");
                continue;
            }
            double error = Math.abs(scores[i] - exact);
            assertTrue(error <= TOLERANCE, () -> what + ", row " + row + ": " + scores[row] + ", exact " + exact);
            max = Math.max(max, error);
        }
        return max;
    }

    @ParameterizedTest(name = "d = {0}")
    @ValueSource(ints = {384, 768, 1536})
    void theErrorAtTheEmbeddingSizesIsWithinTheContract(int d) {
        Random random = new Random(d);
        double max = 0;
        for (Rows kind : Rows.values()) {
            float[] query = kind == Rows.POSITIVE ? rows(Rows.POSITIVE, random, new float[d], 1)
                    : Oracle.gaussian(random, d);
            float[] matrix = rows(kind, random, query, 400);
            float[] norms = trueNorms(matrix, d);
            for (int i = 0; i < norms.length; i++) {
                // These rows are the fast path's: what is measured is its error, not the exact path's.
                assertTrue(VectorSimilarity.trusted(VectorSimilarity.querySquares(query, 0, d, new double[64]),
                        squaresOnTheFastPath(matrix, i, d), true, norms[i]), kind + " row " + i);
            }
            max = Math.max(max, maxError(query, matrix, null, kind + " at d = " + d));
            max = Math.max(max, maxError(query, matrix, norms, kind + " with norms at d = " + d));
        }
        System.out.printf("vector kernel cosine at d = %d: max abs error %.3g over %d rows%n", d, max,
                2 * 400 * Rows.values().length);
        assertTrue(max > 0, "the error is measured, so some score differs from the exact one");
    }

    private static double squaresOnTheFastPath(float[] matrix, int row, int d) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocateFrom(JAVA_FLOAT, matrix);
            return VectorSimilarity.squares(segment, (long) row * d * Float.BYTES, d, new double[64]);
        }
    }

    @Test
    void theFastPathsDotProductIsWithinItsBoundAtEveryLength() {
        // |dot - exact| <= 5 * 2^-24 * sum |q_i v_i|, the bound the class comment proves.
        Random random = new Random(5);
        double[] lanes = new double[VectorSimilarity.LANE_SCRATCH];
        try (Arena arena = Arena.ofConfined()) {
            for (int d = 1; d <= 2_100; d += 1 + d / 20) {
                float[] query = new float[d];
                float[] row = new float[d];
                double exact = 0;
                double magnitude = 0;
                for (int j = 0; j < d; j++) {
                    query[j] = random.nextFloat();
                    row[j] = random.nextFloat();
                    exact += (double) query[j] * row[j];
                    magnitude += Math.abs((double) query[j] * row[j]);
                }
                double dot = VectorSimilarity.dot(query, 0, arena.allocateFrom(JAVA_FLOAT, row), 0, d, lanes);
                assertTrue(Math.abs(dot - exact) <= 5 * 0x1p-24 * magnitude, "d = " + d + ": " + dot + ", exact "
                        + exact);
            }
        }
    }

    /** d = 1..70 (every tail of every vector width) and the contract's odd sizes, around the fold blocks too. */
    static IntStream everyTail() {
        return IntStream.concat(IntStream.rangeClosed(1, 70),
                IntStream.of(127, 128, 129, 255, 256, 257, 1023, 1025, 4096));
    }

    @ParameterizedTest(name = "d = {0}")
    @MethodSource("everyTail")
    void everyLengthScoresWithinTheContractAndTopKAndBatchesAgree(int d) {
        Random random = new Random(1_000 + d);
        float[] query = Oracle.gaussian(random, d);
        float[] matrix = new float[40 * d];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) random.nextGaussian();
        }
        System.arraycopy(query, 0, matrix, 0, d);
        maxError(query, matrix, null, "d = " + d);
        maxError(query, matrix, trueNorms(matrix, d), "d = " + d + " with norms");
        float[] scores = KERNEL.cosine(query, matrix, null);
        TopK top = KERNEL.cosineTopK(query, matrix, null, 40);
        for (int r = 0; r < 40; r++) {
            assertEquals(Float.floatToRawIntBits(scores[top.index(r)]), Float.floatToRawIntBits(top.score(r)),
                    "cosine and top-k score a row alike, d = " + d);
        }
        assertArrayEquals(Oracle.rank(scores), top.indices(), "the contract's order, d = " + d);
        List<float[]> batch = List.of(query, Oracle.gaussian(random, d), matrix.clone(), Oracle.gaussian(random, d),
                new float[d]);
        List<TopK> together = KERNEL.cosineTopK(batch.stream().map(q -> Arrays.copyOf(q, d)).toList(),
                matrix, null, 7);
        for (int q = 0; q < batch.size(); q++) {
            assertEquals(KERNEL.cosineTopK(Arrays.copyOf(batch.get(q), d), matrix, null, 7), together.get(q),
                    "query " + q + " of 5 gets its lone result, d = " + d);
        }
    }

    @Test
    void anyAlignmentGivesTheSameBits() {
        int d = 77;
        int rows = 30;
        Random random = new Random(9);
        float[] query = Oracle.gaussian(random, d);
        float[] matrix = new float[rows * d];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) random.nextGaussian();
        }
        float[] expected = KERNEL.cosine(query, matrix, null);
        try (Arena arena = Arena.ofConfined(); KernelWorkspace workspace = KERNEL.newWorkspace()) {
            for (int shift = 0; shift < 16; shift++) {
                MemorySegment q = placed(arena, query, shift);
                MemorySegment m = placed(arena, matrix, 15 - shift);
                MemorySegment out = arena.allocate((long) (rows + 16) * Float.BYTES, 64)
                        .asSlice((long) shift * Float.BYTES, (long) rows * Float.BYTES);
                KERNEL.cosine(workspace, q, d, m, 0, rows, null, out);
                assertArrayEquals(expected, out.toArray(JAVA_FLOAT), "query at +" + shift + " floats");
                MemorySegment index = arena.allocate(JAVA_INT, 5);
                MemorySegment score = arena.allocate(JAVA_FLOAT, 5);
                KERNEL.cosineTopK(workspace, q, 1, d, m, 3, rows - 3, null, 5, index, score);
                TopK top = KERNEL.cosineTopK(query, Arrays.copyOfRange(matrix, 3 * d, rows * d), null, 5);
                for (int r = 0; r < 5; r++) {
                    assertEquals(top.index(r) + 3, index.getAtIndex(JAVA_INT, r));
                    assertEquals(top.score(r), score.getAtIndex(JAVA_FLOAT, r));
                }
            }
        }
    }

    /** {@code values} off-heap, {@code shift} floats past a 64-byte boundary. */
    private static MemorySegment placed(Arena arena, float[] values, int shift) {
        MemorySegment block = arena.allocate((long) (values.length + 16) * Float.BYTES, 64);
        MemorySegment segment = block.asSlice((long) shift * Float.BYTES, (long) values.length * Float.BYTES);
        MemorySegment.copy(values, 0, segment, JAVA_FLOAT, 0, values.length);
        return segment;
    }

    @Test
    void theValueRulesHold() {
        int d = 40;
        float[] zeroRow = new float[d];
        float[] normal = Oracle.gaussian(new Random(3), d);
        float[] withNaN = normal.clone();
        withNaN[33] = Float.NaN;
        float[] withInfinity = normal.clone();
        withInfinity[5] = Float.NEGATIVE_INFINITY;
        float[] negativeZeros = new float[d];
        Arrays.fill(negativeZeros, -0f);
        float[] matrix = concat(zeroRow, normal, withNaN, withInfinity, negativeZeros);
        // A normal query: 0 for the zero rows, NaN for the rows that are not finite.
        assertScores(new float[] {0, 1, Float.NaN, Float.NaN, 0}, KERNEL.cosine(normal, matrix, null), "normal query");
        // A zero query scores 0 even against rows it cannot be compared with in size, but NaN where a row is not finite.
        assertScores(new float[] {0, 0, Float.NaN, Float.NaN, 0}, KERNEL.cosine(new float[d], matrix, null),
                "zero query");
        // A query that is not finite scores NaN, even against zero rows.
        float[] nanQuery = normal.clone();
        nanQuery[0] = Float.NaN;
        assertScores(new float[] {Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN},
                KERNEL.cosine(nanQuery, matrix, null), "NaN query");
        float[] infiniteQuery = normal.clone();
        infiniteQuery[39] = Float.POSITIVE_INFINITY;
        assertScores(new float[] {Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN},
                KERNEL.cosine(infiniteQuery, matrix, null), "infinite query");
        // Given norms: 0 means a zero row, NaN and infinities make NaN.
        float[] given = {0, 0, 1, 1, Float.NaN};
        float[] twoRows = concat(normal, normal, normal, normal, normal);
        float[] norm = trueNorms(twoRows, d);
        given[2] = norm[2];
        given[3] = Float.POSITIVE_INFINITY;
        assertScores(new float[] {0, 0, 1, Float.NaN, Float.NaN}, KERNEL.cosine(normal, twoRows, given), "given norms");
        float[] clamped = KERNEL.cosine(normal, concat(normal, scaled(normal, -3f)), null);
        assertTrue(clamped[0] <= 1f && clamped[1] >= -1f, "clamped to [-1, 1]");
        assertTrue(Float.floatToRawIntBits(KERNEL.cosine(normal, negativeZeros, null)[0]) == 0,
                "a -0.0 row scores +0.0");
    }

    @Test
    void rowsThatTheFastPathCannotTrustGoToTheExactPath() {
        int d = 64;
        Random random = new Random(17);
        float[] query = Oracle.gaussian(random, d);
        List<float[]> rows = new ArrayList<>();
        for (float scale : new float[] {1e-44f, 1e-30f, 1e-20f, 1e20f, 1e30f, 3e38f}) {
            rows.add(scaled(Oracle.gaussian(random, d), scale));
        }
        float[] mixed = Oracle.gaussian(random, d);
        mixed[0] = 1e35f;
        mixed[1] = 1e-40f;
        rows.add(mixed);
        float[] matrix = concat(rows.toArray(float[][]::new));
        maxError(query, matrix, null, "rows of extreme magnitude");
        maxError(scaled(query, 1e-42f), matrix, null, "a subnormal query");
        maxError(scaled(query, 1e36f), matrix, null, "a huge query");
        // A given norm below the row's (halved): the fast path's error would be doubled, the exact path's is not.
        float[] halved = trueNorms(matrix, d);
        for (int i = 0; i < halved.length; i++) {
            halved[i] *= 0.5f;
        }
        maxError(query, matrix, halved, "halved norms");
        float[] tiny = trueNorms(matrix, d);
        for (int i = 0; i < tiny.length; i++) {
            tiny[i] *= 1e-3f;
        }
        maxError(query, matrix, tiny, "norms a thousandth of the rows'");
    }

    private static float[] scaled(float[] values, float factor) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] * factor;
        }
        return out;
    }

    private static float[] concat(float[]... rows) {
        int d = rows[0].length;
        float[] matrix = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, matrix, i * d, d);
        }
        return matrix;
    }

    private static void assertScores(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.isNaN(expected[i])) {
                assertTrue(Float.isNaN(actual[i]), what + ", row " + i + ": " + actual[i] + ", expected NaN");
            } else {
                assertEquals(expected[i], actual[i], TOLERANCE, what + ", row " + i);
            }
        }
    }

    @Test
    void aBatchOfEverySizeGivesEachQueryItsLoneResultAndMatchesTheReference() {
        ReferenceKernels reference = new ReferenceKernels();
        Random random = new Random(23);
        int d = 129;
        int rows = 300;
        float[] matrix = new float[rows * d];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) random.nextGaussian();
        }
        // Exact duplicates: ties that only the index order breaks.
        System.arraycopy(matrix, 0, matrix, 7 * d, d);
        float[] norms = trueNorms(matrix, d);
        for (int queries = 1; queries <= 17; queries++) {
            List<float[]> batch = new ArrayList<>();
            for (int q = 0; q < queries; q++) {
                batch.add(q % 3 == 0 ? Arrays.copyOf(matrix, d) : Oracle.gaussian(random, d));
            }
            for (float[] given : new float[][] {null, norms}) {
                List<TopK> together = KERNEL.cosineTopK(batch, matrix, given, 10);
                List<TopK> expected = reference.cosineTopK(batch, matrix, given, 10);
                for (int q = 0; q < queries; q++) {
                    assertEquals(KERNEL.cosineTopK(batch.get(q), matrix, given, 10), together.get(q),
                            "query " + q + " of " + queries);
                    KernelTolerance.Verdict verdict = KernelTolerance.topK(expected.get(q), together.get(q));
                    assertTrue(verdict.agrees(), "query " + q + " of " + queries + ": " + verdict);
                }
            }
        }
    }
}
