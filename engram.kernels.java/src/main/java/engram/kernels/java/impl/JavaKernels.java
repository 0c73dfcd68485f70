package engram.kernels.java.impl;

import java.lang.foreign.MemorySegment;
import java.util.List;

import engram.api.ArenaMetrics;
import engram.api.CsrGraph;
import engram.api.KernelArguments;
import engram.api.KernelInfo;
import engram.api.KernelWorkspace;
import engram.api.SpreadParams;
import engram.api.WorkspaceOptions;
import engram.api.spi.Workspaces;

/**
 * What the two Java kernels share: their heap workspaces ({@link JavaWorkspace}) and how a
 * call takes and gives back one, and spreading, which both run on the reference's traversal
 * ({@link Spreading}) so that their results are the same bits. A kernel fills the dense
 * form's outputs its own way ({@link #clearDense}).
 */
abstract class JavaKernels implements ClosableKernelService {
    private final KernelInfo info;
    private final Workspaces<JavaWorkspace> workspaces;

    JavaKernels(KernelInfo info) {
        this.info = info;
        String id = info.id();
        this.workspaces = new Workspaces<>(id, JavaWorkspace.class, WorkspaceOptions.DEFAULT,
                (name, options) -> new JavaWorkspace(id, name, options));
    }

    @Override
    public final KernelInfo info() {
        return info;
    }

    @Override
    public final KernelWorkspace newWorkspace() {
        return workspaces.create(workspaces.defaults());
    }

    @Override
    public final KernelWorkspace newWorkspace(WorkspaceOptions options) {
        return workspaces.create(options);
    }

    @Override
    public final List<ArenaMetrics> arenaMetrics() {
        return workspaces.metrics();
    }

    /** Frees every workspace; later calls on them are refused with {@code KernelUnavailableException}. */
    @Override
    public final void close() {
        workspaces.closeAll();
    }

    /** Takes the call's workspace (the caller's, or one borrowed from the pool). */
    final JavaWorkspace enter(KernelWorkspace workspace) {
        return workspaces.take(workspace);
    }

    final void exit(KernelWorkspace workspace, JavaWorkspace w) {
        w.callEnded();
        workspaces.release(workspace, w);
    }

    @Override
    public final int spread(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outActivation,
            MemorySegment outFirstHop) {
        KernelArguments.checkSpread(graph, seedNodes, seedActivations, seedCount, params, outActivation,
                outFirstHop);
        JavaWorkspace w = enterSpread(workspace, graph);
        try {
            int reached = w.spreading.traverse(graph, seedNodes, seedActivations, seedCount, params);
            clearDense(outActivation, outFirstHop, graph.nodeCount());
            w.spreading.writeReached(outActivation, outFirstHop);
            return reached;
        } finally {
            exitSpread(workspace, w, graph);
        }
    }

    /** Activation 0 and first hop -1 for the first {@code nodes} nodes, allocating nothing. */
    abstract void clearDense(MemorySegment outActivation, MemorySegment outFirstHop, int nodes);

    @Override
    public final int spreadSparse(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outNodes,
            MemorySegment outActivation, MemorySegment outFirstHop, int capacity) {
        KernelArguments.checkSpreadSparse(graph, seedNodes, seedActivations, seedCount, params, outNodes,
                outActivation, outFirstHop, capacity);
        JavaWorkspace w = enterSpread(workspace, graph);
        try {
            int reached = w.spreading.traverse(graph, seedNodes, seedActivations, seedCount, params);
            w.spreading.writeSparse(outNodes, outActivation, outFirstHop, Math.min(reached, capacity));
            return reached;
        } finally {
            exitSpread(workspace, w, graph);
        }
    }

    /** Takes the call's workspace and holds the graph for the call. */
    private JavaWorkspace enterSpread(KernelWorkspace workspace, CsrGraph graph) {
        JavaWorkspace w = enter(workspace);
        if (!graph.acquire()) {
            exit(workspace, w);
            throw new IllegalArgumentException("graph " + graph + " was closed; spread over an open graph");
        }
        return w;
    }

    private void exitSpread(KernelWorkspace workspace, JavaWorkspace w, CsrGraph graph) {
        try {
            w.spreading.clean();
        } finally {
            try {
                graph.release();
            } finally {
                exit(workspace, w);
            }
        }
    }
}
