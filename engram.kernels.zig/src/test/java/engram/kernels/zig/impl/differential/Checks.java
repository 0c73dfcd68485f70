package engram.kernels.zig.impl.differential;

import java.util.HashSet;
import java.util.Set;

/**
 * The contract's tolerances ({@code kernel-contract.md}), as comparisons of a kernel's
 * output with the expected one. Each returns a {@link Verdict}: the largest error seen and,
 * when a value is beyond its tolerance, a description of the first such value.
 */
public final class Checks {
    /** |kernel - exact| allowed for a cosine score. */
    public static final double COSINE_ABSOLUTE = 1e-6;
    /** Top-k lists may differ only among rows whose scores lie this close. */
    public static final double TOPK_TIE_WINDOW = 2e-6;
    /** |kernel - exact| / |exact| allowed for a decayed strength. */
    public static final double DECAY_RELATIVE = 1e-6;

    private Checks() {
    }

    /**
     * What one comparison found.
     *
     * @param error the largest error seen (absolute for cosine and top-k scores, relative for decay)
     * @param nearTies top-k positions where the lists name different rows of near-equal score
     * @param failure the first value beyond tolerance, or null
     */
    public record Verdict(double error, int nearTies, String failure) {
        static Verdict pass(double error) {
            return new Verdict(error, 0, null);
        }

        static Verdict fail(double error, String failure) {
            return new Verdict(error, 0, failure);
        }

        public boolean failed() {
            return failure != null;
        }
    }

    /** Cosine scores within {@link #COSINE_ABSOLUTE} of {@code expected}; NaN where it is NaN. */
    public static Verdict cosine(float[] got, double[] expected) {
        if (got.length != expected.length) {
            return Verdict.fail(Double.NaN, got.length + " scores, expected " + expected.length);
        }
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            String nan = nanMismatch("out[" + i + "]", got[i], expected[i]);
            if (nan != null) {
                return Verdict.fail(max, nan);
            }
            double error = Math.abs(got[i] - expected[i]);
            max = Double.isNaN(error) ? max : Math.max(max, error);
            if (error > COSINE_ABSOLUTE) {
                return Verdict.fail(max, describe("out[" + i + "]", got[i], expected[i]) + ": error "
                        + String.format("%.3g", error) + " > " + COSINE_ABSOLUTE);
            }
        }
        return Verdict.pass(max);
    }

    /**
     * A top-k answer against the expected one, by the contract's rule: the list is in the
     * contract's order (score descending, then index ascending, NaN last) by its own scores;
     * each score is within {@link #COSINE_ABSOLUTE} of its row's exact score; where the two
     * lists name different rows at one position, the rows' scores are within
     * {@link #TOPK_TIE_WINDOW} of each other; and a row in one list but not in the other has
     * a score within {@link #TOPK_TIE_WINDOW} of the expected k-th score.
     *
     * @param rowScores the exact score of every row
     */
    public static Verdict topK(int[] gotIndex, float[] gotScore, int[] expectIndex, float[] expectScore,
            double[] rowScores) {
        int k = expectIndex.length;
        if (gotIndex.length != k || gotScore.length != k) {
            return Verdict.fail(Double.NaN, gotIndex.length + " rows, expected k = " + k);
        }
        Set<Integer> got = new HashSet<>();
        double max = 0;
        for (int i = 0; i < k; i++) {
            int row = gotIndex[i];
            if (row < 0 || row >= rowScores.length || !got.add(row)) {
                return Verdict.fail(max, "index[" + i + "] = " + row + " is out of range or repeated");
            }
            String where = "score[" + i + "] (row " + row + ")";
            String nan = nanMismatch(where, gotScore[i], rowScores[row]);
            if (nan != null) {
                return Verdict.fail(max, nan);
            }
            double error = Math.abs(gotScore[i] - rowScores[row]);
            max = Double.isNaN(error) ? max : Math.max(max, error);
            if (error > COSINE_ABSOLUTE) {
                return Verdict.fail(max, describe(where, gotScore[i], rowScores[row]) + ": error "
                        + String.format("%.3g", error) + " > " + COSINE_ABSOLUTE);
            }
            if (i > 0 && !Oracle.ranksBefore(gotScore[i - 1], gotIndex[i - 1], gotScore[i], row)) {
                return Verdict.fail(max, "out of order at " + (i - 1) + ".." + i + ": (row " + gotIndex[i - 1]
                        + ", " + gotScore[i - 1] + ") then (row " + row + ", " + gotScore[i]
                        + "); the order is score descending, then index ascending");
            }
        }
        int nearTies = 0;
        for (int i = 0; i < k; i++) {
            if (gotIndex[i] != expectIndex[i]) {
                double a = rowScores[gotIndex[i]];
                double b = rowScores[expectIndex[i]];
                if (!(Math.abs(a - b) <= TOPK_TIE_WINDOW)) {
                    return Verdict.fail(max, "position " + i + " holds row " + gotIndex[i] + " (score " + a
                            + ") where the reference has row " + expectIndex[i] + " (score " + b
                            + "); only rows within " + TOPK_TIE_WINDOW + " of each other may trade places");
                }
                nearTies++;
            }
        }
        Set<Integer> expected = new HashSet<>();
        for (int row : expectIndex) {
            expected.add(row);
        }
        double kth = expectScore[k - 1];
        for (int row : symmetricDifference(got, expected)) {
            if (!(Math.abs(rowScores[row] - kth) <= TOPK_TIE_WINDOW)) {
                return Verdict.fail(max, "row " + row + " (score " + rowScores[row] + ") is in "
                        + (got.contains(row) ? "this" : "the reference's") + " top " + k + " but not in the "
                        + (got.contains(row) ? "reference's" : "other") + ", and is not within " + TOPK_TIE_WINDOW
                        + " of the k-th score " + kth);
            }
        }
        return new Verdict(max, nearTies, null);
    }

    private static Set<Integer> symmetricDifference(Set<Integer> a, Set<Integer> b) {
        Set<Integer> out = new HashSet<>(a);
        out.addAll(b);
        Set<Integer> both = new HashSet<>(a);
        both.retainAll(b);
        out.removeAll(both);
        return out;
    }

    /** Spreading: activation bits, first hops and the activated count all identical. */
    public static Verdict spread(float[] activation, int[] firstHop, int count, float[] expectActivation,
            int[] expectFirstHop, int expectCount) {
        if (activation.length != expectActivation.length || firstHop.length != expectFirstHop.length) {
            return Verdict.fail(Double.NaN, "output lengths " + activation.length + "/" + firstHop.length
                    + ", expected " + expectActivation.length);
        }
        for (int v = 0; v < activation.length; v++) {
            if (Float.floatToRawIntBits(activation[v]) != Float.floatToRawIntBits(expectActivation[v])) {
                return Verdict.fail(ulps(activation[v], expectActivation[v]), "activation[" + v + "] = "
                        + activation[v] + " (" + CorpusText.hex(activation[v]) + "), expected " + expectActivation[v]
                        + " (" + CorpusText.hex(expectActivation[v]) + "): spreading must be bit-identical");
            }
            if (firstHop[v] != expectFirstHop[v]) {
                return Verdict.fail(0, "firstHop[" + v + "] = " + firstHop[v] + ", expected " + expectFirstHop[v]);
            }
        }
        if (count != expectCount) {
            return Verdict.fail(0, "activated count " + count + ", expected " + expectCount);
        }
        return Verdict.pass(0);
    }

    /**
     * Decayed strengths within {@link #DECAY_RELATIVE} of {@code expected}. The error is
     * relative to {@code max(|expected|, Float.MIN_NORMAL)}: below the normal float32 range
     * the result carries fewer bits, and rounding to it is exact to half a subnormal step.
     */
    public static Verdict decay(float[] got, double[] expected) {
        if (got.length != expected.length) {
            return Verdict.fail(Double.NaN, got.length + " strengths, expected " + expected.length);
        }
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            String nan = nanMismatch("out[" + i + "]", got[i], expected[i]);
            if (nan != null) {
                return Verdict.fail(max, nan);
            }
            double error = Math.abs(got[i] - expected[i]) / Math.max(Math.abs(expected[i]), Float.MIN_NORMAL);
            max = Double.isNaN(error) ? max : Math.max(max, error);
            if (error > DECAY_RELATIVE) {
                return Verdict.fail(max, describe("out[" + i + "]", got[i], expected[i]) + ": relative error "
                        + String.format("%.3g", error) + " > " + DECAY_RELATIVE);
            }
        }
        return Verdict.pass(max);
    }

    /** The distance in float32 steps between two values, for reports. */
    private static double ulps(float a, float b) {
        return Math.abs((double) Float.floatToRawIntBits(a) - Float.floatToRawIntBits(b));
    }

    private static String nanMismatch(String where, float got, double expected) {
        if (Float.isNaN(got) == Double.isNaN(expected)) {
            return null;
        }
        return describe(where, got, expected) + ": NaN must give NaN, and only NaN";
    }

    private static String describe(String where, float got, double expected) {
        return where + " = " + got + " (" + CorpusText.hex(got) + "), expected " + expected;
    }
}
