package engram.kernels.zig.impl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Heap arrays on their way to a native call. A small call reads them in place through a
 * critical downcall; but a critical call holds up every safepoint (the garbage collector
 * included) until it returns, so a large one instead gets off-heap copies of its heap
 * inputs and outputs, made here; {@link #copyBack()} returns the results.
 */
final class HeapStaging implements AutoCloseable {
    /** Up to this many heap bytes a call reads them in place; a critical call this short is harmless. */
    static final long CRITICAL_LIMIT_BYTES = 256 * 1024;

    private final boolean copying;
    private Arena arena;
    private MemorySegment[] outputs = new MemorySegment[0];
    private MemorySegment[] copies = new MemorySegment[0];

    private HeapStaging(boolean copying) {
        this.copying = copying;
    }

    /** A staging for a call over {@code segments}, which may be null or {@link MemorySegment#NULL}. */
    static HeapStaging forCall(MemorySegment... segments) {
        long heapBytes = 0;
        for (MemorySegment segment : segments) {
            if (segment != null && !segment.isNative()) {
                heapBytes += segment.byteSize();
            }
        }
        return new HeapStaging(heapBytes > CRITICAL_LIMIT_BYTES);
    }

    /** Whether the call may use the critical handle: some heap segment is read in place. */
    boolean critical(MemorySegment... segments) {
        if (copying) {
            return false;
        }
        for (MemorySegment segment : segments) {
            if (!segment.isNative()) {
                return true;
            }
        }
        return false;
    }

    /** {@code segment} as the native call should read it. */
    MemorySegment input(MemorySegment segment) {
        if (!copying || segment.isNative()) {
            return segment;
        }
        return arena().allocate(segment.byteSize(), 8).copyFrom(segment);
    }

    /** {@code segment} as the native call should write it; {@link #copyBack()} returns what it wrote. */
    MemorySegment output(MemorySegment segment) {
        if (!copying || segment.isNative()) {
            return segment;
        }
        MemorySegment copy = arena().allocate(segment.byteSize(), 8).copyFrom(segment);
        outputs = Arrays.copyOf(outputs, outputs.length + 1);
        copies = Arrays.copyOf(copies, copies.length + 1);
        outputs[outputs.length - 1] = segment;
        copies[copies.length - 1] = copy;
        return copy;
    }

    private Arena arena() {
        if (arena == null) {
            arena = Arena.ofConfined();
        }
        return arena;
    }

    /** Copies the outputs back to the caller's arrays, once the call has succeeded. */
    void copyBack() {
        for (int i = 0; i < outputs.length; i++) {
            outputs[i].copyFrom(copies[i]);
        }
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}
