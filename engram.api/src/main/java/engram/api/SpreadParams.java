package engram.api;

import java.util.Arrays;

/**
 * Parameters of activation spreading.
 *
 * <p>{@code hopFactors[h - 1]} scales the energy passed along an edge at hop {@code h};
 * the caller computes the table once from its decay-per-hop function (see the factory
 * methods), so no kernel evaluates {@code exp} or {@code pow} per edge.
 *
 * @param maxDepth the number of hops, 1 to {@value #MAX_DEPTH}
 * @param threshold the least energy with which a node fires on, 0 or more
 * @param hopFactors one finite factor of 0 or more per hop, {@code maxDepth} of them
 * @param refractoryHops R: a node that fired at hop h may fire again from hop h + R + 1;
 *     R of {@code maxDepth} or more (the default) lets each node fire at most once
 */
public record SpreadParams(int maxDepth, float threshold, float[] hopFactors, int refractoryHops) {
    /** The deepest spreading a kernel computes. */
    public static final int MAX_DEPTH = 32;

    public SpreadParams {
        if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
            throw new IllegalArgumentException("maxDepth is " + maxDepth + "; it must be in 1.." + MAX_DEPTH);
        }
        if (!(threshold >= 0f) || !Float.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold is " + threshold + "; it must be a finite number, 0 or more");
        }
        if (hopFactors == null || hopFactors.length != maxDepth) {
            throw new IllegalArgumentException("hopFactors has " + (hopFactors == null ? "no" : hopFactors.length)
                    + " entries; it must have one per hop, maxDepth = " + maxDepth);
        }
        hopFactors = hopFactors.clone();
        for (int h = 0; h < hopFactors.length; h++) {
            if (!(hopFactors[h] >= 0f) || !Float.isFinite(hopFactors[h])) {
                throw new IllegalArgumentException("hopFactors[" + h + "] is " + hopFactors[h]
                        + "; each must be a finite number, 0 or more");
            }
        }
        if (refractoryHops < 0) {
            throw new IllegalArgumentException("refractoryHops is " + refractoryHops
                    + "; it must be 0 or more (" + maxDepth + " or more: each node fires at most once)");
        }
    }

    /** A copy of the per-hop factors; {@link #hopFactor(int)} reads one without copying. */
    @Override
    public float[] hopFactors() {
        return hopFactors.clone();
    }

    /** The factor of hop {@code hop}, 1-based. */
    public float hopFactor(int hop) {
        return hopFactors[hop - 1];
    }

    /** Exponential decay per hop, {@code exp(-rate * h)}; each node fires at most once. */
    public static SpreadParams exponential(int maxDepth, double rate, float threshold) {
        requireRate("rate", rate);
        return new SpreadParams(maxDepth, threshold, table(maxDepth, h -> Math.exp(-rate * h)), maxDepth);
    }

    /** Power-law decay per hop, {@code (h + 1)^-exponent}; each node fires at most once. */
    public static SpreadParams power(int maxDepth, double exponent, float threshold) {
        requireRate("exponent", exponent);
        return new SpreadParams(maxDepth, threshold, table(maxDepth, h -> Math.pow(h + 1, -exponent)), maxDepth);
    }

    /** Linear decay per hop, {@code max(0, 1 - slope * h)}; each node fires at most once. */
    public static SpreadParams linear(int maxDepth, double slope, float threshold) {
        requireRate("slope", slope);
        return new SpreadParams(maxDepth, threshold, table(maxDepth, h -> Math.max(0, 1 - slope * h)), maxDepth);
    }

    /** The same parameters with another refractory period. */
    public SpreadParams withRefractoryHops(int hops) {
        return new SpreadParams(maxDepth, threshold, hopFactors, hops);
    }

    private static void requireRate(String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " is " + value + "; it must be a finite number, 0 or more");
        }
    }

    private static float[] table(int maxDepth, java.util.function.IntToDoubleFunction factor) {
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
