package engram.api;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The contract's tolerances ({@code docs/kernel-contract.md}) as comparisons of a candidate
 * kernel's results with the reference kernel's for the same call: what a shadow check runs.
 *
 * <p>Each comparison fails only on a difference the contract cannot explain. The reference
 * rounds a double-precision result once, so it lies within half a float32 step of the exact
 * value; a candidate within the contract's tolerance of the exact value then lies within the
 * tolerance plus that half step of the reference, and that is what is allowed here.
 */
public final class KernelTolerance {
    /** |kernel - exact| allowed for a cosine score. */
    public static final double COSINE_ABSOLUTE = 1e-6;
    /** Two top-k lists may name different rows only where the rows' scores lie this close. */
    public static final double TOPK_TIE_WINDOW = 2e-6;
    /** |kernel - exact| / |exact| allowed for a decayed strength. */
    public static final double DECAY_RELATIVE = 1e-6;

    private KernelTolerance() {
    }

    /**
     * The outcome of one comparison.
     *
     * @param agrees whether the candidate is within the contract
     * @param maxError the largest difference seen (absolute for scores, relative for decay)
     * @param difference the first difference beyond the contract, or the empty string
     */
    public record Verdict(boolean agrees, double maxError, String difference) {
        static Verdict agree(double maxError) {
            return new Verdict(true, maxError, "");
        }

        static Verdict differ(double maxError, String difference) {
            return new Verdict(false, maxError, difference);
        }
    }

    /** Cosine scores: each within {@link #COSINE_ABSOLUTE} (plus the reference's rounding); NaN exactly where NaN. */
    public static Verdict cosine(float[] reference, float[] candidate) {
        if (reference.length != candidate.length) {
            return Verdict.differ(Double.NaN, candidate.length + " scores, the reference has " + reference.length);
        }
        double max = 0;
        for (int i = 0; i < reference.length; i++) {
            String nan = nanMismatch("score " + i, reference[i], candidate[i]);
            if (nan != null) {
                return Verdict.differ(max, nan);
            }
            double error = Math.abs((double) candidate[i] - reference[i]);
            max = Double.isNaN(error) ? max : Math.max(max, error);
            if (error > COSINE_ABSOLUTE + halfStep(reference[i])) {
                return Verdict.differ(max, "score " + i + " is " + candidate[i] + ", the reference's " + reference[i]
                        + ": more than " + COSINE_ABSOLUTE + " apart");
            }
        }
        return Verdict.agree(max);
    }

    /**
     * Top-k lists by the contract's rule: the candidate's list is in the contract's order by
     * its own scores with no row twice; a row both lists hold scores alike in both; the lists
     * may name different rows at a position only where those rows score within
     * {@link #TOPK_TIE_WINDOW} of each other, and hold different rows only where those rows
     * score within {@link #TOPK_TIE_WINDOW} of the k-th score.
     */
    public static Verdict topK(TopK reference, TopK candidate) {
        int k = reference.size();
        if (candidate.size() != k) {
            return Verdict.differ(Double.NaN, candidate.size() + " rows, the reference has " + k);
        }
        double window = TOPK_TIE_WINDOW + COSINE_ABSOLUTE;
        double max = 0;
        Set<Integer> candidateRows = new HashSet<>();
        for (int i = 0; i < k; i++) {
            if (!candidateRows.add(candidate.index(i))) {
                return Verdict.differ(max, "row " + candidate.index(i) + " is listed twice");
            }
            if (i > 0 && !ranksBefore(candidate.score(i - 1), candidate.index(i - 1), candidate.score(i),
                    candidate.index(i))) {
                return Verdict.differ(max, "out of order at ranks " + (i - 1) + " and " + i + ": (row "
                        + candidate.index(i - 1) + ", " + candidate.score(i - 1) + ") then (row " + candidate.index(i)
                        + ", " + candidate.score(i) + ")");
            }
        }
        Map<Integer, Integer> referenceRank = new HashMap<>();
        for (int i = 0; i < k; i++) {
            referenceRank.put(reference.index(i), i);
        }
        for (int i = 0; i < k; i++) {
            int row = candidate.index(i);
            Integer j = referenceRank.get(row);
            if (j != null) {
                String nan = nanMismatch("row " + row, reference.score(j), candidate.score(i));
                if (nan != null) {
                    return Verdict.differ(max, nan);
                }
                double error = Math.abs((double) candidate.score(i) - reference.score(j));
                max = Double.isNaN(error) ? max : Math.max(max, error);
                if (error > COSINE_ABSOLUTE + halfStep(reference.score(j))) {
                    return Verdict.differ(max, "row " + row + " scores " + candidate.score(i) + ", the reference "
                            + reference.score(j) + ": more than " + COSINE_ABSOLUTE + " apart");
                }
            }
            if (row != reference.index(i) && !near(candidate.score(i), reference.score(i), window)) {
                return Verdict.differ(max, "rank " + i + " holds row " + row + " (" + candidate.score(i)
                        + ") where the reference has row " + reference.index(i) + " (" + reference.score(i)
                        + "); only rows within " + TOPK_TIE_WINDOW + " of each other may trade places");
            }
            if (j == null && !near(candidate.score(i), reference.score(k - 1), window)) {
                return Verdict.differ(max, "row " + row + " (" + candidate.score(i) + ") is not in the reference's top "
                        + k + " and not within " + TOPK_TIE_WINDOW + " of its k-th score " + reference.score(k - 1));
            }
        }
        for (int i = 0; i < k; i++) {
            if (!candidateRows.contains(reference.index(i))
                    && !near(reference.score(i), candidate.score(k - 1), window)) {
                return Verdict.differ(max, "the reference's row " + reference.index(i) + " (" + reference.score(i)
                        + ") is missing, and is not within " + TOPK_TIE_WINDOW + " of the k-th score "
                        + candidate.score(k - 1));
            }
        }
        return Verdict.agree(max);
    }

    /** Dense spreading: activations (bit for bit), first hops and the count all identical. */
    public static Verdict spread(SpreadResult reference, SpreadResult candidate) {
        if (reference.nodeCount() != candidate.nodeCount()) {
            return Verdict.differ(Double.NaN, candidate.nodeCount() + " nodes, the reference has "
                    + reference.nodeCount());
        }
        for (int v = 0; v < reference.nodeCount(); v++) {
            String difference = sameNode("node " + v, reference.activation(v), reference.firstHop(v),
                    candidate.activation(v), candidate.firstHop(v));
            if (difference != null) {
                return Verdict.differ(Double.NaN, difference);
            }
        }
        return reference.activatedCount() == candidate.activatedCount() ? Verdict.agree(0)
                : Verdict.differ(0, "activated count " + candidate.activatedCount() + ", the reference's "
                        + reference.activatedCount());
    }

    /** Sparse spreading: the same nodes in the same order, activations bit for bit, the same counts. */
    public static Verdict reached(ReachedNodes reference, ReachedNodes candidate) {
        if (reference.reachedCount() != candidate.reachedCount() || reference.size() != candidate.size()) {
            return Verdict.differ(Double.NaN, candidate.size() + " of " + candidate.reachedCount()
                    + " activated nodes, the reference " + reference.size() + " of " + reference.reachedCount());
        }
        for (int i = 0; i < reference.size(); i++) {
            if (reference.node(i) != candidate.node(i)) {
                return Verdict.differ(Double.NaN, "position " + i + " holds node " + candidate.node(i)
                        + ", the reference's node " + reference.node(i));
            }
            String difference = sameNode("node " + reference.node(i), reference.activation(i), reference.firstHop(i),
                    candidate.activation(i), candidate.firstHop(i));
            if (difference != null) {
                return Verdict.differ(Double.NaN, difference);
            }
        }
        return Verdict.agree(0);
    }

    /** Decayed strengths: each within {@link #DECAY_RELATIVE} relative (plus the reference's rounding). */
    public static Verdict decay(float[] reference, float[] candidate) {
        if (reference.length != candidate.length) {
            return Verdict.differ(Double.NaN, candidate.length + " strengths, the reference has " + reference.length);
        }
        double max = 0;
        for (int i = 0; i < reference.length; i++) {
            String nan = nanMismatch("strength " + i, reference[i], candidate[i]);
            if (nan != null) {
                return Verdict.differ(max, nan);
            }
            double scale = Math.max(Math.abs(reference[i]), Float.MIN_NORMAL);
            double error = Math.abs((double) candidate[i] - reference[i]) / scale;
            max = Double.isNaN(error) ? max : Math.max(max, error);
            if (Math.abs((double) candidate[i] - reference[i]) > DECAY_RELATIVE * scale + halfStep(reference[i])) {
                return Verdict.differ(max, "strength " + i + " is " + candidate[i] + ", the reference's "
                        + reference[i] + ": more than " + DECAY_RELATIVE + " relative apart");
            }
        }
        return Verdict.agree(max);
    }

    /** The contract's top-k order: score descending, then index ascending; NaN after every number. */
    public static boolean ranksBefore(float scoreA, int indexA, float scoreB, int indexB) {
        boolean nanA = Float.isNaN(scoreA);
        boolean nanB = Float.isNaN(scoreB);
        if (nanA || nanB) {
            return nanA == nanB ? indexA < indexB : nanB;
        }
        if (scoreA != scoreB) {
            return scoreA > scoreB;
        }
        return indexA < indexB;
    }

    private static boolean near(float a, float b, double window) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && Float.isNaN(b);
        }
        return Math.abs((double) a - b) <= window + halfStep(b);
    }

    private static double halfStep(float value) {
        return Float.isFinite(value) ? Math.ulp(value) / 2 : 0;
    }

    private static String sameNode(String what, float referenceActivation, int referenceHop, float activation,
            int hop) {
        if (Float.floatToRawIntBits(referenceActivation) != Float.floatToRawIntBits(activation)) {
            return what + " has activation " + activation + " (bits 0x" + Integer.toHexString(Float.floatToRawIntBits(
                    activation)) + "), the reference " + referenceActivation + " (0x"
                    + Integer.toHexString(Float.floatToRawIntBits(referenceActivation)) + "); spreading is bit-identical";
        }
        return referenceHop == hop ? null
                : what + " was first activated at hop " + hop + ", by the reference at hop " + referenceHop;
    }

    private static String nanMismatch(String what, float reference, float candidate) {
        if (Float.isNaN(reference) == Float.isNaN(candidate)) {
            return null;
        }
        return what + " is " + candidate + ", the reference's " + reference + ": NaN must meet NaN, and only NaN";
    }
}
