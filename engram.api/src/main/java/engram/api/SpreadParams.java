package engram.api;

import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

/**
 * Parameters of activation spreading: how deep it goes, how much energy each hop keeps,
 * the least gain with which a node fires on, and how soon a node may fire again. Immutable.
 *
 * <p>Energy passed along an edge at hop {@code h} (1 to {@link #maxDepth()}) is scaled by
 * {@link #hopFactor(int) hopFactor(h)}. The factories compute that table once from a
 * decay-per-hop function, so no kernel evaluates {@code exp} or {@code pow} per edge:
 * <pre>{@code
 * SpreadParams params = SpreadParams.exponential(4, 0.5, 0.01);   // depth 4, exp(-0.5 h), threshold 0.01
 * SpreadParams again = params.withRefractoryHops(1);              // a node may refire after one hop
 * }</pre>
 * By default each node fires at most once ({@link #refractoryHops()} = {@link #maxDepth()}).
 */
public final class SpreadParams {
    /** The deepest spreading a kernel computes. */
    public static final int MAX_DEPTH = 32;

    private final int maxDepth;
    private final float threshold;
    private final float[] hopFactors;
    private final int refractoryHops;

    private SpreadParams(float threshold, float[] hopFactors, int refractoryHops) {
        this.maxDepth = hopFactors.length;
        this.threshold = threshold;
        this.hopFactors = hopFactors;
        this.refractoryHops = refractoryHops;
    }

    /** Exponential decay per hop, {@code exp(-rate * h)}; each node fires at most once. */
    public static SpreadParams exponential(int maxDepth, double rate, double threshold) {
        requireRate("rate", rate);
        return of(threshold, table(maxDepth, h -> Math.exp(-rate * h)));
    }

    /** Power-law decay per hop, {@code (h + 1)^-exponent}; each node fires at most once. */
    public static SpreadParams power(int maxDepth, double exponent, double threshold) {
        requireRate("exponent", exponent);
        return of(threshold, table(maxDepth, h -> Math.pow(h + 1, -exponent)));
    }

    /** Linear decay per hop, {@code max(0, 1 - slope * h)}; each node fires at most once. */
    public static SpreadParams linear(int maxDepth, double slope, double threshold) {
        requireRate("slope", slope);
        return of(threshold, table(maxDepth, h -> Math.max(0, 1 - slope * h)));
    }

    /**
     * A table of your own: {@code hopFactors[0]} applies at hop 1, {@code hopFactors[h - 1]}
     * at hop h; the depth is the table's length. Each node fires at most once.
     *
     * @param threshold the least gain, 0 or more, with which a node fires on; compared in float32
     * @param hopFactors 1 to {@value #MAX_DEPTH} finite factors of 0 or more
     */
    public static SpreadParams of(double threshold, float... hopFactors) {
        if (hopFactors == null || hopFactors.length < 1 || hopFactors.length > MAX_DEPTH) {
            throw new IllegalArgumentException("hopFactors has " + (hopFactors == null ? "no" : hopFactors.length)
                    + " entries; it must have one per hop, 1 to " + MAX_DEPTH);
        }
        float[] factors = hopFactors.clone();
        for (int h = 0; h < factors.length; h++) {
            if (!(factors[h] >= 0f) || !Float.isFinite(factors[h])) {
                throw new IllegalArgumentException("the factor of hop " + (h + 1) + " (hopFactors[" + h + "]) is "
                        + factors[h] + "; each must be a finite number, 0 or more");
            }
        }
        return new SpreadParams(float32Threshold(threshold), factors, factors.length);
    }

    /** The same parameters with another refractory period. */
    public SpreadParams withRefractoryHops(int hops) {
        if (hops < 0) {
            throw new IllegalArgumentException("refractoryHops is " + hops + "; it must be 0 or more (" + maxDepth
                    + " or more: each node fires at most once)");
        }
        return new SpreadParams(threshold, hopFactors, hops);
    }

    /** The same parameters with another threshold. */
    public SpreadParams withThreshold(double newThreshold) {
        return new SpreadParams(float32Threshold(newThreshold), hopFactors, refractoryHops);
    }

    /** The number of hops, 1 to {@value #MAX_DEPTH}. */
    public int maxDepth() {
        return maxDepth;
    }

    /** The least gain with which a node fires on, as the kernels compare it (float32). */
    public float threshold() {
        return threshold;
    }

    /** The factor of hop {@code hop}, 1 to {@link #maxDepth()}. */
    public float hopFactor(int hop) {
        if (hop < 1 || hop > maxDepth) {
            throw new IllegalArgumentException("hop is " + hop + "; hops are numbered 1.." + maxDepth);
        }
        return hopFactors[hop - 1];
    }

    /** A copy of the table: index 0 holds the factor of hop 1. */
    public float[] hopFactors() {
        return hopFactors.clone();
    }

    /**
     * R: a node that fired at hop h may fire again from hop h + R + 1; R of
     * {@link #maxDepth()} or more lets each node fire at most once.
     */
    public int refractoryHops() {
        return refractoryHops;
    }

    private static float float32Threshold(double threshold) {
        float rounded = (float) threshold;
        if (!(threshold >= 0) || !Float.isFinite(rounded)) {
            throw new IllegalArgumentException("threshold is " + threshold
                    + "; it must be a finite number, 0 or more, within the float32 range");
        }
        // -0.0 compares like 0 in every kernel; stored as +0.0 so that equal parameters are equal.
        return rounded + 0f;
    }

    private static void requireRate(String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " is " + value + "; it must be a finite number, 0 or more");
        }
    }

    private static float[] table(int maxDepth, IntToDoubleFunction factor) {
        if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
            throw new IllegalArgumentException("maxDepth is " + maxDepth + "; it must be in 1.." + MAX_DEPTH);
        }
        float[] factors = new float[maxDepth];
        for (int h = 1; h <= maxDepth; h++) {
            factors[h - 1] = (float) factor.applyAsDouble(h);
        }
        return factors;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SpreadParams p && p.maxDepth == maxDepth
                && Float.compare(p.threshold, threshold) == 0
                && Arrays.equals(p.hopFactors, hopFactors) && p.refractoryHops == refractoryHops;
    }

    @Override
    public int hashCode() {
        return ((maxDepth * 31 + Float.hashCode(threshold)) * 31 + Arrays.hashCode(hopFactors)) * 31 + refractoryHops;
    }

    @Override
    public String toString() {
        return "SpreadParams[maxDepth=" + maxDepth + ", threshold=" + threshold + ", hopFactors="
                + Arrays.toString(hopFactors) + ", refractoryHops=" + refractoryHops + "]";
    }
}
