package engram.kernels.zig.impl.differential;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

import engram.api.ArenaMetrics;
import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelArguments;
import engram.api.KernelInfo;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.SpreadParams;
import engram.api.WorkspaceOptions;

/**
 * Deliberately wrong kernels, each a sound kernel with one plausible bug, to show that the
 * harness catches each kind of error. Every kernel but the mutated one is the base's.
 */
public final class MutantKernels implements KernelService {
    /** The bug a mutant carries. */
    public enum Mutation {
        /** Every cosine score (and top-k score) 2e-6 too high: twice the tolerance. */
        COSINE_OFF_BY_2E6("cosine", "every score 2e-6 too high"),
        /** Top-k breaks ties by index descending instead of ascending. */
        TOPK_TIES_REVERSED("topk", "ties broken by index descending"),
        /** Spreading lets a node fire again at every hop: the refractory rule is skipped. */
        SPREAD_WITHOUT_REFRACTORY("spread", "the refractory rule skipped"),
        /** The exponential curve runs with a half-life one second longer than asked. */
        DECAY_HALF_LIFE_PLUS_ONE_SECOND("decay", "half-life + 1 s");

        public final String kernel;
        public final String description;

        Mutation(String kernel, String description) {
            this.kernel = kernel;
            this.description = description;
        }
    }

    private static final float COSINE_OFFSET = 2e-6f;

    private final KernelService base;
    private final Mutation mutation;

    public MutantKernels(KernelService base, Mutation mutation) {
        this.base = base;
        this.mutation = mutation;
    }

    @Override
    public KernelInfo info() {
        KernelInfo info = base.info();
        return new KernelInfo("mutant/" + mutation.name() + "/" + info.id(),
                "mutant " + mutation.description + " of " + info.name(), info.version(), info.instructionSet(),
                info.ranking());
    }

    @Override
    public KernelWorkspace newWorkspace() {
        return base.newWorkspace();
    }

    @Override
    public KernelWorkspace newWorkspace(WorkspaceOptions options) {
        return base.newWorkspace(options);
    }

    @Override
    public List<ArenaMetrics> arenaMetrics() {
        return base.arenaMetrics();
    }

    @Override
    public void cosine(KernelWorkspace workspace, MemorySegment query, int dimensions, MemorySegment matrix,
            int firstRow, int rowCount, MemorySegment norms, MemorySegment out) {
        base.cosine(workspace, query, dimensions, matrix, firstRow, rowCount, norms, out);
        if (mutation == Mutation.COSINE_OFF_BY_2E6) {
            offset(out, rowCount);
        }
    }

    @Override
    public void cosineTopK(KernelWorkspace workspace, MemorySegment queries, int queryCount, int dimensions,
            MemorySegment matrix, int firstRow, int rowCount, MemorySegment norms, int k, MemorySegment outIndex,
            MemorySegment outScore) {
        base.cosineTopK(workspace, queries, queryCount, dimensions, matrix, firstRow, rowCount, norms, k, outIndex,
                outScore);
        if (mutation == Mutation.COSINE_OFF_BY_2E6) {
            offset(outScore, queryCount * k);
        } else if (mutation == Mutation.TOPK_TIES_REVERSED) {
            for (int q = 0; q < queryCount; q++) {
                reverseTies(outIndex.asSlice((long) q * k * Integer.BYTES), outScore.asSlice((long) q * k * Float.BYTES),
                        k);
            }
        }
    }

    private static void offset(MemorySegment scores, int count) {
        for (int i = 0; i < count; i++) {
            scores.setAtIndex(JAVA_FLOAT, i, scores.getAtIndex(JAVA_FLOAT, i) + COSINE_OFFSET);
        }
    }

    /** Reverses the indices within each run of equal scores: the order a wrong comparator gives. */
    private static void reverseTies(MemorySegment index, MemorySegment score, int k) {
        int start = 0;
        for (int i = 1; i <= k; i++) {
            if (i == k || score.getAtIndex(JAVA_FLOAT, i) != score.getAtIndex(JAVA_FLOAT, start)) {
                for (int a = start, b = i - 1; a < b; a++, b--) {
                    int t = index.getAtIndex(JAVA_INT, a);
                    index.setAtIndex(JAVA_INT, a, index.getAtIndex(JAVA_INT, b));
                    index.setAtIndex(JAVA_INT, b, t);
                }
                start = i;
            }
        }
    }

    @Override
    public int spread(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outActivation,
            MemorySegment outFirstHop) {
        if (mutation != Mutation.SPREAD_WITHOUT_REFRACTORY) {
            return base.spread(workspace, graph, seedNodes, seedActivations, seedCount, params, outActivation,
                    outFirstHop);
        }
        KernelArguments.checkSpread(graph, seedNodes, seedActivations, seedCount, params, outActivation, outFirstHop);
        int n = graph.nodeCount();
        int[] offsets = graph.offsets().toArray(JAVA_INT);
        int[] targets = graph.targets().toArray(JAVA_INT);
        float[] weights = graph.weights().toArray(JAVA_FLOAT);
        float[] activation = new float[n];
        float[] energy = new float[n];
        int[] firstHop = new int[n];
        Arrays.fill(firstHop, -1);
        boolean[] frontier = new boolean[n];
        for (int i = 0; i < seedCount; i++) {
            activation[seedNodes.getAtIndex(JAVA_INT, i)] += seedActivations.getAtIndex(JAVA_FLOAT, i);
        }
        for (int i = 0; i < seedCount; i++) {
            int seed = seedNodes.getAtIndex(JAVA_INT, i);
            activation[seed] = Math.min(1f, activation[seed]);
            energy[seed] = activation[seed];
            frontier[seed] = true;
            firstHop[seed] = 0;
        }
        for (int hop = 1; hop <= params.maxDepth(); hop++) {
            float[] delta = new float[n];
            for (int u = 0; u < n; u++) {
                for (int j = offsets[u]; frontier[u] && j < offsets[u + 1]; j++) {
                    delta[targets[j]] += energy[u] * weights[j] * params.hopFactor(hop);
                }
            }
            boolean[] next = new boolean[n];
            for (int v = 0; v < n; v++) {
                if (delta[v] > 0f) {
                    float applied = Math.min(1f, activation[v] + delta[v]) - activation[v];
                    activation[v] += applied;
                    firstHop[v] = firstHop[v] < 0 ? hop : firstHop[v];
                    // The bug: no test of when v last fired.
                    next[v] = applied >= params.threshold();
                    energy[v] = next[v] ? applied : energy[v];
                }
            }
            frontier = next;
        }
        int activated = 0;
        for (int v = 0; v < n; v++) {
            outActivation.setAtIndex(JAVA_FLOAT, v, activation[v]);
            outFirstHop.setAtIndex(JAVA_INT, v, firstHop[v]);
            activated += activation[v] > 0f ? 1 : 0;
        }
        return activated;
    }

    @Override
    public int spreadSparse(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outNodes,
            MemorySegment outActivation, MemorySegment outFirstHop, int capacity) {
        return base.spreadSparse(workspace, graph, seedNodes, seedActivations, seedCount, params, outNodes,
                outActivation, outFirstHop, capacity);
    }

    @Override
    public void decay(KernelWorkspace workspace, MemorySegment strength, MemorySegment ageSeconds,
            MemorySegment accessCount, int count, DecayParams params, MemorySegment out) {
        base.decay(workspace, strength, ageSeconds, accessCount, count, mutated(params), out);
    }

    @Override
    public void decayGather(KernelWorkspace workspace, MemorySegment indices, int count, int memoryCount,
            MemorySegment strength, MemorySegment lastAccessSeconds, MemorySegment accessCount, double nowSeconds,
            DecayParams params, MemorySegment out) {
        base.decayGather(workspace, indices, count, memoryCount, strength, lastAccessSeconds, accessCount, nowSeconds,
                mutated(params), out);
    }

    private DecayParams mutated(DecayParams params) {
        if (mutation == Mutation.DECAY_HALF_LIFE_PLUS_ONE_SECOND && params != null
                && params.curve() instanceof DecayCurve.Exponential e) {
            return new DecayParams(new DecayCurve.Exponential(e.halfLifeSeconds() + 1), params.floor());
        }
        return params;
    }

    @Override
    public String toString() {
        return info().name();
    }
}
