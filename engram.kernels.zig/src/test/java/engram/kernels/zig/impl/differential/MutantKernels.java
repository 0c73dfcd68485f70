package engram.kernels.zig.impl.differential;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelArguments;
import engram.api.KernelInfo;
import engram.api.KernelService;
import engram.api.SpreadParams;

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
        return new KernelInfo("mutant " + mutation.description + " of " + info.name(), info.version(),
                info.instructionSet());
    }

    @Override
    public void cosine(MemorySegment query, int dimensions, MemorySegment matrix, int rows, MemorySegment norms,
            MemorySegment out) {
        base.cosine(query, dimensions, matrix, rows, norms, out);
        if (mutation == Mutation.COSINE_OFF_BY_2E6) {
            offset(out, rows);
        }
    }

    @Override
    public void cosineTopK(MemorySegment query, int dimensions, MemorySegment matrix, int rows, MemorySegment norms,
            int k, MemorySegment outIndex, MemorySegment outScore) {
        base.cosineTopK(query, dimensions, matrix, rows, norms, k, outIndex, outScore);
        if (mutation == Mutation.COSINE_OFF_BY_2E6) {
            offset(outScore, k);
        } else if (mutation == Mutation.TOPK_TIES_REVERSED) {
            reverseTies(outIndex, outScore, k);
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
    public int spread(CsrGraph graph, MemorySegment seedNodes, MemorySegment seedActivations, int seedCount,
            SpreadParams params, MemorySegment outActivation, MemorySegment outFirstHop) {
        if (mutation != Mutation.SPREAD_WITHOUT_REFRACTORY) {
            return base.spread(graph, seedNodes, seedActivations, seedCount, params, outActivation, outFirstHop);
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
    public void decay(MemorySegment strength, MemorySegment ageSeconds, MemorySegment accessCount, int count,
            DecayParams params, MemorySegment out) {
        DecayParams used = params;
        if (mutation == Mutation.DECAY_HALF_LIFE_PLUS_ONE_SECOND && params != null
                && params.curve() instanceof DecayCurve.Exponential e) {
            used = new DecayParams(new DecayCurve.Exponential(e.halfLifeSeconds() + 1), params.floor());
        }
        base.decay(strength, ageSeconds, accessCount, count, used, out);
    }

    @Override
    public String toString() {
        return info().name();
    }
}
