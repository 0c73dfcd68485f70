package engram.kernels.zig.impl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * How a call reaches its segments, and which downcall it takes. A short call, one that reads
 * and writes little memory in all, takes the critical downcall: it reads heap arrays in place,
 * and it skips the thread-state transitions of a plain downcall (a fence each way, a large part
 * of a call of a few dozen nanoseconds), on off-heap segments too. But a critical call holds
 * up every safepoint (the garbage collector included) until it returns, so a longer call takes
 * the plain downcall: off-heap segments go to it as they are, and heap segments as off-heap
 * copies, made here, whose results {@link #copyBack(HeapStaging)} returns. The choice follows
 * what the kernel reads, not the heap bytes alone: a small heap query over a large native
 * matrix is copied, not read in a critical call.
 */
final class HeapStaging implements AutoCloseable {
    /**
     * Up to this many bytes read and written in all, a call is short: the critical handle, heap
     * arrays read in place. At the slowest bandwidth measured here (about 10 GB/s) that is 26 us
     * of safepoint delay at most.
     */
    static final long CRITICAL_LIMIT_BYTES = 256 * 1024;

    /** A long call whose segments are all off-heap: the plain handle, no staging. */
    static final int NATIVE = 0;
    /** A short call, on or off the heap: the critical handle. */
    static final int CRITICAL = 1;
    /** A long call with a segment on the heap: copies, the plain handle. */
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
        if (bytesTouched <= CRITICAL_LIMIT_BYTES) {
            return CRITICAL;
        }
        return isNative(a) && isNative(b) && isNative(c) && isNative(d) && isNative(e) ? NATIVE : STAGED;
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
