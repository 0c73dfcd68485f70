package engram.kernels.java.impl;

import static engram.kernels.java.impl.SegmentApiTest.GARBAGE;
import static engram.kernels.java.impl.SegmentApiTest.floatsWritten;
import static engram.kernels.java.impl.SegmentApiTest.garbage;
import static engram.kernels.java.impl.SegmentApiTest.intsWritten;
import static engram.kernels.java.impl.SegmentApiTest.nativeFloats;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import engram.api.KernelService;
import engram.api.KernelWorkspace;

/**
 * Cosine and top-k over rows {@code firstRow .. firstRow + rowCount - 1}: the scores of that
 * slice of the full scan, bit for bit, and the top k of that slice, with absolute row numbers
 * and norms indexed by row number.
 */
class RowRangeTest {
    final KernelService kernel = newKernel();

    /** The kernel under test: the reference here, the Vector API kernel in {@code VectorRowRangeTest}. */
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

    /** The rows of {@code [firstRow, firstRow + rowCount)} ranked by the contract's order, as absolute numbers. */
    private static int[] rankRange(float[] fullScores, int firstRow, int rowCount) {
        int[] order = Oracle.rank(Arrays.copyOfRange(fullScores, firstRow, firstRow + rowCount));
        for (int i = 0; i < order.length; i++) {
            order[i] += firstRow;
        }
        return order;
    }

    @Test
    void cosineOfARangeIsThatSliceOfTheFullScan() {
        Random random = new Random(12);
        try (KernelWorkspace workspace = kernel.newWorkspace()) {
            for (int trial = 0; trial < 200; trial++) {
                int d = 1 + random.nextInt(40);
                int rows = 1 + random.nextInt(60);
                float[] q = Oracle.gaussian(random, d);
                float[] matrix = Oracle.gaussian(random, rows * d);
                float[] norms = null;
                if (random.nextBoolean()) {
                    norms = new float[rows];
                    for (int i = 0; i < rows; i++) {
                        norms[i] = 0.25f + random.nextFloat();
                    }
                }
                float[] full = kernel.cosine(q, matrix, norms);
                int firstRow = random.nextInt(rows + 1);
                int rowCount = random.nextInt(rows - firstRow + 1);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment out = garbage(arena, rowCount);
                    kernel.cosine(random.nextBoolean() ? workspace : null, nativeFloats(arena, q), d,
                            nativeFloats(arena, matrix), firstRow, rowCount, norms == null ? null
                                    : nativeFloats(arena, norms), out);
                    String what = "trial " + trial + ": rows " + firstRow + ".." + (firstRow + rowCount - 1) + " of "
                            + rows;
                    assertArrayEquals(bits(Arrays.copyOfRange(full, firstRow, firstRow + rowCount)),
                            bits(floatsWritten(out, rowCount)), what);
                }
            }
        }
    }

    @Test
    void normsAreIndexedByRowNumber() {
        // Rows 2 and 3 are (3, 4); deliberately distinct given norms show which entry each row reads.
        float[] matrix = {1, 0, 1, 0, 3, 4, 3, 4};
        float[] norms = {100, 100, 5, 10};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = garbage(arena, 2);
            kernel.cosine(null, nativeFloats(arena, 3, 4), 2, nativeFloats(arena, matrix), 2, 2,
                    nativeFloats(arena, norms), out);
            assertArrayEquals(new float[] {1f, 0.5f}, floatsWritten(out, 2), 1e-7f);
        }
    }

    @Test
    void aRangeReadsNoRowOutsideIt() {
        // NaN rows outside the range would show as NaN scores if the kernel read them.
        float nan = Float.NaN;
        float[] matrix = {nan, nan, 1, 0, 0, 1, nan, nan};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = garbage(arena, 2);
            kernel.cosine(null, nativeFloats(arena, 1, 0), 2, nativeFloats(arena, matrix), 1, 2, null, out);
            assertArrayEquals(new float[] {1f, 0f}, floatsWritten(out, 2));
            MemorySegment index = garbage(arena, 2);
            MemorySegment score = garbage(arena, 2);
            kernel.cosineTopK(null, nativeFloats(arena, 0, 1), 1, 2, nativeFloats(arena, matrix), 1, 2, null, 2, index,
                    score);
            assertArrayEquals(new int[] {2, 1}, intsWritten(index, 2), "absolute row numbers");
            assertArrayEquals(new float[] {1f, 0f}, floatsWritten(score, 2));
        }
    }

    @Test
    void anEmptyRangeWritesNothing() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = garbage(arena, 1);
            kernel.cosine(null, nativeFloats(arena, 1, 0), 2, nativeFloats(arena, 1, 0, 0, 1), 2, 0, null, out);
            assertEquals(GARBAGE, out.getAtIndex(JAVA_INT, 0));
        }
    }

    @Test
    void topKOfARangeIsTheTopKOfThatSliceWithAbsoluteRows() {
        Random random = new Random(13);
        try (KernelWorkspace workspace = kernel.newWorkspace()) {
            for (int trial = 0; trial < 200; trial++) {
                int d = 1 + random.nextInt(20);
                int rows = 1 + random.nextInt(80);
                float[] q = Oracle.gaussian(random, d);
                float[] matrix = Oracle.gaussian(random, rows * d);
                // Exact ties: copies of earlier rows.
                for (int i = 1; i < rows; i++) {
                    if (random.nextInt(4) == 0) {
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
                float[] full = kernel.cosine(q, matrix, norms);
                int firstRow = random.nextInt(rows);
                int rowCount = 1 + random.nextInt(rows - firstRow);
                int k = switch (random.nextInt(3)) {
                    case 0 -> 1;
                    case 1 -> rowCount;
                    default -> 1 + random.nextInt(rowCount);
                };
                int[] expected = Arrays.copyOf(rankRange(full, firstRow, rowCount), k);
                float[] expectedScores = new float[k];
                for (int i = 0; i < k; i++) {
                    expectedScores[i] = full[expected[i]];
                }
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment index = garbage(arena, k);
                    MemorySegment score = garbage(arena, k);
                    kernel.cosineTopK(random.nextBoolean() ? workspace : null, nativeFloats(arena, q), 1, d,
                            nativeFloats(arena, matrix), firstRow, rowCount, norms == null ? null
                                    : nativeFloats(arena, norms), k, index, score);
                    String what = "trial " + trial + ": top " + k + " of rows " + firstRow + ".."
                            + (firstRow + rowCount - 1);
                    assertArrayEquals(expected, intsWritten(index, k), what);
                    assertArrayEquals(bits(expectedScores), bits(floatsWritten(score, k)), what);
                }
            }
        }
    }

    @Test
    void aSplitScanCoversTheWholeMatrix() {
        // Two halves scanned separately give the full scan's scores, as a caller splitting one scan across threads.
        Random random = new Random(14);
        int d = 16;
        int rows = 101;
        float[] q = Oracle.gaussian(random, d);
        float[] matrix = Oracle.gaussian(random, rows * d);
        float[] full = kernel.cosine(q, matrix, null);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment query = nativeFloats(arena, q);
            MemorySegment m = nativeFloats(arena, matrix);
            MemorySegment out = garbage(arena, rows);
            kernel.cosine(null, query, d, m, 0, 50, null, out);
            kernel.cosine(null, query, d, m, 50, 51, null, out.asSlice(50L * Float.BYTES));
            assertArrayEquals(bits(full), bits(floatsWritten(out, rows)));
        }
    }
}
