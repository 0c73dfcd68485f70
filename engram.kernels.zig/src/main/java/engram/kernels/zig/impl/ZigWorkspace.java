package engram.kernels.zig.impl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

import engram.api.ArenaMetrics;
import engram.api.KernelFailureException;
import engram.api.WorkspaceOptions;
import engram.api.spi.AbstractWorkspace;

/**
 * A workspace of the Zig kernels: a native arena the library mapped for it (all of a call's
 * scratch, and spreading's node tables between calls), and a small block of parameters and
 * results the Java side writes and reads around each call. Nothing here is allocated per call.
 */
final class ZigWorkspace extends AbstractWorkspace {
    private static final long REACHED_COUNT = 8;
    private static final long SPREAD_PARAMS = 16;
    private static final long DECAY_PARAMS = SPREAD_PARAMS + NativeKernelLibrary.SPREAD_PARAMS.byteSize();
    private static final long METRICS = align8(DECAY_PARAMS + NativeKernelLibrary.DECAY_PARAMS.byteSize());
    private static final long BLOCK_BYTES = METRICS + NativeKernelLibrary.ARENA_METRICS.byteSize();

    private final NativeKernelLibrary library;
    private final Release release;
    private final Cleaner.Cleanable cleanable;
    /** The library's arena, as an address; passed to every call. */
    final MemorySegment arena;
    /** Where a spread's activated count comes back. */
    final MemorySegment reachedCount;
    final MemorySegment spreadParams;
    final MemorySegment decayParams;
    /**
     * The parameters {@link #decayParams} and {@link #spreadParams} hold now, so that a call
     * with the same (immutable) parameters as the last one skips rewriting them; touched only
     * by the call that holds the workspace.
     */
    engram.api.DecayParams writtenDecayParams;
    /** The addresses of {@link #reachedCount}, {@link #spreadParams} and {@link #decayParams}, for the native calls. */
    final MemorySegment reachedCountAddress;
    final MemorySegment spreadParamsAddress;
    final MemorySegment decayParamsAddress;
    engram.api.SpreadParams writtenSpreadParams;
    /** Read by {@link #metrics()} only, so metrics may be read while a call runs. */
    private final MemorySegment metricsBlock;

    private ZigWorkspace(NativeKernelLibrary library, String kernelId, String name, WorkspaceOptions options,
            Arena blockArena, MemorySegment block, MemorySegment arena, Cleaner cleaner) {
        super(kernelId, name, options);
        this.library = library;
        this.arena = arena;
        this.release = new Release(library, arena, blockArena, name);
        this.cleanable = cleaner == null ? null : cleaner.register(this, release);
        this.reachedCount = block.asSlice(REACHED_COUNT, Integer.BYTES);
        this.spreadParams = block.asSlice(SPREAD_PARAMS, NativeKernelLibrary.SPREAD_PARAMS.byteSize());
        this.decayParams = block.asSlice(DECAY_PARAMS, NativeKernelLibrary.DECAY_PARAMS.byteSize());
        // What a call passes are the addresses of those slices, with no scope of their own: a
        // segment of the block's shared arena would cost every call an acquire and a release of
        // that arena (two atomic operations, about 9 ns). The native side reads and writes them
        // only during a call, and the block is freed only when no call holds the workspace
        // (free() runs from the IDLE or FREEING state, never BUSY), so they never outlive it.
        this.reachedCountAddress = MemorySegment.ofAddress(reachedCount.address());
        this.spreadParamsAddress = MemorySegment.ofAddress(spreadParams.address());
        this.decayParamsAddress = MemorySegment.ofAddress(decayParams.address());
        this.metricsBlock = block.asSlice(METRICS, NativeKernelLibrary.ARENA_METRICS.byteSize());
    }

    /**
     * Maps a new arena of {@code options.capacityBytes()} in the library.
     *
     * @param cleaner frees the arena should the workspace become unreachable unclosed; or null
     */
    static ZigWorkspace create(NativeKernelLibrary library, String kernelId, String name, WorkspaceOptions options,
            Cleaner cleaner) {
        Arena blockArena = Arena.ofShared();
        try {
            MemorySegment block = blockArena.allocate(BLOCK_BYTES, 8);
            int status = (int) library.arenaCreate.invokeExact(options.capacityBytes(),
                    options.overflow().ordinal(), block);
            if (status != 0) {
                throw new KernelFailureException("the Zig library could not map an arena of " + options.capacityBytes()
                        + " bytes for " + name + " (status " + status + "); free memory or ask for a smaller capacity");
            }
            MemorySegment arena = block.get(ADDRESS, 0);
            return new ZigWorkspace(library, kernelId, name, options, blockArena, block, arena, cleaner);
        } catch (RuntimeException | Error e) {
            blockArena.close();
            throw e;
        } catch (Throwable e) {
            blockArena.close();
            throw new KernelFailureException("mapping a Zig arena failed: " + e, e);
        }
    }

    @Override
    public synchronized ArenaMetrics metrics() {
        if (!isOpen()) {
            return new ArenaMetrics(kernelId(), name(), "native", 0, 0, 0, 0, 0, 0, 0);
        }
        readMetrics();
        return new ArenaMetrics(kernelId(), name(), "native", field(0), field(1), field(2), field(3), field(4),
                field(5), field(7));
    }

    /** The size of the last request that did not fit, for an overflow's message. */
    synchronized long lastOverflowBytes() {
        if (!isOpen()) {
            return 0;
        }
        readMetrics();
        return field(6);
    }

    private void readMetrics() {
        int status;
        try {
            status = (int) library.arenaMetrics.invokeExact(arena, metricsBlock);
        } catch (Throwable e) {
            throw new KernelFailureException("reading the metrics of " + this + " failed: " + e, e);
        }
        if (status != 0) {
            throw new KernelFailureException("the Zig library refused to read the metrics of " + this + " (status "
                    + status + ")");
        }
    }

    private long field(int index) {
        StructLayout layout = NativeKernelLibrary.ARENA_METRICS;
        return metricsBlock.get(JAVA_LONG, layout.byteOffset(MemoryLayout.PathElement.groupElement(index)));
    }

    @Override
    protected synchronized void free() {
        if (cleanable != null) {
            cleanable.clean();
        } else {
            release.run();
        }
    }

    /**
     * Destroys the library's arena and frees the parameter block, once. Holds no reference to
     * the workspace, so that a cleaner can run it after the workspace became unreachable.
     */
    private static final class Release implements Runnable {
        private final NativeKernelLibrary library;
        private final MemorySegment arena;
        private final Arena blockArena;
        private final String name;
        private final AtomicBoolean done = new AtomicBoolean();

        Release(NativeKernelLibrary library, MemorySegment arena, Arena blockArena, String name) {
            this.library = library;
            this.arena = arena;
            this.blockArena = blockArena;
            this.name = name;
        }

        @Override
        public void run() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            try {
                int status = (int) library.arenaDestroy.invokeExact(arena);
                if (status != 0) {
                    System.getLogger(ZigKernelComponent.PID).log(System.Logger.Level.WARNING, "the Zig library"
                            + " refused to free the arena of " + name + " (status " + status + "); it stays mapped");
                }
            } catch (Throwable e) {
                throw new KernelFailureException("freeing the arena of " + name + " failed: " + e, e);
            } finally {
                blockArena.close();
            }
        }
    }

    private static long align8(long offset) {
        return (offset + 7) & ~7L;
    }
}
