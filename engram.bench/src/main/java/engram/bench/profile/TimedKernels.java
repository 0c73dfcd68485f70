package engram.bench.profile;

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

/**
 * A kernel that times each call of another, by entry point, on one thread: what share of a
 * recall the kernels take, and what is left to the engine.
 */
final class TimedKernels implements KernelService {
    static final int SIMILARITY = 0;
    static final int SPREADING = 1;
    static final int DECAY = 2;
    static final String[] NAMES = {"similarity", "spreading", "decay"};

    private final KernelService kernel;
    final long[] nanos = new long[NAMES.length];
    final long[] calls = new long[NAMES.length];

    TimedKernels(KernelService kernel) {
        this.kernel = kernel;
    }

    void reset() {
        java.util.Arrays.fill(nanos, 0);
        java.util.Arrays.fill(calls, 0);
    }

    long total() {
        long sum = 0;
        for (long n : nanos) {
            sum += n;
        }
        return sum;
    }

    private void add(int kind, long start) {
        nanos[kind] += System.nanoTime() - start;
        calls[kind]++;
    }

    @Override
    public KernelInfo info() {
        return kernel.info();
    }

    @Override
    public KernelWorkspace newWorkspace() {
        return kernel.newWorkspace();
    }

    @Override
    public KernelWorkspace newWorkspace(WorkspaceOptions options) {
        return kernel.newWorkspace(options);
    }

    @Override
    public List<ArenaMetrics> arenaMetrics() {
        return kernel.arenaMetrics();
    }

    @Override
    public void cosine(KernelWorkspace workspace, MemorySegment query, int dimensions, MemorySegment matrix,
            int firstRow, int rowCount, MemorySegment norms, MemorySegment out) {
        long start = System.nanoTime();
        kernel.cosine(workspace, query, dimensions, matrix, firstRow, rowCount, norms, out);
        add(SIMILARITY, start);
    }

    @Override
    public void cosineTopK(KernelWorkspace workspace, MemorySegment queries, int queryCount, int dimensions,
            MemorySegment matrix, int firstRow, int rowCount, MemorySegment norms, int k, MemorySegment outIndex,
            MemorySegment outScore) {
        long start = System.nanoTime();
        kernel.cosineTopK(workspace, queries, queryCount, dimensions, matrix, firstRow, rowCount, norms, k, outIndex,
                outScore);
        add(SIMILARITY, start);
    }

    @Override
    public int spread(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outActivation,
            MemorySegment outFirstHop) {
        long start = System.nanoTime();
        int reached = kernel.spread(workspace, graph, seedNodes, seedActivations, seedCount, params, outActivation,
                outFirstHop);
        add(SPREADING, start);
        return reached;
    }

    @Override
    public int spreadSparse(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outNodes,
            MemorySegment outActivation, MemorySegment outFirstHop, int capacity) {
        long start = System.nanoTime();
        int reached = kernel.spreadSparse(workspace, graph, seedNodes, seedActivations, seedCount, params, outNodes,
                outActivation, outFirstHop, capacity);
        add(SPREADING, start);
        return reached;
    }

    @Override
    public void decay(KernelWorkspace workspace, MemorySegment strength, MemorySegment ageSeconds,
            MemorySegment accessCount, int count, DecayParams params, MemorySegment out) {
        long start = System.nanoTime();
        kernel.decay(workspace, strength, ageSeconds, accessCount, count, params, out);
        add(DECAY, start);
    }

    @Override
    public void decayGather(KernelWorkspace workspace, MemorySegment indices, int count, int memoryCount,
            MemorySegment strength, MemorySegment lastAccessSeconds, MemorySegment accessCount, double nowSeconds,
            DecayParams params, MemorySegment out) {
        long start = System.nanoTime();
        kernel.decayGather(workspace, indices, count, memoryCount, strength, lastAccessSeconds, accessCount,
                nowSeconds, params, out);
        add(DECAY, start);
    }
}
