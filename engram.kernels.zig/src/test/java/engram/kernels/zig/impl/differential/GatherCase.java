package engram.kernels.zig.impl.differential;

import engram.api.DecayParams;

/**
 * One decayGather call: the memories {@code indices} names (repeats allowed), each aged
 * {@code nowSeconds - lastAccessSeconds[m]} in float64. The corpus has no gather of its own
 * (its {@code decay_gather} replay derives one from each decay case), so a failing gather is
 * printed as the decay case of the memories it gathered, at their float64 ages rounded to float32.
 *
 * @param accessCount per-memory access counts, or null for none
 */
public record GatherCase(String name, DecayParams params, int[] indices, float[] strength, double[] lastAccessSeconds,
        int[] accessCount, double nowSeconds) {

    public GatherCase {
        if (lastAccessSeconds.length != strength.length
                || (accessCount != null && accessCount.length != strength.length) || !Double.isFinite(nowSeconds)) {
            throw new IllegalArgumentException("case " + name + ": array lengths disagree with " + strength.length
                    + " memories, or now (" + nowSeconds + ") is not finite");
        }
        for (int index : indices) {
            if (index < 0 || index >= strength.length) {
                throw new IllegalArgumentException("case " + name + ": index " + index + " is not one of the "
                        + strength.length + " memories");
            }
        }
    }

    public int count() {
        return indices.length;
    }

    public int memoryCount() {
        return strength.length;
    }

    /** The gathered memories as a decay case: what the corpus can hold of this gather. */
    public DecayCase asDecay() {
        int c = indices.length;
        float[] s = new float[c];
        float[] ages = new float[c];
        int[] counts = accessCount == null ? null : new int[c];
        for (int i = 0; i < c; i++) {
            int m = indices[i];
            s[i] = strength[m];
            ages[i] = (float) (nowSeconds - lastAccessSeconds[m]);
            if (counts != null) {
                counts[i] = accessCount[m];
            }
        }
        return DecayCase.of(name, params, s, ages, counts);
    }
}
