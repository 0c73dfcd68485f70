package engram.kernels.zig.impl.differential;

import java.util.Arrays;

import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.SpreadParams;

/**
 * The contract's definitions, written out afresh for the harness and independent of the
 * kernels under test: cosine and decay in double precision without rounding the result to
 * float32, spreading literally as the contract's algorithm reads, over dense arrays.
 */
public final class Oracle {
    private Oracle() {
    }

    /** The exact cosine of every row; NaN where an input was not finite. */
    public static double[] cosine(float[] query, float[] matrix, float[] norms) {
        int dimensions = query.length;
        double queryNorm = Math.sqrt(dot(query, 0, query, 0, dimensions));
        double[] out = new double[matrix.length / dimensions];
        for (int row = 0; row < out.length; row++) {
            int base = row * dimensions;
            double product = dot(query, 0, matrix, base, dimensions);
            double rowNorm = norms == null ? Math.sqrt(dot(matrix, base, matrix, base, dimensions)) : norms[row];
            out[row] = cosineOf(product, queryNorm, rowNorm);
        }
        return out;
    }

    private static double dot(float[] a, int aStart, float[] b, int bStart, int length) {
        double sum = 0;
        for (int j = 0; j < length; j++) {
            sum += (double) a[aStart + j] * b[bStart + j];
        }
        return sum;
    }

    private static double cosineOf(double product, double queryNorm, double rowNorm) {
        if (!Double.isFinite(product) || !Double.isFinite(queryNorm) || !Double.isFinite(rowNorm)) {
            return Double.NaN;
        }
        if (queryNorm == 0 || rowNorm == 0) {
            return 0;
        }
        return Math.max(-1, Math.min(1, product / queryNorm / rowNorm));
    }

    /**
     * Row indices ranked as top-k must rank them, by the float32 scores a kernel returns:
     * score descending (NaN last), then index ascending.
     */
    public static int[] rank(double[] exactScores) {
        return rank(exactScores, 0, exactScores.length);
    }

    /** {@link #rank} of rows {@code firstRow .. firstRow + rowCount - 1} only, as absolute row numbers. */
    public static int[] rank(double[] exactScores, int firstRow, int rowCount) {
        Integer[] order = new Integer[rowCount];
        for (int i = 0; i < order.length; i++) {
            order[i] = firstRow + i;
        }
        Arrays.sort(order, (a, b) -> a.equals(b) ? 0
                : ranksBefore((float) exactScores[a], a, (float) exactScores[b], b) ? -1 : 1);
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    /** The contract's top-k order; -0.0 equals 0.0, and NaN ranks after every number. */
    public static boolean ranksBefore(float scoreA, int indexA, float scoreB, int indexB) {
        boolean nanA = Float.isNaN(scoreA);
        boolean nanB = Float.isNaN(scoreB);
        if (nanA != nanB) {
            return nanB;
        }
        if (!nanA && scoreA != scoreB) {
            return scoreA > scoreB;
        }
        return indexA < indexB;
    }

    /** The decayed strength of every memory, each at its own float32 age. */
    public static double[] decay(DecayParams params, float[] strength, float[] ageSeconds, int[] accessCount) {
        double[] out = new double[strength.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = decayed(params, strength[i], ageSeconds[i], accessCount == null ? 0 : accessCount[i]);
        }
        return out;
    }

    /**
     * The gathered memories at {@code nowSeconds}: {@code out[i]} of memory {@code indices[i]}
     * at age {@code nowSeconds - lastAccessSeconds[m]}, that difference taken in float64.
     */
    public static double[] decayGather(DecayParams params, int[] indices, float[] strength,
            double[] lastAccessSeconds, int[] accessCount, double nowSeconds) {
        double[] out = new double[indices.length];
        for (int i = 0; i < out.length; i++) {
            int m = indices[i];
            out[i] = decayed(params, strength[m], nowSeconds - lastAccessSeconds[m],
                    accessCount == null ? 0 : accessCount[m]);
        }
        return out;
    }

    /**
     * The contract's value rule, written out case by case: NaN in, NaN out; the strength
     * clamped to [0, 1] (the infinities to the ends, -0.0 to 0); the age clamped to
     * [0, +inf] (negative ages, -0.0 and -inf to 0, so R = 1); an infinite age keeps only
     * the floor; then {@code max(floor, s * R(t))}, never -0.0.
     */
    public static double decayed(DecayParams params, float strength, double ageSeconds, int accessCount) {
        if (Float.isNaN(strength) || Double.isNaN(ageSeconds)) {
            return Double.NaN;
        }
        double s;
        if (strength >= 1f) {
            s = 1;
        } else if (strength <= 0f) {
            s = 0;
        } else {
            s = strength;
        }
        double floor = params.floor() == 0f ? 0 : params.floor();
        double x;
        if (ageSeconds == Double.POSITIVE_INFINITY) {
            x = 0;
        } else {
            double t = ageSeconds <= 0 ? 0 : ageSeconds;
            x = s * retention(params.curve(), t, accessCount);
        }
        double kept = x < floor ? floor : x;
        return kept == 0 ? 0 : kept;
    }

    /** R(t), by formulas other than the reference's where there is a choice (exp/log for pow). */
    public static double retention(DecayCurve curve, double t, int accessCount) {
        return switch (curve) {
            case DecayCurve.Exponential c -> Math.exp(-t * Math.log(2) / c.halfLifeSeconds());
            case DecayCurve.PowerLaw c -> Math.exp(-c.beta() * Math.log1p(t / c.scaleSeconds()));
            case DecayCurve.TwoComponent c -> accessCount >= c.consolidationAccessCount()
                    ? Math.exp(-c.neocorticalBeta() * Math.log1p(t / c.neocorticalScaleSeconds()))
                    : Math.exp(-t / c.tauSeconds());
            case DecayCurve.Ebbinghaus c -> {
                if (t < 60) {
                    yield 1;
                }
                double log10Minutes = Math.log(t / 60) / Math.log(10);
                yield c.k() / (Math.pow(log10Minutes, c.c()) + c.k());
            }
        };
    }

    /** The result of spreading: activation, first hop and the count of activated nodes. */
    public record Spread(float[] activation, int[] firstHop, int activatedCount) {
        /**
         * The activated nodes in the contract's activation order: the seeds (hop 0) in
         * ascending node order, then the nodes first activated at hop 1 in ascending order,
         * then hop 2, and so on.
         */
        public int[] activationOrder() {
            return Oracle.activationOrder(firstHop);
        }
    }

    /** The nodes with a first hop (not -1), by first hop, then node id. */
    public static int[] activationOrder(int[] firstHop) {
        int[] order = new int[firstHop.length];
        int count = 0;
        for (int hop = 0; hop <= SpreadParams.MAX_DEPTH; hop++) {
            for (int v = 0; v < firstHop.length; v++) {
                if (firstHop[v] == hop) {
                    order[count++] = v;
                }
            }
        }
        return Arrays.copyOf(order, count);
    }

    /** Spreading as the contract's algorithm reads, hop by hop over dense arrays, in float32. */
    public static Spread spread(SpreadCase c) {
        int n = c.nodeCount();
        SpreadParams params = c.params();
        float[] activation = new float[n];
        float[] energy = new float[n];
        int[] firstHop = new int[n];
        int[] lastFired = new int[n];
        Arrays.fill(firstHop, -1);
        Arrays.fill(lastFired, -1);
        boolean[] frontier = new boolean[n];
        for (int i = 0; i < c.seedNodes().length; i++) {
            activation[c.seedNodes()[i]] += c.seedActivations()[i];
        }
        for (int seed : c.seedNodes()) {
            activation[seed] = Math.min(1f, activation[seed]);
            energy[seed] = activation[seed];
            frontier[seed] = true;
            firstHop[seed] = 0;
            lastFired[seed] = 0;
        }
        for (int hop = 1; hop <= params.maxDepth(); hop++) {
            float[] delta = new float[n];
            boolean any = false;
            for (int u = 0; u < n; u++) {
                if (!frontier[u]) {
                    continue;
                }
                any = true;
                for (int j = c.offsets()[u]; j < c.offsets()[u + 1]; j++) {
                    float product = energy[u] * c.weights()[j];
                    delta[c.targets()[j]] += product * params.hopFactor(hop);
                }
            }
            if (!any) {
                break;
            }
            boolean[] next = new boolean[n];
            for (int v = 0; v < n; v++) {
                if (!(delta[v] > 0f)) {
                    continue;
                }
                float applied = Math.min(1f, activation[v] + delta[v]) - activation[v];
                activation[v] += applied;
                if (firstHop[v] < 0) {
                    firstHop[v] = hop;
                }
                boolean refractory = lastFired[v] >= 0 && hop <= (long) lastFired[v] + params.refractoryHops();
                if (applied >= params.threshold() && !refractory) {
                    next[v] = true;
                    energy[v] = applied;
                    lastFired[v] = hop;
                }
            }
            frontier = next;
        }
        int activated = 0;
        for (float a : activation) {
            activated += a > 0f ? 1 : 0;
        }
        return new Spread(activation, firstHop, activated);
    }
}
