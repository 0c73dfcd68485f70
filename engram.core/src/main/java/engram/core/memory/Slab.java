package engram.core.memory;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The embeddings of one space, off-heap, row-major, in chunks of {@value #CHUNK_ROWS} rows
 * that are each 64-byte aligned, with each row's norm computed once as it is written. The slab
 * grows a chunk at a time, so a recall never waits for a copy: a recall reads the chunks and
 * the row count it was given ({@link #view()}), and rows are written only past that count
 * (one writer at a time, under the space's write lock) and published after.
 */
final class Slab implements AutoCloseable {
    /**
     * Rows per chunk: 1,024 rows of d = 768 are 3 MiB. Small enough that the last chunk's unused
     * rows cost little (10,000 memories hold 10,240 rows), large enough that a recall's top-k
     * calls, one per chunk, stay few.
     */
    static final int CHUNK_ROWS = 1_024;
    private static final long ALIGNMENT = 64;

    /** One chunk: rows and norms, in an arena of its own. */
    record Chunk(Arena arena, MemorySegment rows, MemorySegment norms) {
    }

    /** What a recall reads: the chunks, and how many rows of them are written. */
    record View(Chunk[] chunks, int rows) {
        int rowsIn(int chunk) {
            return Math.min(CHUNK_ROWS, rows - chunk * CHUNK_ROWS);
        }

        int chunkCount() {
            return (rows + CHUNK_ROWS - 1) / CHUNK_ROWS;
        }
    }

    private final int dimensions;
    private volatile View view = new View(new Chunk[0], 0);
    private boolean closed;

    Slab(int dimensions) {
        this.dimensions = dimensions;
    }

    View view() {
        return view;
    }

    int rows() {
        return view.rows();
    }

    /** Off-heap bytes held: every chunk, whole. */
    long bytes() {
        return (long) view.chunks().length * CHUNK_ROWS * ((long) dimensions + 1) * Float.BYTES;
    }

    /**
     * Writes rows after the last one, then publishes them all at once; returns the first new
     * row. Call under the space's write lock.
     */
    int append(float[][] embeddings) {
        if (closed) {
            throw new IllegalStateException("the space was dropped");
        }
        View now = view;
        int first = now.rows();
        long total = (long) first + embeddings.length;
        if (total > Integer.MAX_VALUE - CHUNK_ROWS) {
            throw new IllegalArgumentException("a space holds at most " + (Integer.MAX_VALUE - CHUNK_ROWS)
                    + " memories; this one has " + first);
        }
        Chunk[] chunks = now.chunks();
        int needed = (int) ((total + CHUNK_ROWS - 1) / CHUNK_ROWS);
        if (needed > chunks.length) {
            Chunk[] grown = Arrays.copyOf(chunks, needed);
            for (int c = chunks.length; c < needed; c++) {
                grown[c] = newChunk();
            }
            chunks = grown;
        }
        for (int i = 0; i < embeddings.length; i++) {
            write(chunks, first + i, embeddings[i]);
        }
        view = new View(chunks, (int) total);
        return first;
    }

    private Chunk newChunk() {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment rows = arena.allocate((long) CHUNK_ROWS * dimensions * Float.BYTES, ALIGNMENT);
            MemorySegment norms = arena.allocate((long) CHUNK_ROWS * Float.BYTES, ALIGNMENT);
            return new Chunk(arena, rows, norms);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private void write(Chunk[] chunks, int row, float[] embedding) {
        Chunk chunk = chunks[row / CHUNK_ROWS];
        int inChunk = row % CHUNK_ROWS;
        MemorySegment.copy(embedding, 0, chunk.rows(), JAVA_FLOAT, (long) inChunk * dimensions * Float.BYTES,
                dimensions);
        double squares = 0;
        for (float v : embedding) {
            squares += (double) v * v;
        }
        chunk.norms().setAtIndex(JAVA_FLOAT, inChunk, (float) Math.sqrt(squares));
    }

    /** Row {@code row}'s embedding, copied. */
    float[] read(int row) {
        Chunk chunk = view.chunks()[row / CHUNK_ROWS];
        float[] out = new float[dimensions];
        MemorySegment.copy(chunk.rows(), JAVA_FLOAT, (long) (row % CHUNK_ROWS) * dimensions * Float.BYTES, out, 0,
                dimensions);
        return out;
    }

    /** Frees every chunk; call when no recall reads the slab any more. */
    @Override
    public void close() {
        closed = true;
        for (Chunk chunk : view.chunks()) {
            chunk.arena().close();
        }
        view = new View(new Chunk[0], 0);
    }
}
