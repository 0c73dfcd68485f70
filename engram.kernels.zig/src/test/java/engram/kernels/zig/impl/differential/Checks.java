package engram.kernels.zig.impl.differential;

import java.util.HashSet;
import java.util.Set;

/**
 * The contract's tolerances ({@code docs/kernel-contract.md}), as comparisons of a kernel's
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
    private static final int NEGATIVE_ZERO_BITS = Float.floatToRawIntBits(-0f);

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

        /** This verdict and a later one of the same case: the larger error, both near-tie counts, the first failure. */
        Verdict and(Verdict later) {
            double max = Double.isNaN(error) ? later.error : Double.isNaN(later.error) ? error
                    : Math.max(error, later.error);
            return new Verdict(max, nearTies + later.nearTies, failure != null ? failure : later.failure);
        }

        /** The same verdict with {@code where} before its failure. */
        Verdict at(String where) {
            return failure == null ? this : new Verdict(error, nearTies, where + ": " + failure);
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
        return topK(gotIndex, gotScore, expectIndex, expectScore, rowScores, 0, rowScores.length);
    }

    /**
     * {@link #topK} over rows {@code firstRow .. firstRow + rowCount - 1}: every row named must
     * be one of them, by its absolute number.
     *
     * @param rowScores the exact score of every row of the matrix, by row number
     */
    public static Verdict topK(int[] gotIndex, float[] gotScore, int[] expectIndex, float[] expectScore,
            double[] rowScores, int firstRow, int rowCount) {
        int k = expectIndex.length;
        if (gotIndex.length != k || gotScore.length != k) {
            return Verdict.fail(Double.NaN, gotIndex.length + " rows, expected k = " + k);
        }
        long endRow = (long) firstRow + rowCount;
        Set<Integer> got = new HashSet<>();
        double max = 0;
        for (int i = 0; i < k; i++) {
            int row = gotIndex[i];
            if (row < firstRow || row >= endRow || !got.add(row)) {
                return Verdict.fail(max, "index[" + i + "] = " + row + " is not a row of " + firstRow + ".."
                        + (endRow - 1) + ", or is repeated");
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

    /**
     * Query {@code q}'s part of a batch against the same query's call alone: the same rows in
     * the same order with the same score bits, as the contract requires of a batch.
     */
    public static Verdict identical(int q, int[] batchIndex, float[] batchScore, int[] aloneIndex, float[] aloneScore) {
        if (batchIndex.length != aloneIndex.length || batchScore.length != aloneScore.length) {
            return Verdict.fail(Double.NaN, "query " + q + " of the batch has " + batchIndex.length
                    + " rows, alone " + aloneIndex.length);
        }
        for (int i = 0; i < batchIndex.length; i++) {
            int batchBits = Float.floatToRawIntBits(batchScore[i]);
            int aloneBits = Float.floatToRawIntBits(aloneScore[i]);
            if (batchIndex[i] != aloneIndex[i] || batchBits != aloneBits) {
                return Verdict.fail(0, "query " + q + " of the batch, position " + i + ": (row " + batchIndex[i]
                        + ", " + batchScore[i] + " " + CorpusText.hex(batchScore[i]) + "); alone: (row "
                        + aloneIndex[i] + ", " + aloneScore[i] + " " + CorpusText.hex(aloneScore[i])
                        + "); a batch must give each query its lone result bit for bit");
            }
        }
        return Verdict.pass(0);
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
     * A sparse spread against the dense expectation: the count returned is the activated
     * count; the first {@code min(capacity, count)} entries are the activated nodes in
     * activation order ({@code order}), each with its activation bits and first hop; and, when
     * the outputs were guarded, every entry after them (up to the capacity, and the guard
     * past it) is as it was before the call.
     */
    public static Verdict sparse(Calls.Sparse got, int capacity, int[] order, float[] expectActivation,
            int[] expectFirstHop, int expectCount) {
        if (got.count() != expectCount) {
            return Verdict.fail(0, "returned " + got.count() + ", expected the activated count " + expectCount);
        }
        int written = Math.min(capacity, order.length);
        if (!got.guarded() && got.nodes().length != written) {
            return Verdict.fail(0, "holds " + got.nodes().length + " nodes, expected min(capacity " + capacity
                    + ", activated " + order.length + ") = " + written);
        }
        for (int i = 0; i < written; i++) {
            int node = order[i];
            if (got.nodes()[i] != node) {
                return Verdict.fail(0, "entry " + i + " is node " + got.nodes()[i] + ", expected node " + node
                        + " (activation order: by first hop, then node id)");
            }
            float activation = got.activation()[i];
            if (Float.floatToRawIntBits(activation) != Float.floatToRawIntBits(expectActivation[node])) {
                return Verdict.fail(ulps(activation, expectActivation[node]), "entry " + i + " (node " + node
                        + "): activation " + activation + " (" + CorpusText.hex(activation) + "), expected "
                        + expectActivation[node] + " (" + CorpusText.hex(expectActivation[node])
                        + "): spreading must be bit-identical");
            }
            if (got.firstHop()[i] != expectFirstHop[node]) {
                return Verdict.fail(0, "entry " + i + " (node " + node + "): first hop " + got.firstHop()[i]
                        + ", expected " + expectFirstHop[node]);
            }
        }
        if (got.guarded()) {
            for (int i = written; i < got.nodes().length; i++) {
                if (got.nodes()[i] != Calls.UNWRITTEN
                        || Float.floatToRawIntBits(got.activation()[i]) != Calls.UNWRITTEN
                        || got.firstHop()[i] != Calls.UNWRITTEN) {
                    return Verdict.fail(0, "entry " + i + " was written, past the " + written + " the kernel may"
                            + " write (capacity " + capacity + ", " + order.length + " activated)");
                }
            }
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
            if (Float.floatToRawIntBits(got[i]) == NEGATIVE_ZERO_BITS) {
                return Verdict.fail(max, describe("out[" + i + "]", got[i], expected[i])
                        + ": no decayed strength is -0.0");
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
