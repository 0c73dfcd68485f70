package engram.kernels.zig.impl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * How a call reaches heap arrays. Off-heap segments go to the native code as they are. A
 * call that touches heap arrays and little memory in all reads them in place through a
 * critical downcall; but a critical call holds up every safepoint (the garbage collector
 * included) until it returns, so a call that reads or writes more gets off-heap copies of its
 * heap segments instead, made here, and {@link #copyBack(HeapStaging)} returns its results. The choice
 * follows what the kernel reads, not the heap bytes alone: a small heap query over a large
 * native matrix is copied, not read in a critical call.
 */
final class HeapStaging implements AutoCloseable {
    /** Up to this many bytes read and written in all, a call reads heap arrays in place. */
    static final long CRITICAL_LIMIT_BYTES = 256 * 1024;

    /** Every segment is off-heap: the plain handle, no staging. */
    static final int NATIVE = 0;
    /** Some segment is on the heap and the call is short: the critical handle. */
    static final int CRITICAL = 1;
    /** Some segment is on the heap and the call is long: copies, the plain handle. */
    static final int STAGED = 2;

    private static final int MAX_OUTPUTS = 3;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment[] outputs = new MemorySegment[MAX_OUTPUTS];
    private final MemorySegment[] copies = new MemorySegment[MAX_OUTPUTS];
    private int outputCount;

    /**
     * The mode of a call over up to five segments (null or {@link MemorySegment#NULL} for
     * fewer) that reads and writes {@code bytesTouched} bytes in all.
     */
    static int mode(long bytesTouched, MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment d,
            MemorySegment e) {
        if (isNative(a) && isNative(b) && isNative(c) && isNative(d) && isNative(e)) {
            return NATIVE;
        }
        return bytesTouched <= CRITICAL_LIMIT_BYTES ? CRITICAL : STAGED;
    }

    private static boolean isNative(MemorySegment segment) {
        return segment == null || segment.isNative();
    }

    /** A staging for a call of mode {@code mode}, or null when it needs none. */
    static HeapStaging forMode(int mode) {
        return mode == STAGED ? new HeapStaging() : null;
    }

    /** {@code segment} as the native call should read it: as it is, or an off-heap copy. */
    static MemorySegment in(HeapStaging staging, MemorySegment segment) {
        if (staging == null || segment.isNative()) {
            return segment;
        }
        return staging.arena.allocate(Math.max(segment.byteSize(), 1), 8).asSlice(0, segment.byteSize())
                .copyFrom(segment);
    }

    /** {@code segment} as the native call should write it; {@link #copyBack(HeapStaging)} returns what it wrote. */
    static MemorySegment out(HeapStaging staging, MemorySegment segment) {
        if (staging == null || segment.isNative()) {
            return segment;
        }
        MemorySegment copy = in(staging, segment);
        staging.outputs[staging.outputCount] = segment;
        staging.copies[staging.outputCount++] = copy;
        return copy;
    }

    /** Copies the outputs back to the caller's arrays, once the call has succeeded. */
    static void copyBack(HeapStaging staging) {
        if (staging != null) {
            for (int i = 0; i < staging.outputCount; i++) {
                staging.outputs[i].copyFrom(staging.copies[i]);
            }
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
