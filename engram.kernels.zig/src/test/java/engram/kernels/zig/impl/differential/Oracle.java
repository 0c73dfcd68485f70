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
        Integer[] order = new Integer[exactScores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
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

    /** {@code max(floor, strength * R(age))} of every memory, in double precision. */
    public static double[] decay(DecayParams params, float[] strength, float[] ageSeconds, int[] accessCount) {
        double[] out = new double[strength.length];
        for (int i = 0; i < out.length; i++) {
            double x = strength[i] * retention(params.curve(), ageSeconds[i], accessCount == null ? 0 : accessCount[i]);
            out[i] = Double.isNaN(x) ? Double.NaN : Math.max(params.floor(), x);
        }
        return out;
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
