package engram.core.memory;

import java.util.Arrays;
import java.util.Map;

/**
 * What a space keeps on the heap for each row (memory), in chunks of {@link Slab#CHUNK_ROWS},
 * indexed like the slab. Fields are written under the space's write lock; a row's fields are
 * written before the slab publishes it. Access times and counts change later, under the same
 * lock; a recall reading them while they change reads either value.
 */
final class Rows {
    static final byte LIVE = 0;
    static final byte SUPPRESSED = 1;
    static final byte DELETED = 2;

    private static final int CHUNK = Slab.CHUNK_ROWS;

    static final class Chunk {
        final long[] ids = new long[CHUNK];
        final String[] contents = new String[CHUNK];
        final float[] strengths = new float[CHUNK];
        final long[] createdMillis = new long[CHUNK];
        final long[] lastAccessMillis = new long[CHUNK];
        final int[] accessCounts = new int[CHUNK];
        @SuppressWarnings({"unchecked", "rawtypes"})
        final Map<String, String>[] metadata = new Map[CHUNK];
        final byte[] states = new byte[CHUNK];
    }

    private volatile Chunk[] chunks = new Chunk[0];

    Chunk chunkOf(int row) {
        return chunks[row / CHUNK];
    }

    static int slot(int row) {
        return row % CHUNK;
    }

    /** Makes room for rows up to {@code rows} (exclusive); call under the write lock. */
    void ensure(int rows) {
        Chunk[] now = chunks;
        int needed = (rows + CHUNK - 1) / CHUNK;
        if (needed > now.length) {
            Chunk[] grown = Arrays.copyOf(now, needed);
            for (int c = now.length; c < needed; c++) {
                grown[c] = new Chunk();
            }
            chunks = grown;
        }
    }

    long id(int row) {
        return chunkOf(row).ids[slot(row)];
    }

    byte state(int row) {
        return chunkOf(row).states[slot(row)];
    }

    /** Heap bytes of the fixed-size fields per row (not the contents and metadata). */
    static long fixedBytesPerRow() {
        return Long.BYTES * 3L + Float.BYTES + Integer.BYTES + 1 + 2L * 4;
    }

    long heapBytes() {
        return chunks.length * (long) CHUNK * fixedBytesPerRow();
    }
}
