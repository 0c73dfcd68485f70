package engram.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Deterministic benchmark inputs in 64-byte aligned off-heap memory. */
final class Data {
    private Data() {
    }

    /** {@code count} floats uniform in [-1, 1) from {@code random}. */
    static MemorySegment uniformFloats(Arena arena, SplittableRandom random, long count) {
        MemorySegment segment = Verify.floats(arena, count);
        for (long i = 0; i < count; i++) {
            segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextDouble(-1, 1));
        }
        return segment;
    }

    /** The Euclidean norm of each of {@code rows} rows of {@code dimensions} floats, as the store keeps them. */
    static MemorySegment norms(Arena arena, MemorySegment matrix, int rows, int dimensions) {
        MemorySegment norms = Verify.floats(arena, rows);
        for (int row = 0; row < rows; row++) {
            double sum = 0;
            long base = (long) row * dimensions;
            for (int j = 0; j < dimensions; j++) {
                double v = matrix.getAtIndex(ValueLayout.JAVA_FLOAT, base + j);
                sum += v * v;
            }
            norms.setAtIndex(ValueLayout.JAVA_FLOAT, row, (float) Math.sqrt(sum));
        }
        return norms;
    }
}
