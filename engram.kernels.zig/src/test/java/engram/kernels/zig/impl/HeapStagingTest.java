package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import engram.kernels.java.impl.ReferenceKernels;

/**
 * A critical downcall holds up every safepoint until it returns, so the Zig kernels choose it
 * by what a call reads, not by the heap bytes alone: a small heap query over a large native
 * matrix is copied off-heap and read by a plain call.
 */
class HeapStagingTest {
    private static final MemorySegment HEAP = MemorySegment.ofArray(new float[4]);
    private static final MemorySegment NATIVE = Arena.global().allocate(16);

    @Test
    void offHeapCallsAreNeverStagedWhateverTheyRead() {
        assertEquals(HeapStaging.NATIVE, HeapStaging.mode(Long.MAX_VALUE, NATIVE, NATIVE, MemorySegment.NULL, null,
                NATIVE));
        assertEquals(HeapStaging.NATIVE, HeapStaging.mode(HeapStaging.CRITICAL_LIMIT_BYTES + 1, NATIVE, NATIVE,
                NATIVE, NATIVE, NATIVE));
    }

    @Test
    void aShortOffHeapCallTakesTheCriticalHandleToSkipTheTransitions() {
        assertEquals(HeapStaging.CRITICAL, HeapStaging.mode(64, NATIVE, NATIVE, MemorySegment.NULL, null, NATIVE));
        assertEquals(HeapStaging.CRITICAL, HeapStaging.mode(HeapStaging.CRITICAL_LIMIT_BYTES, NATIVE, NATIVE, NATIVE,
                NATIVE, NATIVE));
    }

    @Test
    void aHeapSegmentInAShortCallIsReadInPlaceAndInALongCallCopied() {
        assertEquals(HeapStaging.CRITICAL, HeapStaging.mode(HeapStaging.CRITICAL_LIMIT_BYTES, HEAP, NATIVE, null,
                null, null));
        // A heap query of 3 KiB over a native matrix of 500 MiB: what the kernel reads decides.
        long fiveHundredMebibytes = 500L << 20;
        assertEquals(HeapStaging.STAGED, HeapStaging.mode(fiveHundredMebibytes, HEAP, NATIVE, NATIVE, NATIVE, null));
        assertEquals(HeapStaging.STAGED, HeapStaging.mode(HeapStaging.CRITICAL_LIMIT_BYTES + 1, NATIVE, NATIVE, NATIVE,
                NATIVE, HEAP));
    }

    @Test
    void aHeapQueryOverALargeNativeMatrixIsStagedAndAgreesWithTheReference() {
        int dimensions = 768;
        int rows = 20_000;
        float[] query = new float[dimensions];
        for (int j = 0; j < dimensions; j++) {
            query[j] = (float) Math.sin(j);
        }
        try (ZigKernels zig = NativeLibraries.load(); Arena arena = Arena.ofConfined()) {
            MemorySegment matrix = arena.allocate((long) rows * dimensions * Float.BYTES, 64);
            for (long i = 0; i < (long) rows * dimensions; i++) {
                matrix.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) Math.cos(i * 1e-3));
            }
            MemorySegment heapQuery = MemorySegment.ofArray(query);
            assertEquals(HeapStaging.STAGED, HeapStaging.mode((long) rows * dimensions * Float.BYTES, heapQuery, matrix,
                    null, null, null));
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, rows);
            zig.cosine(heapQuery, dimensions, matrix, rows, null, out);
            float[] expected = new float[rows];
            new ReferenceKernels().cosine(heapQuery, dimensions, matrix, rows, null, MemorySegment.ofArray(expected));
            assertArrayEquals(expected, out.toArray(ValueLayout.JAVA_FLOAT), 1e-6f);
        }
    }
}
