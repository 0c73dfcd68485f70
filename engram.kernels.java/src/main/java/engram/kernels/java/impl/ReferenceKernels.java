package engram.kernels.java.impl;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

import aQute.bnd.annotation.Resolution;
import aQute.bnd.annotation.spi.ServiceProvider;
import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelArguments;
import engram.api.KernelInfo;
import engram.api.KernelService;
import engram.api.SpreadParams;

/**
 * The scalar reference kernels: the oracle every other kernel is checked against, and the
 * fallback that serves when no faster kernel is there. They follow {@code kernel-contract.md}
 * literally, accumulating similarity and decay in double precision and spreading in float32
 * in the contract's exact order.
 *
 * <p>Inside OSGi, Declarative Services registers it with {@link #RANKING}, below any native
 * kernel; outside, it is the module's {@link java.util.ServiceLoader} provider.
 */
@Component(service = KernelService.class)
@ServiceRanking(ReferenceKernels.RANKING)
@ServiceProvider(value = KernelService.class, resolution = Resolution.OPTIONAL)
public final class ReferenceKernels implements KernelService {
    /** The service ranking of the reference kernels; faster kernels register above it. */
    public static final int RANKING = 0;
    private static final KernelInfo INFO = new KernelInfo("java", "0.1.0", "scalar (Java)");
    private static final int NEVER_FIRED = Integer.MIN_VALUE;

    /** Per-thread scratch, grown on demand, so a call allocates nothing once warm. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    @Override
    public KernelInfo info() {
        return INFO;
    }

    @Override
    public void cosine(MemorySegment query, int dimensions, MemorySegment matrix, int rows, MemorySegment norms,
            MemorySegment out) {
        KernelArguments.checkCosine(query, dimensions, matrix, rows, norms, out);
        double queryNorm = queryNorm(query, dimensions);
        for (int row = 0; row < rows; row++) {
            out.setAtIndex(JAVA_FLOAT, row, score(query, dimensions, matrix, row, norms, queryNorm));
        }
    }

    @Override
    public void cosineTopK(MemorySegment query, int dimensions, MemorySegment matrix, int rows, MemorySegment norms,
            int k, MemorySegment outIndex, MemorySegment outScore) {
        KernelArguments.checkCosineTopK(query, dimensions, matrix, rows, norms, k, outIndex, outScore);
        double queryNorm = queryNorm(query, dimensions);
        Scratch scratch = SCRATCH.get();
        int[] heapIndex = scratch.ints(0, k);
        float[] heapScore = scratch.floats(0, k);
        int size = 0;
        for (int row = 0; row < rows; row++) {
            float score = score(query, dimensions, matrix, row, norms, queryNorm);
            if (size < k) {
                heapIndex[size] = row;
                heapScore[size] = score;
                siftUp(heapIndex, heapScore, size++);
            } else if (TopKOrder.before(score, row, heapScore[0], heapIndex[0])) {
                heapIndex[0] = row;
                heapScore[0] = score;
                siftDown(heapIndex, heapScore, size);
            }
        }
        // Pop the worst to the back: the heap array ends sorted best first.
        for (int end = size - 1; end > 0; end--) {
            swap(heapIndex, heapScore, 0, end);
            siftDown(heapIndex, heapScore, end);
        }
        for (int i = 0; i < k; i++) {
            outIndex.setAtIndex(JAVA_INT, i, heapIndex[i]);
            outScore.setAtIndex(JAVA_FLOAT, i, heapScore[i]);
        }
    }

    private static double queryNorm(MemorySegment query, int dimensions) {
        double sum = 0;
        for (int j = 0; j < dimensions; j++) {
            double q = query.getAtIndex(JAVA_FLOAT, j);
            sum += q * q;
        }
        return Math.sqrt(sum);
    }

    private static float score(MemorySegment query, int dimensions, MemorySegment matrix, int row,
            MemorySegment norms, double queryNorm) {
        long base = (long) row * dimensions;
        double dot = 0;
        double sumSquares = 0;
        for (int j = 0; j < dimensions; j++) {
            double v = matrix.getAtIndex(JAVA_FLOAT, base + j);
            dot += query.getAtIndex(JAVA_FLOAT, j) * v;
            sumSquares += v * v;
        }
        double rowNorm = norms == null ? Math.sqrt(sumSquares) : norms.getAtIndex(JAVA_FLOAT, row);
        return cosineOf(dot, queryNorm, rowNorm);
    }

    /**
     * The contract's score: NaN when any input was not finite (an infinity would otherwise
     * clamp to a plausible +-1 or 0), 0 when a norm is 0, else the cosine clamped to [-1, 1].
     */
    static float cosineOf(double dot, double queryNorm, double rowNorm) {
        if (!Double.isFinite(dot) || !Double.isFinite(queryNorm) || !Double.isFinite(rowNorm)) {
            return Float.NaN;
        }
        if (queryNorm == 0 || rowNorm == 0) {
            return 0f;
        }
        double s = dot / (queryNorm * rowNorm);
        if (s > 1) {
            s = 1;
        } else if (s < -1) {
            s = -1;
        }
        return (float) s;
    }

    // A binary heap whose root is the worst of the kept rows.
    private static void siftUp(int[] index, float[] score, int child) {
        while (child > 0) {
            int parent = (child - 1) >>> 1;
            if (!TopKOrder.before(score[parent], index[parent], score[child], index[child])) {
                return;
            }
            swap(index, score, parent, child);
            child = parent;
        }
    }

    private static void siftDown(int[] index, float[] score, int size) {
        int parent = 0;
        while (true) {
            int worst = parent;
            int left = 2 * parent + 1;
            int right = left + 1;
            if (left < size && TopKOrder.before(score[worst], index[worst], score[left], index[left])) {
                worst = left;
            }
            if (right < size && TopKOrder.before(score[worst], index[worst], score[right], index[right])) {
                worst = right;
            }
            if (worst == parent) {
                return;
            }
            swap(index, score, parent, worst);
            parent = worst;
        }
    }

    private static void swap(int[] index, float[] score, int a, int b) {
        int i = index[a];
        index[a] = index[b];
        index[b] = i;
        float s = score[a];
        score[a] = score[b];
        score[b] = s;
    }

    @Override
    public int spread(CsrGraph graph, MemorySegment seedNodes, MemorySegment seedActivations, int seedCount,
            SpreadParams params, MemorySegment outActivation, MemorySegment outFirstHop) {
        KernelArguments.checkSpread(graph, seedNodes, seedActivations, seedCount, params, outActivation, outFirstHop);
        int n = graph.nodeCount();
        MemorySegment offsets = graph.offsets();
        MemorySegment targets = graph.targets();
        MemorySegment weights = graph.weights();
        outActivation.asSlice(0, (long) n * Float.BYTES).fill((byte) 0);
        outFirstHop.asSlice(0, (long) n * Integer.BYTES).fill((byte) 0xFF);

        Scratch scratch = SCRATCH.get();
        float[] delta = scratch.floats(1, n);
        float[] energy = scratch.floats(2, n);
        int[] lastFired = scratch.ints(1, n);
        int[] frontier = scratch.ints(2, n);
        int[] touched = scratch.ints(3, n);
        boolean[] isTouched = scratch.flags(n);
        Arrays.fill(lastFired, 0, n, NEVER_FIRED);

        for (int i = 0; i < seedCount; i++) {
            int node = seedNodes.getAtIndex(JAVA_INT, i);
            float sum = outActivation.getAtIndex(JAVA_FLOAT, node) + seedActivations.getAtIndex(JAVA_FLOAT, i);
            outActivation.setAtIndex(JAVA_FLOAT, node, sum);
        }
        int frontierSize = 0;
        for (int i = 0; i < seedCount; i++) {
            int node = seedNodes.getAtIndex(JAVA_INT, i);
            if (lastFired[node] == NEVER_FIRED) {
                lastFired[node] = 0;
                frontier[frontierSize++] = node;
                float capped = Math.min(1f, outActivation.getAtIndex(JAVA_FLOAT, node));
                outActivation.setAtIndex(JAVA_FLOAT, node, capped);
                outFirstHop.setAtIndex(JAVA_INT, node, 0);
                energy[node] = capped;
            }
        }
        Arrays.sort(frontier, 0, frontierSize);

        for (int hop = 1; hop <= params.maxDepth() && frontierSize > 0; hop++) {
            float hopFactor = params.hopFactor(hop);
            int touchedSize = 0;
            for (int f = 0; f < frontierSize; f++) {
                int u = frontier[f];
                float e = energy[u];
                int end = offsets.getAtIndex(JAVA_INT, u + 1);
                for (int j = offsets.getAtIndex(JAVA_INT, u); j < end; j++) {
                    int v = targets.getAtIndex(JAVA_INT, j);
                    if (!isTouched[v]) {
                        isTouched[v] = true;
                        touched[touchedSize++] = v;
                        delta[v] = 0f;
                    }
                    delta[v] += e * weights.getAtIndex(JAVA_FLOAT, j) * hopFactor;
                }
            }
            Arrays.sort(touched, 0, touchedSize);
            frontierSize = 0;
            for (int t = 0; t < touchedSize; t++) {
                int v = touched[t];
                isTouched[v] = false;
                float d = delta[v];
                if (!(d > 0f)) {
                    continue;
                }
                float a = outActivation.getAtIndex(JAVA_FLOAT, v);
                float applied = Math.min(1f, a + d) - a;
                outActivation.setAtIndex(JAVA_FLOAT, v, a + applied);
                if (outFirstHop.getAtIndex(JAVA_INT, v) == -1) {
                    outFirstHop.setAtIndex(JAVA_INT, v, hop);
                }
                boolean refractory = lastFired[v] != NEVER_FIRED
                        && hop < (long) lastFired[v] + params.refractoryHops() + 1;
                if (applied >= params.threshold() && !refractory) {
                    lastFired[v] = hop;
                    energy[v] = applied;
                    frontier[frontierSize++] = v;
                }
            }
        }
        int activated = 0;
        for (int v = 0; v < n; v++) {
            if (outActivation.getAtIndex(JAVA_FLOAT, v) > 0f) {
                activated++;
            }
        }
        return activated;
    }

    @Override
    public void decay(MemorySegment strength, MemorySegment ageSeconds, MemorySegment accessCount, int count,
            DecayParams params, MemorySegment out) {
        KernelArguments.checkDecay(strength, ageSeconds, accessCount, count, params, out);
        DecayCurve curve = params.curve();
        double floor = params.floor();
        for (int i = 0; i < count; i++) {
            double t = ageSeconds.getAtIndex(JAVA_FLOAT, i);
            int accesses = accessCount == null ? 0 : accessCount.getAtIndex(JAVA_INT, i);
            double x = strength.getAtIndex(JAVA_FLOAT, i) * retention(curve, t, accesses);
            out.setAtIndex(JAVA_FLOAT, i, Double.isNaN(x) ? Float.NaN : (float) Math.max(floor, x));
        }
    }

    /** R(t) of the contract, in double precision. */
    public static double retention(DecayCurve curve, double t, int accessCount) {
        return switch (curve) {
            case DecayCurve.Exponential c -> Math.pow(2, -t / c.halfLifeSeconds());
            case DecayCurve.PowerLaw c -> Math.pow(1 + t / c.scaleSeconds(), -c.beta());
            case DecayCurve.TwoComponent c -> accessCount < c.consolidationAccessCount()
                    ? Math.exp(-t / c.tauSeconds())
                    : Math.pow(1 + t / c.neocorticalScaleSeconds(), -c.neocorticalBeta());
            // t < 60, not t >= 60: a NaN age takes the formula and gives NaN, as the contract asks.
            case DecayCurve.Ebbinghaus c -> t < 60
                    ? 1
                    : c.k() / (Math.pow(Math.log10(t / 60), c.c()) + c.k());
        };
    }

    /** Scratch arrays of one thread, kept between calls and grown to the largest size seen. */
    private static final class Scratch {
        private final float[][] floats = new float[3][0];
        private final int[][] ints = new int[4][0];
        private boolean[] flags = new boolean[0];

        float[] floats(int slot, int size) {
            if (floats[slot].length < size) {
                floats[slot] = new float[size];
            }
            return floats[slot];
        }

        int[] ints(int slot, int size) {
            if (ints[slot].length < size) {
                ints[slot] = new int[size];
            }
            return ints[slot];
        }

        boolean[] flags(int size) {
            if (flags.length < size) {
                flags = new boolean[size];
            }
            return flags;
        }
    }
}
