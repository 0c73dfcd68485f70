package engram.api.memory;

/**
 * How a recall runs. {@link #DEFAULT} is the spreading mode with 10 seeds of any similarity
 * above 0, spreading 3 hops deep with threshold 0.01 and per-hop factor {@code exp(-0.7 h)},
 * each node firing once, 10 results, at the current time; the {@code with} methods change one
 * setting each.
 *
 * @param mode {@link RecallMode#SPREADING} (all steps) or {@link RecallMode#SIMILARITY} (step 1 only)
 * @param seeds the most similar memories the recall starts from, 1 to {@value #MAX_SEEDS}
 * @param minSimilarity the least cosine similarity of a seed, in [-1, 1]; at 0 or more a seed's
 *     similarity must also be above 0 (a memory orthogonal to the cue is no seed), below 0 it need not
 * @param maxDepth hops of spreading, 1 to 32
 * @param threshold the least activation a memory passes on, 0 or more
 * @param hopRate the per-hop factor's rate: hop h multiplies by {@code exp(-hopRate * h)}, 0 or more
 * @param limit the most results, 1 to {@value #MAX_LIMIT}
 * @param nowMillis the recall's time (milliseconds since 1970) for decay and the access
 *     update, or {@link #NOW} for the current time
 */
public record RecallOptions(RecallMode mode, int seeds, float minSimilarity, int maxDepth, float threshold,
        double hopRate, int limit, long nowMillis) {
    public static final int MAX_SEEDS = 1_000;
    public static final int MAX_LIMIT = 10_000;
    public static final long NOW = -1;
    public static final RecallOptions DEFAULT = new RecallOptions(RecallMode.SPREADING, 10, 0f, 3, 0.01f, 0.7, 10, NOW);

    public RecallOptions {
        if (mode == null) {
            throw new IllegalArgumentException("mode is null; use RecallMode.SPREADING (the default) or SIMILARITY");
        }
        if (seeds < 1 || seeds > MAX_SEEDS) {
            throw new IllegalArgumentException("seeds is " + seeds + "; a recall starts from 1 to " + MAX_SEEDS
                    + " memories (default 10)");
        }
        if (!(minSimilarity >= -1f && minSimilarity <= 1f)) {
            throw new IllegalArgumentException("minSimilarity is " + minSimilarity + "; a cosine similarity is in"
                    + " [-1, 1] (default 0)");
        }
        if (maxDepth < 1 || maxDepth > 32) {
            throw new IllegalArgumentException("maxDepth is " + maxDepth + "; spreading goes 1 to 32 hops (default 3)");
        }
        if (!(threshold >= 0f) || !Float.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold is " + threshold + "; it must be a finite number, 0 or more"
                    + " (default 0.01)");
        }
        if (!(hopRate >= 0) || !Double.isFinite(hopRate)) {
            throw new IllegalArgumentException("hopRate is " + hopRate + "; it must be a finite number, 0 or more"
                    + " (default 0.7)");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit is " + limit + "; a recall returns 1 to " + MAX_LIMIT
                    + " memories (default 10)");
        }
        if (nowMillis < NOW) {
            throw new IllegalArgumentException("nowMillis is " + nowMillis + "; give milliseconds since 1970 (0 or"
                    + " more), or RecallOptions.NOW");
        }
    }

    public RecallOptions withMode(RecallMode value) {
        return new RecallOptions(value, seeds, minSimilarity, maxDepth, threshold, hopRate, limit, nowMillis);
    }

    public RecallOptions withSeeds(int value) {
        return new RecallOptions(mode, value, minSimilarity, maxDepth, threshold, hopRate, limit, nowMillis);
    }

    public RecallOptions withMinSimilarity(float value) {
        return new RecallOptions(mode, seeds, value, maxDepth, threshold, hopRate, limit, nowMillis);
    }

    public RecallOptions withMaxDepth(int value) {
        return new RecallOptions(mode, seeds, minSimilarity, value, threshold, hopRate, limit, nowMillis);
    }

    public RecallOptions withThreshold(float value) {
        return new RecallOptions(mode, seeds, minSimilarity, maxDepth, value, hopRate, limit, nowMillis);
    }

    public RecallOptions withHopRate(double value) {
        return new RecallOptions(mode, seeds, minSimilarity, maxDepth, threshold, value, limit, nowMillis);
    }

    public RecallOptions withLimit(int value) {
        return new RecallOptions(mode, seeds, minSimilarity, maxDepth, threshold, hopRate, value, nowMillis);
    }

    public RecallOptions withNowMillis(long value) {
        return new RecallOptions(mode, seeds, minSimilarity, maxDepth, threshold, hopRate, limit, value);
    }
}
