package engram.api;

/**
 * Parameters of the decay kernel: the curve, and the floor below which no strength falls.
 *
 * @param curve the forgetting curve
 * @param floor the least strength a memory keeps, in [0, 1] (a floor of -0.0 is taken as 0)
 */
public record DecayParams(DecayCurve curve, float floor) {
    public DecayParams {
        if (curve == null) {
            throw new IllegalArgumentException("curve is null; use new DecayCurve.Exponential() or another curve");
        }
        if (!(floor >= 0f && floor <= 1f)) {
            throw new IllegalArgumentException("floor is " + floor + "; it must be in [0, 1]");
        }
        // So that no kernel ever returns -0.0 (max(-0.0, 0.0) depends on the operand order).
        floor += 0f;
    }

    /** The given curve with a floor of 0. */
    public static DecayParams of(DecayCurve curve) {
        return new DecayParams(curve, 0f);
    }

    /**
     * One memory's decayed strength, as the contract defines it and every kernel computes
     * it (within its tolerance): NaN if the strength or the age is NaN; otherwise the
     * strength clamped to [0, 1], times the curve's retention at the age (an age below 0
     * counts as 0), kept at or above the floor, computed in double precision and rounded once.
     */
    public float decayed(float strength, double ageSeconds, int accessCount) {
        if (Float.isNaN(strength) || Double.isNaN(ageSeconds)) {
            return Float.NaN;
        }
        double s = strength > 1 ? 1 : strength > 0 ? strength : 0;
        double x = s * curve.retention(ageSeconds, accessCount);
        return (float) (x < floor ? floor : x);
    }
}
