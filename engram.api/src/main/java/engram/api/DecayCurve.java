package engram.api;

/**
 * A forgetting curve: the retention R(t) of a memory of age t seconds, with R(0) = 1 and R
 * decreasing to R(+inf) = 0. Each constant is validated when the curve is made. Start from a
 * curve's defaults and change what you need by name, which keeps its constants from being
 * swapped:
 * <pre>{@code
 * DecayCurve curve = new DecayCurve.TwoComponent().withTauSeconds(3_600).withConsolidationAccessCount(5);
 * double kept = curve.retention(86_400, 2);   // after a day, accessed twice
 * }</pre>
 */
public sealed interface DecayCurve {

    /**
     * R at {@code ageSeconds} for a memory accessed {@code accessCount} times (only the
     * two-component curve reads the count), in double precision: the value every kernel
     * approximates. A NaN age gives NaN; a negative age (-0.0 and -inf included) counts as 0,
     * so R = 1; an infinite age gives 0.
     */
    double retention(double ageSeconds, int accessCount);

    /** R at {@code ageSeconds} for a memory never accessed. */
    default double retention(double ageSeconds) {
        return retention(ageSeconds, 0);
    }

    /** The contract's age: NaN stays NaN, anything below 0 counts as 0. */
    private static double clampedAge(double ageSeconds) {
        return ageSeconds < 0 ? 0 : ageSeconds;
    }

    /** {@code R = 2^(-t / halfLifeSeconds)}: a true half-life, R(halfLife) = 0.5. */
    record Exponential(double halfLifeSeconds) implements DecayCurve {
        public static final double DEFAULT_HALF_LIFE_SECONDS = 86_400;

        public Exponential {
            requirePositive("halfLifeSeconds", halfLifeSeconds);
        }

        /** A half-life of one day. */
        public Exponential() {
            this(DEFAULT_HALF_LIFE_SECONDS);
        }

        @Override
        public double retention(double ageSeconds, int accessCount) {
            return Math.pow(2, -clampedAge(ageSeconds) / halfLifeSeconds);
        }
    }

    /** {@code R = (1 + t / scaleSeconds)^(-beta)}. */
    record PowerLaw(double scaleSeconds, double beta) implements DecayCurve {
        public static final double DEFAULT_SCALE_SECONDS = 3_600;
        public static final double DEFAULT_BETA = 0.18;

        public PowerLaw {
            requirePositive("scaleSeconds", scaleSeconds);
            requirePositive("beta", beta);
        }

        /** A scale of one hour and beta 0.18. */
        public PowerLaw() {
            this(DEFAULT_SCALE_SECONDS, DEFAULT_BETA);
        }

        public PowerLaw withScaleSeconds(double seconds) {
            return new PowerLaw(seconds, beta);
        }

        public PowerLaw withBeta(double newBeta) {
            return new PowerLaw(scaleSeconds, newBeta);
        }

        @Override
        public double retention(double ageSeconds, int accessCount) {
            return powerLaw(clampedAge(ageSeconds), scaleSeconds, beta);
        }
    }

    /**
     * Hippocampal {@code exp(-t / tauSeconds)} while a memory's access count is below
     * {@code consolidationAccessCount}, neocortical
     * {@code (1 + t / neocorticalScaleSeconds)^(-neocorticalBeta)} from then on. Prefer
     * {@code new TwoComponent()} and its {@code with} methods to the four-argument constructor.
     */
    record TwoComponent(double tauSeconds, double neocorticalScaleSeconds, double neocorticalBeta,
            int consolidationAccessCount) implements DecayCurve {
        public static final double DEFAULT_TAU_SECONDS = 1.96 * 3_600;
        public static final double DEFAULT_NEOCORTICAL_SCALE_SECONDS = 86_400;
        public static final double DEFAULT_NEOCORTICAL_BETA = 0.18;
        public static final int DEFAULT_CONSOLIDATION_ACCESS_COUNT = 3;

        public TwoComponent {
            requirePositive("tauSeconds", tauSeconds);
            requirePositive("neocorticalScaleSeconds", neocorticalScaleSeconds);
            requirePositive("neocorticalBeta", neocorticalBeta);
            if (consolidationAccessCount < 0) {
                throw new IllegalArgumentException("consolidationAccessCount is " + consolidationAccessCount
                        + "; it must be 0 or more (default " + DEFAULT_CONSOLIDATION_ACCESS_COUNT + ")");
            }
        }

        /** Tau 1.96 h, a neocortical scale of one day and beta 0.18, consolidated from 3 accesses. */
        public TwoComponent() {
            this(DEFAULT_TAU_SECONDS, DEFAULT_NEOCORTICAL_SCALE_SECONDS, DEFAULT_NEOCORTICAL_BETA,
                    DEFAULT_CONSOLIDATION_ACCESS_COUNT);
        }

        public TwoComponent withTauSeconds(double seconds) {
            return new TwoComponent(seconds, neocorticalScaleSeconds, neocorticalBeta, consolidationAccessCount);
        }

        public TwoComponent withNeocorticalScaleSeconds(double seconds) {
            return new TwoComponent(tauSeconds, seconds, neocorticalBeta, consolidationAccessCount);
        }

        public TwoComponent withNeocorticalBeta(double beta) {
            return new TwoComponent(tauSeconds, neocorticalScaleSeconds, beta, consolidationAccessCount);
        }

        public TwoComponent withConsolidationAccessCount(int count) {
            return new TwoComponent(tauSeconds, neocorticalScaleSeconds, neocorticalBeta, count);
        }

        @Override
        public double retention(double ageSeconds, int accessCount) {
            double t = clampedAge(ageSeconds);
            return accessCount < consolidationAccessCount ? Math.exp(-t / tauSeconds)
                    : powerLaw(t, neocorticalScaleSeconds, neocorticalBeta);
        }
    }

    /**
     * Ebbinghaus's savings function, {@code R = k / ((log10(t / 60))^c + k)} for t of 60 s
     * or more, else 1 (Ebbinghaus 1885; t in seconds, his fit in minutes).
     */
    record Ebbinghaus(double k, double c) implements DecayCurve {
        public static final double DEFAULT_K = 1.84;
        public static final double DEFAULT_C = 1.25;

        public Ebbinghaus {
            requirePositive("k", k);
            requirePositive("c", c);
        }

        /** Ebbinghaus's fit: k = 1.84, c = 1.25. */
        public Ebbinghaus() {
            this(DEFAULT_K, DEFAULT_C);
        }

        public Ebbinghaus withK(double newK) {
            return new Ebbinghaus(newK, c);
        }

        public Ebbinghaus withC(double newC) {
            return new Ebbinghaus(k, newC);
        }

        @Override
        public double retention(double ageSeconds, int accessCount) {
            double t = clampedAge(ageSeconds);
            // t < 60, not t >= 60: a NaN age takes the formula and gives NaN.
            return t < 60 ? 1 : k / (Math.pow(Math.log10(t / 60), c) + k);
        }
    }

    private static double powerLaw(double t, double scaleSeconds, double beta) {
        return Math.pow(1 + t / scaleSeconds, -beta);
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " is " + value
                    + "; it must be a finite number above 0");
        }
    }
}
