package engram.kernels.java.impl;

/** The contract's top-k order: score descending, then index ascending; NaN after every number. */
final class TopKOrder {
    private TopKOrder() {
    }

    /** Whether (scoreA, indexA) ranks before (scoreB, indexB). Scores compare numerically: -0.0 equals 0.0. */
    static boolean before(float scoreA, int indexA, float scoreB, int indexB) {
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
}
