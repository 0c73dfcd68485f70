package engram.core.impl;

import java.lang.foreign.MemorySegment;
import java.util.List;

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
 * A kernel that computes nothing and allocates nothing: each call only takes its workspace
 * and gives it back, as real kernels do. What a call through the router allocates with it
 * behind is the router's own allocation.
 */
final class SilentKernel implements KernelService {
    private static final KernelInfo INFO = new KernelInfo("silent", "silent", "1.0.0", "none", 0);

    private final Workspaces<SilentWorkspace> workspaces = new Workspaces<>(INFO.id(), SilentWorkspace.class,
            WorkspaceOptions.DEFAULT, SilentWorkspace::new);

    @Override
    public KernelInfo info() {
        return INFO;
    }

    @Override
    public KernelWorkspace newWorkspace() {
        return workspaces.create(workspaces.defaults());
    }

    @Override
    public KernelWorkspace newWorkspace(WorkspaceOptions options) {
        return workspaces.create(options);
    }

    @Override
    public List<ArenaMetrics> arenaMetrics() {
        return workspaces.metrics();
    }

    private void pass(KernelWorkspace workspace) {
        SilentWorkspace w = workspaces.ownOrBorrow(workspace);
        try {
            w.enter();
            w.exit();
        } finally {
            workspaces.giveBackIfBorrowed(workspace, w);
        }
    }

    @Override
    public void cosine(KernelWorkspace workspace, MemorySegment query, int dimensions, MemorySegment matrix,
            int firstRow, int rowCount, MemorySegment norms, MemorySegment out) {
        pass(workspace);
    }

    @Override
    public void cosineTopK(KernelWorkspace workspace, MemorySegment queries, int queryCount, int dimensions,
            MemorySegment matrix, int firstRow, int rowCount, MemorySegment norms, int k, MemorySegment outIndex,
            MemorySegment outScore) {
        pass(workspace);
    }

    @Override
    public int spread(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outActivation,
            MemorySegment outFirstHop) {
        pass(workspace);
        return 0;
    }

    @Override
    public int spreadSparse(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outNodes,
            MemorySegment outActivation, MemorySegment outFirstHop, int capacity) {
        pass(workspace);
        return 0;
    }

    @Override
    public void decay(KernelWorkspace workspace, MemorySegment strength, MemorySegment ageSeconds,
            MemorySegment accessCount, int count, DecayParams params, MemorySegment out) {
        pass(workspace);
    }

    @Override
    public void decayGather(KernelWorkspace workspace, MemorySegment indices, int count, int memoryCount,
            MemorySegment strength, MemorySegment lastAccessSeconds, MemorySegment accessCount, double nowSeconds,
            DecayParams params, MemorySegment out) {
        pass(workspace);
    }

    static final class SilentWorkspace extends AbstractWorkspace {
        SilentWorkspace(String name, WorkspaceOptions options) {
            super(INFO.id(), name, options);
        }

        @Override
        public ArenaMetrics metrics() {
            return new ArenaMetrics(kernelId(), name(), "heap", 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        protected void free() {
            // Holds nothing.
        }
    }
}
