package engram.kernels.zig.impl.differential;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
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
        DECAY_HALF_LIFE_PLUS_ONE_SECOND("decay", "half-life + 1 s"),
        /** A top-k over a row range returns row numbers counted from {@code firstRow}, not absolute ones. */
        TOPK_RANGE_RELATIVE_INDICES("topk_range", "row numbers relative to firstRow"),
        /** A batch scores every query after the first 2e-6 too high: each is no longer its lone result. */
        TOPK_BATCH_LATER_QUERIES_OFF("topk_batch", "queries after the first scored 2e-6 too high"),
        /** The sparse form lists the activated nodes in node order, not activation order. */
        SPREAD_SPARSE_NODE_ORDER("spread_sparse", "activated nodes in node order"),
        /** A gather takes the age as {@code lastAccess - now}: the sign flipped. */
        DECAY_GATHER_AGE_SIGN_FLIPPED("decay_gather", "age lastAccess - now");

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
        } else if (mutation == Mutation.TOPK_BATCH_LATER_QUERIES_OFF && queryCount > 1) {
            offset(outScore.asSlice((long) k * Float.BYTES), (queryCount - 1) * k);
        } else if (mutation == Mutation.TOPK_RANGE_RELATIVE_INDICES) {
            for (long i = 0; i < (long) queryCount * k; i++) {
                outIndex.setAtIndex(JAVA_INT, i, outIndex.getAtIndex(JAVA_INT, i) - firstRow);
            }
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
        if (mutation != Mutation.SPREAD_SPARSE_NODE_ORDER) {
            return base.spreadSparse(workspace, graph, seedNodes, seedActivations, seedCount, params, outNodes,
                    outActivation, outFirstHop, capacity);
        }
        KernelArguments.checkSpreadSparse(graph, seedNodes, seedActivations, seedCount, params, outNodes,
                outActivation, outFirstHop, capacity);
        int n = graph.nodeCount();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment activation = arena.allocate(JAVA_FLOAT, Math.max(n, 1));
            MemorySegment firstHop = arena.allocate(JAVA_INT, Math.max(n, 1));
            int activated = base.spread(workspace, graph, seedNodes, seedActivations, seedCount, params, activation,
                    firstHop);
            // The bug: the activated nodes as a scan of the node table finds them, in node order.
            int written = 0;
            for (int v = 0; v < n && written < capacity; v++) {
                if (firstHop.getAtIndex(JAVA_INT, v) >= 0) {
                    outNodes.setAtIndex(JAVA_INT, written, v);
                    outActivation.setAtIndex(JAVA_FLOAT, written, activation.getAtIndex(JAVA_FLOAT, v));
                    outFirstHop.setAtIndex(JAVA_INT, written++, firstHop.getAtIndex(JAVA_INT, v));
                }
            }
            return activated;
        }
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
        if (mutation != Mutation.DECAY_GATHER_AGE_SIGN_FLIPPED) {
            base.decayGather(workspace, indices, count, memoryCount, strength, lastAccessSeconds, accessCount,
                    nowSeconds, mutated(params), out);
            return;
        }
        KernelArguments.checkDecayGather(indices, count, memoryCount, strength, lastAccessSeconds, accessCount,
                nowSeconds, params, out);
        for (int i = 0; i < count; i++) {
            int m = indices.getAtIndex(JAVA_INT, i);
            int accesses = accessCount == null ? 0 : accessCount.getAtIndex(JAVA_INT, m);
            // The bug: the subtraction the wrong way round.
            double age = lastAccessSeconds.getAtIndex(JAVA_DOUBLE, m) - nowSeconds;
            out.setAtIndex(JAVA_FLOAT, i, params.decayed(strength.getAtIndex(JAVA_FLOAT, m), age, accesses));
        }
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
