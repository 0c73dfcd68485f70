package engram.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import engram.api.KernelTolerance.Verdict;

/**
 * {@link KernelTolerance}: each rule of the contract with a case it allows and one it refuses, so
 * that a shadow check neither misses a wrong kernel nor flags a right one.
 */
class KernelToleranceTest {

    /** The float nearest {@code reference + offset} that lies no further than {@code |offset|} from it. */
    private static float offsetBy(float reference, double offset) {
        float candidate = (float) (reference + offset);
        while (Math.abs((double) candidate - reference) > Math.abs(offset)) {
            candidate = Math.nextAfter(candidate, reference);
        }
        return candidate;
    }

    private static void assertAgrees(Verdict verdict) {
        assertTrue(verdict.agrees(), () -> "expected agreement, got: " + verdict.difference());
        assertEquals("", verdict.difference());
    }

    private static void assertDiffers(Verdict verdict, String expectedInDifference) {
        assertFalse(verdict.agrees(), "expected a difference mentioning '" + expectedInDifference + "'");
        assertTrue(verdict.difference().contains(expectedInDifference),
                () -> "the difference should mention '" + expectedInDifference + "': " + verdict.difference());
    }

    private static TopK top(int[] indices, float[] scores) {
        return new TopK(indices, scores);
    }

    @Test
    void theConstantsAreThoseOfTheContract() {
        assertEquals(1e-6, KernelTolerance.COSINE_ABSOLUTE);
        assertEquals(2e-6, KernelTolerance.TOPK_TIE_WINDOW);
        assertEquals(1e-6, KernelTolerance.DECAY_RELATIVE);
    }

    @Nested
    class Cosine {
        @Test
        void identicalScoresAgreeWithNoError() {
            float[] scores = {1f, -1f, 0f, 0.3f, Float.MIN_VALUE};
            Verdict verdict = KernelTolerance.cosine(scores, scores.clone());
            assertAgrees(verdict);
            assertEquals(0, verdict.maxError());
        }

        @Test
        void withinOneMillionthAgrees() {
            float[] reference = {0.5f, -0.75f, 0f};
            float[] candidate = {offsetBy(0.5f, 1e-6), offsetBy(-0.75f, -1e-6), offsetBy(0f, 1e-6)};
            Verdict verdict = KernelTolerance.cosine(reference, candidate);
            assertAgrees(verdict);
            assertTrue(verdict.maxError() > 0.9e-6 && verdict.maxError() <= 1e-6, "max error " + verdict.maxError());
        }

        @Test
        void twoMillionthsOffDiffers() {
            float[] reference = {0.5f, 0.25f};
            Verdict verdict = KernelTolerance.cosine(reference, new float[] {0.5f, offsetBy(0.25f, 2e-6)});
            assertDiffers(verdict, "score 1");
            assertTrue(verdict.maxError() > 1.9e-6, "max error " + verdict.maxError());
            assertDiffers(KernelTolerance.cosine(reference, new float[] {offsetBy(0.5f, -2e-6), 0.25f}), "score 0");
        }

        @Test
        void nanMustMeetNaN() {
            assertAgrees(KernelTolerance.cosine(new float[] {Float.NaN, 0.5f}, new float[] {Float.NaN, 0.5f}));
            assertDiffers(KernelTolerance.cosine(new float[] {Float.NaN}, new float[] {0f}), "NaN must meet NaN");
            assertDiffers(KernelTolerance.cosine(new float[] {0f}, new float[] {Float.NaN}), "NaN must meet NaN");
        }

        @Test
        void differentLengthsDiffer() {
            assertDiffers(KernelTolerance.cosine(new float[2], new float[3]), "3 scores, the reference has 2");
        }
    }

    @Nested
    class TopKLists {
        @Test
        void identicalListsAgree() {
            TopK reference = top(new int[] {4, 0, 9}, new float[] {0.9f, 0.5f, Float.NaN});
            assertAgrees(KernelTolerance.topK(reference, top(new int[] {4, 0, 9}, new float[] {0.9f, 0.5f,
                    Float.NaN})));
        }

        @Test
        void aSwapOfTwoRowsWithin2e6Agrees() {
            // Rows 3 and 7 score 1.5e-6 apart; the candidate, within 1e-6 of each, ranks them the other way.
            float high = 0.8f;
            float low = offsetBy(high, -1.5e-6);
            TopK reference = top(new int[] {1, 3, 7, 2}, new float[] {0.95f, high, low, 0.1f});
            TopK candidate = top(new int[] {1, 7, 3, 2},
                    new float[] {0.95f, offsetBy(low, 0.9e-6), offsetBy(high, -0.9e-6), 0.1f});
            assertAgrees(KernelTolerance.topK(reference, candidate));
        }

        @Test
        void aSwapOfRowsFarApartDiffers() {
            TopK reference = top(new int[] {1, 3, 7}, new float[] {0.95f, 0.801f, 0.8f});
            // Keeping each row's own score, the swap is out of order.
            assertDiffers(KernelTolerance.topK(reference, top(new int[] {1, 7, 3}, new float[] {0.95f, 0.8f, 0.801f})),
                    "out of order at ranks 1 and 2");
            // Moving the scores with the rows, each row scores 1e-3 from the reference.
            assertDiffers(KernelTolerance.topK(reference, top(new int[] {1, 7, 3}, new float[] {0.95f, 0.801f, 0.8f})),
                    "row 7 scores 0.801");
        }

        @Test
        void aRowScoredWronglyDiffers() {
            TopK reference = top(new int[] {1, 3}, new float[] {0.95f, 0.5f});
            assertAgrees(KernelTolerance.topK(reference, top(new int[] {1, 3}, new float[] {0.95f,
                    offsetBy(0.5f, 1e-6)})));
            assertDiffers(KernelTolerance.topK(reference, top(new int[] {1, 3}, new float[] {0.95f,
                    offsetBy(0.5f, 2e-6)})), "row 3 scores");
        }

        @Test
        void aRowInOneListOnlyAgreesWhenWithin2e6OfTheKthScore() {
            float kth = 0.5f;
            TopK reference = top(new int[] {0, 1}, new float[] {0.9f, kth});
            // Row 2, not in the reference's list, scores 1.5e-6 below its k-th score: a near tie at the cut.
            assertAgrees(KernelTolerance.topK(reference, top(new int[] {0, 2}, new float[] {0.9f,
                    offsetBy(kth, -1.5e-6)})));
            assertDiffers(KernelTolerance.topK(reference, top(new int[] {0, 2}, new float[] {0.9f, 0.49f})),
                    "row 2");
            // The other way round: the reference's k-th row is missing from the candidate's list.
            TopK far = top(new int[] {0, 1}, new float[] {0.9f, 0.7f});
            assertDiffers(KernelTolerance.topK(far, top(new int[] {0, 2}, new float[] {0.9f, 0.69f})), "row 2");
            assertAgrees(KernelTolerance.topK(top(new int[] {0, 2}, new float[] {0.9f, offsetBy(kth, -1.5e-6)}),
                    top(new int[] {0, 1}, new float[] {0.9f, kth})));
        }

        @Test
        void droppingARowFarAboveTheCutDiffers() {
            // The candidate drops row 1 (0.8) and lists rows 2 and 3 (0.5 and 0.5): row 1 must be there.
            TopK reference = top(new int[] {0, 1, 2}, new float[] {0.9f, 0.8f, 0.5f});
            assertDiffers(KernelTolerance.topK(reference, top(new int[] {0, 2, 3}, new float[] {0.9f, 0.5f, 0.5f})),
                    "rank 1 holds row 2");
        }

        @Test
        void anOutOfOrderCandidateDiffers() {
            TopK reference = top(new int[] {1, 0}, new float[] {0.9f, 0.5f});
            assertDiffers(KernelTolerance.topK(reference, top(new int[] {0, 1}, new float[] {0.5f, 0.9f})),
                    "out of order at ranks 0 and 1");
            // Equal scores must come in row order.
            TopK tied = top(new int[] {2, 5}, new float[] {0.5f, 0.5f});
            assertAgrees(KernelTolerance.topK(tied, top(new int[] {2, 5}, new float[] {0.5f, 0.5f})));
            assertDiffers(KernelTolerance.topK(tied, top(new int[] {5, 2}, new float[] {0.5f, 0.5f})), "out of order");
            // NaN after every number.
            TopK nanLast = top(new int[] {3, 1}, new float[] {-1f, Float.NaN});
            assertDiffers(KernelTolerance.topK(nanLast, top(new int[] {1, 3}, new float[] {Float.NaN, -1f})),
                    "out of order");
        }

        @Test
        void aDuplicateRowDiffers() {
            TopK reference = top(new int[] {1, 0}, new float[] {0.9f, 0.5f});
            assertDiffers(KernelTolerance.topK(reference, top(new int[] {1, 1}, new float[] {0.9f, 0.9f})),
                    "row 1 is listed twice");
        }

        @Test
        void theContractsCaseOfASubnormalAndAZeroFlippedAtTheEndAgrees() {
            // The reference scores row 2 1.4e-45 and row 1 0.0; rounding elsewhere flips the two.
            TopK reference = top(new int[] {5, 2, 1}, new float[] {0.7f, Float.MIN_VALUE, 0f});
            TopK candidate = top(new int[] {5, 1, 2}, new float[] {0.7f, Float.MIN_VALUE, 0f});
            assertAgrees(KernelTolerance.topK(reference, candidate));
            // With the cut between them, each list holds the row the other lacks.
            assertAgrees(KernelTolerance.topK(top(new int[] {5, 2}, new float[] {0.7f, Float.MIN_VALUE}),
                    top(new int[] {5, 1}, new float[] {0.7f, Float.MIN_VALUE})));
            // -0.0 equals 0.0: an orthogonal row scored -0.0 ties with one scored 0.0, in row order.
            assertAgrees(KernelTolerance.topK(top(new int[] {1, 4}, new float[] {0f, -0f}),
                    top(new int[] {1, 4}, new float[] {-0f, 0f})));
        }

        @Test
        void nanMustMeetNaN() {
            TopK reference = top(new int[] {0, 1}, new float[] {0.5f, Float.NaN});
            assertDiffers(KernelTolerance.topK(reference, top(new int[] {0, 1}, new float[] {0.5f, 0.25f})),
                    "NaN must meet NaN");
        }

        @Test
        void differentLengthsDiffer() {
            assertDiffers(KernelTolerance.topK(top(new int[] {0}, new float[] {1f}), top(new int[] {0, 1},
                    new float[] {1f, 0f})), "2 rows, the reference has 1");
        }
    }

    @Nested
    class Spreading {
        private final SpreadResult reference = new SpreadResult(new float[] {1f, 0.5f, 0f, 0.125f},
                new int[] {0, 1, -1, 2}, 3);

        @Test
        void identicalResultsAgree() {
            assertAgrees(KernelTolerance.spread(reference, new SpreadResult(reference.activations(),
                    reference.firstHops(), 3)));
        }

        @Test
        void oneFlippedActivationBitDiffers() {
            float[] activation = reference.activations();
            activation[3] = Float.intBitsToFloat(Float.floatToRawIntBits(activation[3]) ^ 1);
            assertDiffers(KernelTolerance.spread(reference, new SpreadResult(activation, reference.firstHops(), 3)),
                    "node 3 has activation");
        }

        @Test
        void minusZeroIsNotZeroHere() {
            float[] activation = reference.activations();
            activation[2] = -0f;
            assertDiffers(KernelTolerance.spread(reference, new SpreadResult(activation, reference.firstHops(), 3)),
                    "node 2");
        }

        @Test
        void anotherFirstHopOrCountDiffers() {
            int[] firstHop = reference.firstHops();
            firstHop[1] = 2;
            assertDiffers(KernelTolerance.spread(reference, new SpreadResult(reference.activations(), firstHop, 3)),
                    "node 1 was first activated at hop 2");
            assertDiffers(KernelTolerance.spread(reference, new SpreadResult(reference.activations(),
                    reference.firstHops(), 4)), "activated count 4");
            assertDiffers(KernelTolerance.spread(reference, new SpreadResult(new float[3], new int[3], 3)),
                    "3 nodes, the reference has 4");
        }
    }

    @Nested
    class Reached {
        private final ReachedNodes reference = new ReachedNodes(new int[] {0, 3, 1}, new float[] {1f, 1f, 0.5f},
                new int[] {0, 0, 1}, 3);

        @Test
        void identicalResultsAgree() {
            assertAgrees(KernelTolerance.reached(reference, new ReachedNodes(reference.nodes(), reference.activations(),
                    reference.firstHops(), 3)));
        }

        @Test
        void oneFlippedActivationBitDiffers() {
            float[] activations = reference.activations();
            activations[2] = Float.intBitsToFloat(Float.floatToRawIntBits(activations[2]) ^ 1);
            assertDiffers(KernelTolerance.reached(reference, new ReachedNodes(reference.nodes(), activations,
                    reference.firstHops(), 3)), "node 1 has activation");
        }

        @Test
        void anotherOrderHopOrCountDiffers() {
            assertDiffers(KernelTolerance.reached(reference, new ReachedNodes(new int[] {3, 0, 1},
                    reference.activations(), reference.firstHops(), 3)), "position 0 holds node 3");
            assertDiffers(KernelTolerance.reached(reference, new ReachedNodes(reference.nodes(),
                    reference.activations(), new int[] {0, 0, 2}, 3)), "first activated at hop 2");
            assertDiffers(KernelTolerance.reached(reference, new ReachedNodes(reference.nodes(),
                    reference.activations(), reference.firstHops(), 4)), "3 of 4 activated nodes");
            assertDiffers(KernelTolerance.reached(reference, new ReachedNodes(new int[] {0, 3}, new float[] {1f, 1f},
                    new int[] {0, 0}, 3)), "2 of 3 activated nodes");
        }
    }

    @Nested
    class Decay {
        @Test
        void identicalStrengthsAgree() {
            float[] strengths = {1f, 0.5f, 0f, Float.MIN_VALUE, Float.NaN};
            assertAgrees(KernelTolerance.decay(strengths, strengths.clone()));
        }

        @Test
        void oneTenMillionthRelativeAgrees() {
            float[] reference = {0.5f, 3e-5f};
            Verdict verdict = KernelTolerance.decay(reference, new float[] {(float) (0.5 * (1 + 1e-7)),
                    (float) (3e-5 * (1 - 1e-7))});
            assertAgrees(verdict);
            assertTrue(verdict.maxError() < 2e-7, "max error " + verdict.maxError());
        }

        @Test
        void fourMillionthsRelativeDiffers() {
            assertDiffers(KernelTolerance.decay(new float[] {0.5f}, new float[] {(float) (0.5 * (1 + 4e-6))}),
                    "strength 0");
            assertDiffers(KernelTolerance.decay(new float[] {1f, 3e-5f}, new float[] {1f, (float) (3e-5 * (1 - 4e-6))}),
                    "strength 1");
        }

        @Test
        void belowTheNormalRangeTheScaleIsTheLeastNormal() {
            // A subnormal reference: one subnormal step is far below 1e-6 of the least normal float32.
            float reference = 100 * Float.MIN_VALUE;
            assertAgrees(KernelTolerance.decay(new float[] {reference}, new float[] {reference + Float.MIN_VALUE}));
            assertAgrees(KernelTolerance.decay(new float[] {0f}, new float[] {Float.MIN_VALUE}));
            assertDiffers(KernelTolerance.decay(new float[] {0f}, new float[] {1e-40f}), "strength 0");
        }

        @Test
        void nanMustMeetNaN() {
            assertDiffers(KernelTolerance.decay(new float[] {Float.NaN}, new float[] {0f}), "NaN must meet NaN");
            assertDiffers(KernelTolerance.decay(new float[] {0.1f}, new float[] {Float.NaN}), "NaN must meet NaN");
        }

        @Test
        void differentLengthsDiffer() {
            assertDiffers(KernelTolerance.decay(new float[1], new float[0]), "0 strengths, the reference has 1");
        }
    }

    @Test
    void ranksBeforeIsTheContractsOrder() {
        assertTrue(KernelTolerance.ranksBefore(0.9f, 5, 0.5f, 1), "higher score first");
        assertTrue(KernelTolerance.ranksBefore(0.5f, 1, 0.5f, 5), "then lower row");
        assertFalse(KernelTolerance.ranksBefore(0.5f, 5, 0.5f, 1));
        assertTrue(KernelTolerance.ranksBefore(-0f, 1, 0f, 2), "-0.0 ties with 0.0");
        assertTrue(KernelTolerance.ranksBefore(0f, 1, -0f, 2));
        assertFalse(KernelTolerance.ranksBefore(-0f, 2, 0f, 1));
        assertTrue(KernelTolerance.ranksBefore(-1f, 9, Float.NaN, 0), "NaN after every number");
        assertFalse(KernelTolerance.ranksBefore(Float.NaN, 0, Float.NEGATIVE_INFINITY, 9));
        assertTrue(KernelTolerance.ranksBefore(Float.NaN, 0, Float.NaN, 9), "NaNs in row order");
        assertFalse(KernelTolerance.ranksBefore(0.5f, 3, 0.5f, 3), "a row does not rank before itself");
    }
}
