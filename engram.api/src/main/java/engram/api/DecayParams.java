package engram.api;

/**
 * Parameters of the decay kernel: the curve, and the floor below which no strength falls.
 *
 * @param curve the forgetting curve
 * @param floor the least strength a memory keeps, in [0, 1]
 */
public record DecayParams(DecayCurve curve, float floor) {
    public DecayParams {
        if (curve == null) {
            throw new IllegalArgumentException("curve is null; use new DecayCurve.Exponential() or another curve");
        }
        if (!(floor >= 0f && floor <= 1f)) {
            throw new IllegalArgumentException("floor is " + floor + "; it must be in [0, 1]");
        }
    }

    /** The given curve with a floor of 0. */
    public static DecayParams of(DecayCurve curve) {
        return new DecayParams(curve, 0f);
    }
}
