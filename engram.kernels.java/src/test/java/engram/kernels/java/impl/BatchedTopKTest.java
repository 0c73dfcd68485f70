package engram.kernels.java.impl;

import static engram.kernels.java.impl.SegmentApiTest.floatsWritten;
import static engram.kernels.java.impl.SegmentApiTest.garbage;
import static engram.kernels.java.impl.SegmentApiTest.intsWritten;
import static engram.kernels.java.impl.SegmentApiTest.nativeFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.TopK;

/** A batch of queries gives each query exactly what a call with that query alone gives: rows and score bits. */
class BatchedTopKTest {
    final KernelService kernel = newKernel();

    /** The kernel under test: the reference here, the Vector API kernel in {@code VectorBatchedTopKTest}. */
    KernelService newKernel() {
        return new ReferenceKernels();
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    /** One query alone, through the segment method, over the same range. */
    private TopK alone(KernelWorkspace workspace, Arena arena, float[] query, MemorySegment matrix, int firstRow,
            int rowCount, MemorySegment norms, int k) {
        MemorySegment index = garbage(arena, k);
        MemorySegment score = garbage(arena, k);
        kernel.cosineTopK(workspace, nativeFloats(arena, query), 1, query.length, matrix, firstRow, rowCount, norms, k,
                index, score);
        return new TopK(intsWritten(index, k), floatsWritten(score, k));
    }

    @Test
    void eachQueryOfARandomBatchGetsItsSingleQueryResult() {
        Random random = new Random(31);
        try (KernelWorkspace workspace = kernel.newWorkspace()) {
            for (int trial = 0; trial < 150; trial++) {
                int d = 1 + random.nextInt(24);
                int rows = 1 + random.nextInt(70);
                int queryCount = 1 + random.nextInt(16);
                float[] matrix = Oracle.gaussian(random, rows * d);
                for (int i = 1; i < rows; i++) {
                    if (random.nextInt(5) == 0) {
                        System.arraycopy(matrix, random.nextInt(i) * d, matrix, i * d, d);
                    }
                }
                float[] norms = null;
                if (random.nextBoolean()) {
                    norms = new float[rows];
                    for (int i = 0; i < rows; i++) {
                        norms[i] = 0.25f + random.nextFloat();
                    }
                }
                float[][] queries = new float[queryCount][];
                for (int q = 0; q < queryCount; q++) {
                    int row = random.nextInt(rows);
                    queries[q] = switch (random.nextInt(8)) {
                        case 0 -> new float[d];
                        case 1 -> Arrays.copyOfRange(matrix, row * d, row * d + d);
                        default -> Oracle.gaussian(random, d);
                    };
                }
                int firstRow = random.nextInt(rows);
                int rowCount = 1 + random.nextInt(rows - firstRow);
                if (random.nextBoolean()) {
                    firstRow = 0;
                    rowCount = rows;
                }
                int k = random.nextBoolean() ? 1 : rowCount;
                if (random.nextInt(3) == 0) {
                    k = 1 + random.nextInt(rowCount);
                }
                float[] packed = new float[queryCount * d];
                for (int q = 0; q < queryCount; q++) {
                    System.arraycopy(queries[q], 0, packed, q * d, d);
                }
                KernelWorkspace w = random.nextBoolean() ? workspace : null;
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment m = nativeFloats(arena, matrix);
                    MemorySegment ns = norms == null ? null : nativeFloats(arena, norms);
                    MemorySegment index = garbage(arena, queryCount * k);
                    MemorySegment score = garbage(arena, queryCount * k);
                    kernel.cosineTopK(w, nativeFloats(arena, packed), queryCount, d, m, firstRow, rowCount, ns, k,
                            index, score);
                    int[] indices = intsWritten(index, queryCount * k);
                    float[] scores = floatsWritten(score, queryCount * k);
                    for (int q = 0; q < queryCount; q++) {
                        TopK single = alone(w, arena, queries[q], m, firstRow, rowCount, ns, k);
                        String what = "trial " + trial + ", query " + q + " of " + queryCount + ", k=" + k;
                        assertArrayEquals(single.indices(), Arrays.copyOfRange(indices, q * k, q * k + k), what);
                        assertArrayEquals(bits(single.scores()), bits(Arrays.copyOfRange(scores, q * k, q * k + k)),
                                what);
                    }
                }
            }
        }
    }

    @Test
    void aBatchWithZeroAndNaNQueriesKeepsEachApart() {
        int d = 3;
        float[] matrix = {1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1};
        List<float[]> queries = List.of(new float[] {1, 0, 0}, new float[d], new float[] {Float.NaN, 0, 0},
                new float[] {0, 1, 0});
        List<TopK> together = kernel.cosineTopK(queries, matrix, null, 4);
        for (int q = 0; q < queries.size(); q++) {
            TopK single = kernel.cosineTopK(queries.get(q), matrix, null, 4);
            assertEquals(single, together.get(q), "query " + q);
        }
        assertArrayEquals(new int[] {0, 3, 1, 2}, together.get(0).indices());
        assertArrayEquals(new int[] {0, 1, 2, 3}, together.get(1).indices(), "a zero query ties every row at 0");
        assertArrayEquals(new int[] {0, 1, 2, 3}, together.get(2).indices(), "a NaN query: NaN everywhere, row order");
    }

    @Test
    void theLargestBatchMatchesItsQueries() {
        Random random = new Random(32);
        int d = 5;
        int rows = 9;
        float[] matrix = Oracle.gaussian(random, rows * d);
        List<float[]> queries = new ArrayList<>();
        for (int q = 0; q < 1024; q++) {
            queries.add(Oracle.gaussian(random, d));
        }
        List<TopK> together = kernel.cosineTopK(queries, matrix, null, 3);
        assertEquals(1024, together.size());
        for (int q = 0; q < queries.size(); q++) {
            assertEquals(kernel.cosineTopK(queries.get(q), matrix, null, 3), together.get(q), "query " + q);
        }
    }

    @Test
    void aBatchOfOneQueryRepeatedGivesTheSameListEachTime() {
        float[] query = {0.3f, -0.2f, 0.9f};
        float[] matrix = Oracle.gaussian(new Random(33), 30);
        List<TopK> together = kernel.cosineTopK(Collections.nCopies(16, query), matrix, null, 10);
        TopK single = kernel.cosineTopK(query, matrix, null, 10);
        for (TopK result : together) {
            assertEquals(single, result);
        }
    }
}
