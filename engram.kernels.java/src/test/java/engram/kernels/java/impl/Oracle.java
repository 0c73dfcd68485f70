package engram.kernels.java.impl;

import java.util.Arrays;
import java.util.Random;

import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.SpreadParams;

/**
 * Straightforward re-computations of the contract, written for the tests and independent of
 * {@link ReferenceKernels} and of the API's own definitions ({@code DecayParams.decayed},
 * {@code DecayCurve.retention}): cosine and decay in double precision, spreading literally as
 * the contract's algorithm reads, over dense arrays.
 */
final class Oracle {
    private Oracle() {
    }

    /**
     * The exact cosine of the query and one row; {@code norms} used as given when not null. NaN
     * when the query, the row or its given norm holds a value that is not finite; else 0 when a
     * norm is 0; else the cosine clamped to [-1, 1].
     */
    static double cosine(float[] query, float[] matrix, int row, float[] norms) {
        int d = query.length;
        boolean finite = norms == null || Float.isFinite(norms[row]);
        for (int j = 0; j < d; j++) {
            finite &= Float.isFinite(query[j]) && Float.isFinite(matrix[row * d + j]);
        }
        if (!finite) {
            return Double.NaN;
        }
        double dot = 0;
        double qq = 0;
        double vv = 0;
        for (int j = 0; j < d; j++) {
            double q = query[j];
            double v = matrix[row * d + j];
            dot += q * v;
            qq += q * q;
            vv += v * v;
        }
        double queryNorm = Math.sqrt(qq);
        double rowNorm = norms == null ? Math.sqrt(vv) : norms[row];
        if (queryNorm == 0 || rowNorm == 0) {
            return 0;
        }
        double s = dot / queryNorm / rowNorm;
        return Math.max(-1, Math.min(1, s));
    }

    static double[] cosines(float[] query, float[] matrix, float[] norms) {
        double[] out = new double[matrix.length / query.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = cosine(query, matrix, i, norms);
        }
        return out;
    }

    /** Row indices of {@code scores} sorted by score descending (NaN last), then index ascending. */
    static int[] rank(float[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            float x = scores[a];
            float y = scores[b];
            boolean nx = Float.isNaN(x);
            boolean ny = Float.isNaN(y);
            if (nx != ny) {
                return nx ? 1 : -1;
            }
            if (!nx && x != y) {
                return x > y ? -1 : 1;
            }
            return Integer.compare(a, b);
        });
        int[] out = new int[order.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = order[i];
        }
        return out;
    }

    /** Retention of the contract, written out afresh in double precision, for an age of 0 or more (+inf allowed). */
    static double retention(DecayCurve curve, double t, int accessCount) {
        if (t == Double.POSITIVE_INFINITY) {
            return 0;
        }
        if (curve instanceof DecayCurve.Exponential e) {
            return Math.exp(-t * Math.log(2) / e.halfLifeSeconds());
        }
        if (curve instanceof DecayCurve.PowerLaw p) {
            return Math.exp(-p.beta() * Math.log1p(t / p.scaleSeconds()));
        }
        if (curve instanceof DecayCurve.TwoComponent c) {
            if (accessCount >= c.consolidationAccessCount()) {
                return Math.exp(-c.neocorticalBeta() * Math.log1p(t / c.neocorticalScaleSeconds()));
            }
            return Math.exp(-t / c.tauSeconds());
        }
        DecayCurve.Ebbinghaus b = (DecayCurve.Ebbinghaus) curve;
        if (t < 60) {
            return 1;
        }
        double minutes = t / 60;
        double log = Math.log(minutes) / Math.log(10);
        return b.k() / (Math.exp(b.c() * Math.log(log)) + b.k());
    }

    /**
     * The contract's decay of one memory, in double precision: NaN for a NaN strength or age;
     * else the strength clamped to [0, 1] and the age to [0, +inf], {@code max(floor, s * R(t))},
     * with a floor of -0.0 taken as 0 (so the result is never -0.0).
     */
    static double decay(DecayCurve curve, float floor, float strength, double age, int accessCount) {
        if (Float.isNaN(strength) || Double.isNaN(age)) {
            return Double.NaN;
        }
        double s = Math.min(1.0, Math.max(0.0, strength)) + 0.0;
        double t = Math.max(0.0, age) + 0.0;
        double f = floor + 0.0;
        return Math.max(f, s * retention(curve, t, accessCount));
    }

    /** Spreading as the contract's algorithm reads, over dense arrays, in float32. */
    record Spread(float[] activation, int[] firstHop) {
        int activatedCount() {
            int activated = 0;
            for (float a : activation) {
                activated += a > 0 ? 1 : 0;
            }
            return activated;
        }

        /**
         * The activated nodes in activation order: by first hop, then node id (what the sparse
         * form reports).
         */
        int[] activationOrder() {
            Integer[] nodes = new Integer[activatedCount()];
            int next = 0;
            for (int v = 0; v < activation.length; v++) {
                if (activation[v] > 0) {
                    nodes[next++] = v;
                }
            }
            Arrays.sort(nodes, (a, b) -> firstHop[a] != firstHop[b] ? Integer.compare(firstHop[a], firstHop[b])
                    : Integer.compare(a, b));
            return Arrays.stream(nodes).mapToInt(Integer::intValue).toArray();
        }
    }

    static Spread spread(int[] offsets, int[] targets, float[] weights, int[] seeds, float[] seedActivations,
            SpreadParams params) {
        int n = offsets.length - 1;
        float[] a = new float[n];
        float[] e = new float[n];
        int[] firstHop = new int[n];
        Arrays.fill(firstHop, -1);
        int[] lastFired = new int[n];
        Arrays.fill(lastFired, -1);
        boolean[] inFrontier = new boolean[n];
        for (int i = 0; i < seeds.length; i++) {
            a[seeds[i]] += seedActivations[i];
        }
        for (int s : seeds) {
            a[s] = Math.min(1f, a[s]);
            e[s] = a[s];
            inFrontier[s] = true;
            lastFired[s] = 0;
            firstHop[s] = 0;
        }
        for (int h = 1; h <= params.maxDepth(); h++) {
            boolean any = false;
            for (boolean f : inFrontier) {
                any |= f;
            }
            if (!any) {
                break;
            }
            float[] delta = new float[n];
            for (int u = 0; u < n; u++) {
                if (inFrontier[u]) {
                    for (int j = offsets[u]; j < offsets[u + 1]; j++) {
                        float product = e[u] * weights[j];
                        product = product * params.hopFactors()[h - 1];
                        delta[targets[j]] = delta[targets[j]] + product;
                    }
                }
            }
            boolean[] next = new boolean[n];
            for (int v = 0; v < n; v++) {
                if (delta[v] > 0) {
                    float applied = Math.min(1f, a[v] + delta[v]) - a[v];
                    a[v] += applied;
                    if (firstHop[v] < 0) {
                        firstHop[v] = h;
                    }
                    boolean refractory = lastFired[v] >= 0 && h <= (long) lastFired[v] + params.refractoryHops();
                    if (applied >= params.threshold() && !refractory) {
                        next[v] = true;
                        e[v] = applied;
                        lastFired[v] = h;
                    }
                }
            }
            inFrontier = next;
        }
        return new Spread(a, firstHop);
    }

    /** A random graph with self-loops, cycles and parallel edges. */
    static int[][] randomStructure(Random random, int n, int edgesPerNodeMax) {
        int[] offsets = new int[n + 1];
        for (int u = 0; u < n; u++) {
            offsets[u + 1] = offsets[u] + random.nextInt(edgesPerNodeMax + 1);
        }
        int[] targets = new int[offsets[n]];
        for (int j = 0; j < targets.length; j++) {
            targets[j] = random.nextInt(n);
        }
        return new int[][] {offsets, targets};
    }

    /** Weights of 1, 0 and random values in (0, 1), one per edge. */
    static float[] randomWeights(Random random, int edges) {
        float[] weights = new float[edges];
        for (int j = 0; j < edges; j++) {
            weights[j] = switch (random.nextInt(4)) {
                case 0 -> 1f;
                case 1 -> 0f;
                default -> random.nextFloat();
            };
        }
        return weights;
    }

    static CsrGraph graph(int[] offsets, int[] targets, float[] weights) {
        return CsrGraph.of(offsets, targets, weights);
    }

    static float[] gaussian(Random random, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) random.nextGaussian();
        }
        return f;
    }
}
