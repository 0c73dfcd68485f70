package engram.kernels.java.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import engram.api.CsrGraph;
import engram.api.KernelService;
import engram.api.SpreadParams;
import engram.api.SpreadResult;

/**
 * Spreading against answers worked out by hand (all values are dyadic fractions, so they
 * are exact in float32) and against {@link Oracle#spread}, bit for bit.
 */
class SpreadTest {
    final KernelService kernel = newKernel();

    /** The kernel under test: the reference here, the Vector API kernel in {@code VectorSpreadTest}. */
    KernelService newKernel() {
        return new ReferenceKernels();
    }

    /** Hop factors of 1: only the edge weights scale the energy. */
    private static SpreadParams flat(int maxDepth, double threshold) {
        return SpreadParams.exponential(maxDepth, 0, threshold);
    }

    private SpreadResult spread(int[] offsets, int[] targets, float[] weights, int[] seeds, float[] activations,
            SpreadParams params) {
        try (CsrGraph graph = CsrGraph.of(offsets, targets, weights)) {
            return kernel.spread(graph, seeds, activations, params);
        }
    }

    private static void assertResult(SpreadResult result, float[] activation, int[] firstHop, int activated) {
        assertArrayEquals(activation, result.activations(), "activations");
        assertArrayEquals(firstHop, result.firstHops(), "first hops");
        assertEquals(activated, result.activatedCount(), "activated count");
    }

    // 0 -> 1 -> 2 -> 3, each edge 0.5.
    private static final int[] CHAIN_OFFSETS = {0, 1, 2, 3, 3};
    private static final int[] CHAIN_TARGETS = {1, 2, 3};
    private static final float[] CHAIN_WEIGHTS = {0.5f, 0.5f, 0.5f};

    @Test
    void chain() {
        assertResult(spread(CHAIN_OFFSETS, CHAIN_TARGETS, CHAIN_WEIGHTS, new int[] {0}, new float[] {1f}, flat(3, 0f)),
                new float[] {1f, 0.5f, 0.25f, 0.125f}, new int[] {0, 1, 2, 3}, 4);
    }

    @Test
    void chainStopsAtMaxDepth() {
        assertResult(spread(CHAIN_OFFSETS, CHAIN_TARGETS, CHAIN_WEIGHTS, new int[] {0}, new float[] {1f}, flat(2, 0f)),
                new float[] {1f, 0.5f, 0.25f, 0f}, new int[] {0, 1, 2, -1}, 3);
    }

    @Test
    void hopFactorsScaleEachHop() {
        SpreadParams params = SpreadParams.of(0, 0.5f, 0.25f, 1f);
        assertResult(spread(CHAIN_OFFSETS, CHAIN_TARGETS, new float[] {1f, 1f, 1f}, new int[] {0}, new float[] {1f},
                params), new float[] {1f, 0.5f, 0.125f, 0.125f}, new int[] {0, 1, 2, 3}, 4);
    }

    @Test
    void cycleComesBackToTheSeedButDoesNotFireItAgain() {
        // 0 -> 1 -> 2 -> 0, each 0.5; seed 0 at 0.5. Hop 3 adds 0.0625 to node 0, which has fired.
        assertResult(spread(new int[] {0, 1, 2, 3}, new int[] {1, 2, 0}, new float[] {0.5f, 0.5f, 0.5f},
                new int[] {0}, new float[] {0.5f}, flat(5, 0f)),
                new float[] {0.5625f, 0.25f, 0.125f}, new int[] {0, 1, 2}, 3);
    }

    @Test
    void selfLoopWithRefractoryPeriods() {
        int[] offsets = {0, 1};
        int[] targets = {0};
        float[] weights = {0.5f};
        // Default: node 0 fires once (hop 0); hop 1 adds 0.25.
        assertResult(spread(offsets, targets, weights, new int[] {0}, new float[] {0.5f}, flat(3, 0f)),
                new float[] {0.75f}, new int[] {0}, 1);
        // R = 0: it fires at every hop: 0.5 + 0.25 + 0.125 + 0.0625.
        assertResult(spread(offsets, targets, weights, new int[] {0}, new float[] {0.5f},
                flat(3, 0f).withRefractoryHops(0)), new float[] {0.9375f}, new int[] {0}, 1);
        // R = 1: fired at hop 0, may fire again from hop 2, but nothing reaches it then.
        assertResult(spread(offsets, targets, weights, new int[] {0}, new float[] {0.5f},
                flat(3, 0f).withRefractoryHops(1)), new float[] {0.75f}, new int[] {0}, 1);
    }

    @Test
    void refractoryPeriodOnATwoCycle() {
        // 0 <-> 1, each 0.5; seed 0 at 0.5; three hops.
        int[] offsets = {0, 1, 2};
        int[] targets = {1, 0};
        float[] weights = {0.5f, 0.5f};
        int[] seeds = {0};
        float[] activations = {0.5f};
        // Default (R = maxDepth): hop 1 node 1 += 0.25; hop 2 node 0 += 0.125, refractory: stop.
        assertResult(spread(offsets, targets, weights, seeds, activations, flat(3, 0f)),
                new float[] {0.625f, 0.25f}, new int[] {0, 1}, 2);
        // R = 2: node 0 fired at hop 0 may fire from hop 3 on; at hop 2 it may not.
        assertResult(spread(offsets, targets, weights, seeds, activations, flat(3, 0f).withRefractoryHops(2)),
                new float[] {0.625f, 0.25f}, new int[] {0, 1}, 2);
        // R = 0 and R = 1: node 0 fires again at hop 2 with 0.125; hop 3 gives node 1 another 0.0625.
        for (int r : new int[] {0, 1}) {
            assertResult(spread(offsets, targets, weights, seeds, activations, flat(3, 0f).withRefractoryHops(r)),
                    new float[] {0.625f, 0.3125f}, new int[] {0, 1}, 2);
        }
    }

    @Test
    void activationSaturatesAtOne() {
        // Three seeds at 1 feed node 3 with weight 1 each: delta 3, capped to 1.
        assertResult(spread(new int[] {0, 1, 2, 3, 3}, new int[] {3, 3, 3}, new float[] {1f, 1f, 1f},
                new int[] {0, 1, 2}, new float[] {1f, 1f, 1f}, flat(2, 0f)),
                new float[] {1f, 1f, 1f, 1f}, new int[] {0, 0, 0, 1}, 4);
        // Seed 1 at 0.75 receives 0.5 from seed 0: only 0.25 applies.
        assertResult(spread(new int[] {0, 1, 2, 2}, new int[] {1, 2}, new float[] {0.5f, 1f},
                new int[] {0, 1}, new float[] {1f, 0.75f}, flat(3, 0f)),
                new float[] {1f, 1f, 0.75f}, new int[] {0, 0, 1}, 3);
    }

    @Test
    void saturatedSelfLoopKeepsFiringWithZeroEnergy() {
        // The known-answer case: seed 0.75, self-loop and edge to 1, weight 1, R = 0.
        assertResult(spread(new int[] {0, 2, 2}, new int[] {0, 1}, new float[] {1f, 1f}, new int[] {0},
                new float[] {0.75f}, flat(2, 0f).withRefractoryHops(0)), new float[] {1f, 1f}, new int[] {0, 1}, 2);
    }

    @Test
    void activationNeverExceedsOne() {
        Random random = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(30);
            int[][] structure = Oracle.randomStructure(random, n, 6);
            float[] weights = new float[structure[1].length];
            java.util.Arrays.fill(weights, 1f);
            int seeds = 1 + random.nextInt(n);
            int[] nodes = new int[seeds];
            float[] activations = new float[seeds];
            for (int i = 0; i < seeds; i++) {
                nodes[i] = random.nextInt(n);
                activations[i] = 1f;
            }
            SpreadResult result = spread(structure[0], structure[1], weights, nodes, activations,
                    flat(8, 0f).withRefractoryHops(0));
            for (float a : result.activations()) {
                assertTrue(a >= 0f && a <= 1f, "activation " + a);
            }
        }
    }

    @Test
    void duplicateSeedsAreSummedThenCapped() {
        int[] offsets = {0, 0, 0, 1};
        int[] targets = {1};
        float[] weights = {0.5f};
        // 0.5 + 0.75 on node 2 caps at 1, and node 2 passes on 1 * 0.5.
        assertResult(spread(offsets, targets, weights, new int[] {2, 0, 2}, new float[] {0.5f, 0.25f, 0.75f},
                flat(1, 0f)), new float[] {0.25f, 0.5f, 1f}, new int[] {0, 1, 0}, 3);
        // Below the cap the sum is kept: 0.25 + 0.5 = 0.75, passing on 0.375.
        assertResult(spread(offsets, targets, weights, new int[] {2, 2}, new float[] {0.25f, 0.5f}, flat(1, 0f)),
                new float[] {0f, 0.375f, 0.75f}, new int[] {-1, 1, 0}, 2);
    }

    @Test
    void thresholdExactlyAtTheAppliedActivationFiresOn() {
        int[] offsets = {0, 1, 2, 2};
        int[] targets = {1, 2};
        float[] weights = {0.5f, 0.5f};
        // Node 1 gets exactly 0.5: a threshold of 0.5 lets it fire.
        assertResult(spread(offsets, targets, weights, new int[] {0}, new float[] {1f}, flat(2, 0.5f)),
                new float[] {1f, 0.5f, 0.25f}, new int[] {0, 1, 2}, 3);
        // Just above: node 1 is activated but does not fire.
        assertResult(spread(offsets, targets, weights, new int[] {0}, new float[] {1f}, flat(2, Math.nextUp(0.5f))),
                new float[] {1f, 0.5f, 0f}, new int[] {0, 1, -1}, 2);
    }

    @Test
    void seedsFireWhateverTheThreshold() {
        // The frontier of hop 0 is the seeds, even below the threshold.
        assertResult(spread(new int[] {0, 1, 2, 2}, new int[] {1, 2}, new float[] {1f, 1f}, new int[] {0},
                new float[] {0.5f}, flat(2, 0.9f)), new float[] {0.5f, 0.5f, 0f}, new int[] {0, 1, -1}, 2);
    }

    @Test
    void thresholdComparesTheAppliedActivationNotTheDelta() {
        // Node 1 is a seed at 0.75 and also receives 0.5 from node 0: applied is 0.25 < 0.3.
        // With R = 0 it could fire again at hop 1, but the threshold stops it, so node 2 keeps the
        // 0.75 it got from seed 1 and does not get 0.25 more at hop 2.
        assertResult(spread(new int[] {0, 1, 2, 2}, new int[] {1, 2}, new float[] {0.5f, 1f}, new int[] {0, 1},
                new float[] {1f, 0.75f}, flat(3, 0.3f).withRefractoryHops(0)),
                new float[] {1f, 1f, 0.75f}, new int[] {0, 0, 1}, 3);
    }

    @Test
    void maxDepthOf32ReachesExactly32Hops() {
        int n = 34;
        int[] offsets = new int[n + 1];
        int[] targets = new int[n - 1];
        float[] weights = new float[n - 1];
        for (int u = 0; u < n - 1; u++) {
            offsets[u + 1] = u + 1;
            targets[u] = u + 1;
            weights[u] = 0.5f;
        }
        offsets[n] = n - 1;
        SpreadResult result = spread(offsets, targets, weights, new int[] {0}, new float[] {1f}, flat(32, 0f));
        for (int v = 0; v <= 32; v++) {
            assertEquals(Math.scalb(1f, -v), result.activations()[v], "node " + v);
            assertEquals(v, result.firstHops()[v]);
        }
        assertEquals(0f, result.activations()[33]);
        assertEquals(-1, result.firstHops()[33]);
        assertEquals(33, result.activatedCount());
    }

    @Test
    void emptyGraph() {
        try (CsrGraph graph = CsrGraph.empty(0)) {
            SpreadResult result = kernel.spread(graph, new int[0], new float[0], flat(3, 0f));
            assertResult(result, new float[0], new int[0], 0);
        }
    }

    @Test
    void nodesWithoutEdges() {
        try (CsrGraph graph = CsrGraph.empty(4)) {
            assertResult(kernel.spread(graph, new int[] {3, 1}, new float[] {1f, 0.5f}, flat(5, 0f)),
                    new float[] {0f, 0.5f, 0f, 1f}, new int[] {-1, 0, -1, 0}, 2);
            assertResult(kernel.spread(graph, new int[0], new float[0], flat(5, 0f)),
                    new float[4], new int[] {-1, -1, -1, -1}, 0);
        }
    }

    @Test
    void aZeroWeightEdgeReachesNothing() {
        assertResult(spread(new int[] {0, 2, 2, 2}, new int[] {1, 2}, new float[] {0f, 0.5f}, new int[] {0},
                new float[] {1f}, flat(2, 0f)), new float[] {1f, 0f, 0.5f}, new int[] {0, -1, 1}, 2);
    }

    @Test
    void zeroHopFactorReachesNothing() {
        SpreadParams params = SpreadParams.of(0, 0f, 1f);
        assertResult(spread(CHAIN_OFFSETS, CHAIN_TARGETS, CHAIN_WEIGHTS, new int[] {0}, new float[] {1f}, params),
                new float[] {1f, 0f, 0f, 0f}, new int[] {0, -1, -1, -1}, 1);
    }

    @Test
    void firstHopIsTheFirstReachNotTheLast() {
        // 0 -> 1 and 0 -> 2 -> 1: node 1 is reached at hop 1 and again at hop 2.
        assertResult(spread(new int[] {0, 2, 2, 3}, new int[] {1, 2, 1}, new float[] {0.5f, 0.5f, 0.5f},
                new int[] {0}, new float[] {1f}, flat(3, 0f)),
                new float[] {1f, 0.75f, 0.5f}, new int[] {0, 1, 1}, 3);
    }

    @Test
    void badSeedsAreRefused() {
        try (CsrGraph graph = CsrGraph.empty(2)) {
            assertThrows(IllegalArgumentException.class,
                    () -> kernel.spread(graph, new int[] {2}, new float[] {1f}, flat(1, 0f)));
            assertThrows(IllegalArgumentException.class,
                    () -> kernel.spread(graph, new int[] {0}, new float[] {0f}, flat(1, 0f)));
            assertThrows(IllegalArgumentException.class,
                    () -> kernel.spread(graph, new int[] {0}, new float[] {Float.NaN}, flat(1, 0f)));
        }
    }

    @Test
    void aClosedGraphIsRefused() {
        CsrGraph graph = CsrGraph.empty(2);
        graph.close();
        assertThrows(IllegalArgumentException.class,
                () -> kernel.spread(graph, new int[] {0}, new float[] {1f}, flat(1, 0f)));
    }

    @Test
    void randomGraphsMatchTheOracleBitForBit() {
        Random random = new Random(2024);
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + random.nextInt(trial < 1000 ? 8 : 60);
            int[][] structure = Oracle.randomStructure(random, n, 5);
            float[] weights = new float[structure[1].length];
            for (int j = 0; j < weights.length; j++) {
                weights[j] = switch (random.nextInt(4)) {
                    case 0 -> 1f;
                    case 1 -> 0f;
                    default -> random.nextFloat();
                };
            }
            int seeds = random.nextInt(4);
            int[] nodes = new int[seeds];
            float[] activations = new float[seeds];
            for (int i = 0; i < seeds; i++) {
                nodes[i] = random.nextInt(n);
                activations[i] = random.nextBoolean() ? 1f : Math.max(Float.MIN_VALUE, random.nextFloat());
            }
            int depth = 1 + random.nextInt(32);
            SpreadParams params = switch (random.nextInt(3)) {
                case 0 -> SpreadParams.exponential(depth, random.nextDouble(), random.nextFloat() * 0.2f);
                case 1 -> SpreadParams.power(depth, random.nextDouble() * 2, 0f);
                default -> SpreadParams.linear(depth, random.nextDouble() * 0.2, random.nextFloat() * 0.05f);
            };
            params = params.withRefractoryHops(random.nextInt(depth + 2));
            Oracle.Spread expected = Oracle.spread(structure[0], structure[1], weights, nodes, activations, params);
            SpreadResult actual = spread(structure[0], structure[1], weights, nodes, activations, params);
            String what = "trial " + trial + " " + params;
            assertArrayEquals(expected.activation(), actual.activations(), what);
            assertArrayEquals(expected.firstHop(), actual.firstHops(), what);
            assertEquals(expected.activatedCount(), actual.activatedCount(), what);
        }
    }
}
