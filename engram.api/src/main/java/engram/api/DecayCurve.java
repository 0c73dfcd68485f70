package engram.api;

/**
 * A forgetting curve: the retention R(t) of a memory of age t seconds, with R(0) = 1
 * and R decreasing. Each constant is validated when the curve is made.
 */
public sealed interface DecayCurve {

    /** {@code R = 2^(-t / halfLifeSeconds)}: a true half-life, R(halfLife) = 0.5. */
    record Exponential(double halfLifeSeconds) implements DecayCurve {
        public static final double DEFAULT_HALF_LIFE_SECONDS = 86_400;

        public Exponential {
            requirePositive("halfLifeSeconds", halfLifeSeconds);
        }

        public Exponential() {
            this(DEFAULT_HALF_LIFE_SECONDS);
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

        public PowerLaw() {
            this(DEFAULT_SCALE_SECONDS, DEFAULT_BETA);
        }
    }

    /**
     * Hippocampal {@code exp(-t / tauSeconds)} while a memory's access count is below
     * {@code consolidationAccessCount}, neocortical
     * {@code (1 + t / neocorticalScaleSeconds)^(-neocorticalBeta)} from then on.
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

        public TwoComponent() {
            this(DEFAULT_TAU_SECONDS, DEFAULT_NEOCORTICAL_SCALE_SECONDS, DEFAULT_NEOCORTICAL_BETA,
                    DEFAULT_CONSOLIDATION_ACCESS_COUNT);
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

        public Ebbinghaus() {
            this(DEFAULT_K, DEFAULT_C);
        }
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " is " + value
                    + "; it must be a finite number above 0");
        }
    }
}
