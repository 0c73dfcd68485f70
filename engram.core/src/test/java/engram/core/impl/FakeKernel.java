package engram.core.impl;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

import engram.api.ArenaMetrics;
import engram.api.CsrGraph;
import engram.api.DecayParams;
import engram.api.KernelInfo;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.SpreadParams;
import engram.api.WorkspaceOptions;
import engram.api.spi.AbstractWorkspace;
import engram.api.spi.Workspaces;

/**
 * A kernel for router tests. Each call takes its workspace the way real kernels do
 * ({@link Workspaces}: a foreign one is refused, a freed one refuses the call), runs
 * {@link #before} (which may throw), writes its {@link #marker} to the first entry of each
 * output (or, with {@link #computer} set, has that kernel compute the real result), then runs
 * {@link #after} (which may throw having written). It counts the calls it entered and the
 * calls it completed, and every workspace it made.
 */
final class FakeKernel implements KernelService {
    private final KernelInfo info;
    private final float marker;
    private final Workspaces<FakeWorkspace> workspaces;
    /** Every workspace this kernel made, in order, the pool's included. */
    final List<FakeWorkspace> made = new CopyOnWriteArrayList<>();
    /** The calls to {@link #newWorkspace()}. */
    final AtomicInteger defaultWorkspaces = new AtomicInteger();
    /** The options of each call to {@link #newWorkspace(WorkspaceOptions)}. */
    final List<WorkspaceOptions> optionWorkspaces = new CopyOnWriteArrayList<>();
    /** Calls that reached this kernel. */
    final LongAdder calls = new LongAdder();
    /** Calls this kernel completed: what the router must count as served. */
    final LongAdder served = new LongAdder();
    volatile Runnable before = () -> { };
    volatile Runnable after = () -> { };
    volatile KernelService computer;

    FakeKernel(String id, float marker) {
        this.info = new KernelInfo(id, id, "1.0.0", "fake (" + id + ")", 0);
        this.marker = marker;
        this.workspaces = new Workspaces<>(id, FakeWorkspace.class, WorkspaceOptions.DEFAULT, (name, options) -> {
            FakeWorkspace workspace = new FakeWorkspace(id, name, options);
            made.add(workspace);
            return workspace;
        });
    }

    /** A kernel that throws {@code failure} before it writes anything. */
    static FakeKernel failing(String id, float marker, RuntimeException failure) {
        FakeKernel kernel = new FakeKernel(id, marker);
        kernel.before = () -> {
            throw failure;
        };
        return kernel;
    }

    float marker() {
        return marker;
    }

    /** What a stopping kernel does: frees every workspace and makes no more; its calls then refuse. */
    void stop() {
        workspaces.closeAll();
    }

    /** Closes, as their owner, every workspace this kernel made that is still open. */
    void closeWorkspacesMade() {
        for (FakeWorkspace workspace : made) {
            workspace.close();
        }
    }

    @Override
    public KernelInfo info() {
        return info;
    }

    @Override
    public KernelWorkspace newWorkspace() {
        defaultWorkspaces.incrementAndGet();
        return workspaces.create(workspaces.defaults());
    }

    @Override
    public KernelWorkspace newWorkspace(WorkspaceOptions options) {
        optionWorkspaces.add(options);
        return workspaces.create(options);
    }

    @Override
    public List<ArenaMetrics> arenaMetrics() {
        return workspaces.metrics();
    }

    private int call(KernelWorkspace workspace, IntSupplier write) {
        calls.increment();
        FakeWorkspace w = workspaces.ownOrBorrow(workspace);
        try {
            w.enter();
            try {
                before.run();
                int result = write.getAsInt();
                after.run();
                w.calls++;
                served.increment();
                return result;
            } finally {
                w.exit();
            }
        } finally {
            workspaces.giveBackIfBorrowed(workspace, w);
        }
    }

    @Override
    public void cosine(KernelWorkspace workspace, MemorySegment query, int dimensions, MemorySegment matrix,
            int firstRow, int rowCount, MemorySegment norms, MemorySegment out) {
        call(workspace, () -> {
            KernelService real = computer;
            if (real != null) {
                real.cosine(null, query, dimensions, matrix, firstRow, rowCount, norms, out);
            } else {
                out.setAtIndex(JAVA_FLOAT, 0, marker);
            }
            return 0;
        });
    }

    @Override
    public void cosineTopK(KernelWorkspace workspace, MemorySegment queries, int queryCount, int dimensions,
            MemorySegment matrix, int firstRow, int rowCount, MemorySegment norms, int k, MemorySegment outIndex,
            MemorySegment outScore) {
        call(workspace, () -> {
            KernelService real = computer;
            if (real != null) {
                real.cosineTopK(null, queries, queryCount, dimensions, matrix, firstRow, rowCount, norms, k, outIndex,
                        outScore);
            } else {
                outIndex.setAtIndex(JAVA_INT, 0, (int) marker);
                outScore.setAtIndex(JAVA_FLOAT, 0, marker);
            }
            return 0;
        });
    }

    @Override
    public int spread(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outActivation,
            MemorySegment outFirstHop) {
        return call(workspace, () -> {
            KernelService real = computer;
            if (real != null) {
                return real.spread(null, graph, seedNodes, seedActivations, seedCount, params, outActivation,
                        outFirstHop);
            }
            outActivation.setAtIndex(JAVA_FLOAT, 0, marker);
            return (int) marker;
        });
    }

    @Override
    public int spreadSparse(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outNodes,
            MemorySegment outActivation, MemorySegment outFirstHop, int capacity) {
        return call(workspace, () -> {
            KernelService real = computer;
            if (real != null) {
                return real.spreadSparse(null, graph, seedNodes, seedActivations, seedCount, params, outNodes,
                        outActivation, outFirstHop, capacity);
            }
            outActivation.setAtIndex(JAVA_FLOAT, 0, marker);
            return (int) marker;
        });
    }

    @Override
    public void decay(KernelWorkspace workspace, MemorySegment strength, MemorySegment ageSeconds,
            MemorySegment accessCount, int count, DecayParams params, MemorySegment out) {
        call(workspace, () -> {
            KernelService real = computer;
            if (real != null) {
                real.decay(null, strength, ageSeconds, accessCount, count, params, out);
            } else {
                out.setAtIndex(JAVA_FLOAT, 0, marker);
            }
            return 0;
        });
    }

    @Override
    public void decayGather(KernelWorkspace workspace, MemorySegment indices, int count, int memoryCount,
            MemorySegment strength, MemorySegment lastAccessSeconds, MemorySegment accessCount, double nowSeconds,
            DecayParams params, MemorySegment out) {
        call(workspace, () -> {
            KernelService real = computer;
            if (real != null) {
                real.decayGather(null, indices, count, memoryCount, strength, lastAccessSeconds, accessCount,
                        nowSeconds, params, out);
            } else {
                out.setAtIndex(JAVA_FLOAT, 0, marker);
            }
            return 0;
        });
    }

    @Override
    public String toString() {
        return "FakeKernel[" + info.id() + "]";
    }

    /** A workspace of a fake kernel: its capacity is its options', its resets the calls it served. */
    static final class FakeWorkspace extends AbstractWorkspace {
        // Written only by the call that holds the workspace.
        long calls;

        FakeWorkspace(String kernelId, String name, WorkspaceOptions options) {
            super(kernelId, name, options);
        }

        @Override
        public ArenaMetrics metrics() {
            return new ArenaMetrics(kernelId(), name(), "heap", options().capacityBytes(), 0, 0, 0, 0, calls, 0);
        }

        @Override
        protected void free() {
            // Nothing to free: a fake holds no memory.
        }
    }
}
