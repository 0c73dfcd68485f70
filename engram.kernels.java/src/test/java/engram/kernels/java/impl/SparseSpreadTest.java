package engram.kernels.java.impl;

import static engram.kernels.java.impl.SegmentApiTest.GARBAGE;
import static engram.kernels.java.impl.SegmentApiTest.floatsWritten;
import static engram.kernels.java.impl.SegmentApiTest.garbage;
import static engram.kernels.java.impl.SegmentApiTest.intsWritten;
import static engram.kernels.java.impl.SegmentApiTest.nativeFloats;
import static engram.kernels.java.impl.SegmentApiTest.nativeInts;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import engram.api.CsrGraph;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.ReachedNodes;
import engram.api.SpreadParams;
import engram.api.SpreadResult;

/**
 * Sparse spreading reports exactly the dense result's activated nodes, in activation order (by
 * first hop, then node id), with the same activation bits and first hops; when the capacity is
 * smaller, the first {@code capacity} of them, and the count of all.
 */
class SparseSpreadTest {
    final KernelService kernel = newKernel();

    /** The kernel under test: the reference here, the Vector API kernel in {@code VectorSparseSpreadTest}. */
    KernelService newKernel() {
        return new ReferenceKernels();
    }

    /** The dense result restricted to its activated nodes, in activation order. */
    private static ReachedNodes expectedFrom(Oracle.Spread dense, int capacity) {
        int[] order = dense.activationOrder();
        int held = Math.min(capacity, order.length);
        int[] nodes = Arrays.copyOf(order, held);
        float[] activations = new float[held];
        int[] firstHops = new int[held];
        for (int i = 0; i < held; i++) {
            activations[i] = dense.activation()[nodes[i]];
            firstHops[i] = dense.firstHop()[nodes[i]];
        }
        return new ReachedNodes(nodes, activations, firstHops, order.length);
    }

    private static void assertSameReached(ReachedNodes expected, ReachedNodes actual, String what) {
        assertEquals(expected.reachedCount(), actual.reachedCount(), what + ": count");
        assertArrayEquals(expected.nodes(), actual.nodes(), what + ": nodes");
        int[] expectedBits = new int[expected.size()];
        int[] actualBits = new int[actual.size()];
        for (int i = 0; i < expected.size(); i++) {
            expectedBits[i] = Float.floatToRawIntBits(expected.activation(i));
            actualBits[i] = Float.floatToRawIntBits(actual.activation(i));
        }
        assertArrayEquals(expectedBits, actualBits, what + ": activation bits");
        assertArrayEquals(expected.firstHops(), actual.firstHops(), what + ": first hops");
    }

    @Test
    void randomGraphsMatchTheDenseResultInActivationOrder() {
        Random random = new Random(2025);
        try (KernelWorkspace workspace = kernel.newWorkspace()) {
            for (int trial = 0; trial < 1500; trial++) {
                int n = 1 + random.nextInt(trial < 700 ? 10 : 80);
                int[][] structure = Oracle.randomStructure(random, n, 5);
                float[] weights = Oracle.randomWeights(random, structure[1].length);
                int seedCount = random.nextInt(5);
                int[] seeds = new int[seedCount];
                float[] activations = new float[seedCount];
                for (int i = 0; i < seedCount; i++) {
                    seeds[i] = random.nextInt(n);
                    activations[i] = random.nextBoolean() ? 1f : Math.max(Float.MIN_VALUE, random.nextFloat());
                }
                int depth = 1 + random.nextInt(12);
                double threshold = switch (random.nextInt(3)) {
                    case 0 -> 0;
                    case 1 -> random.nextFloat() * 0.1;
                    default -> random.nextFloat() * 0.6;
                };
                SpreadParams params = (random.nextBoolean() ? SpreadParams.exponential(depth, random.nextDouble(),
                        threshold) : SpreadParams.linear(depth, random.nextDouble() * 0.2, threshold))
                        .withRefractoryHops(random.nextInt(4));
                Oracle.Spread oracle = Oracle.spread(structure[0], structure[1], weights, seeds, activations, params);
                String what = "trial " + trial + " " + params;
                try (CsrGraph graph = CsrGraph.of(structure[0], structure[1], weights)) {
                    SpreadResult dense = kernel.spread(graph, seeds, activations, params);
                    assertArrayEquals(oracle.firstHop(), dense.firstHops(), what + ": the dense form");
                    int activated = dense.activatedCount();
                    for (int capacity : new int[] {n, activated, Math.max(0, activated - 1), activated / 2, 0}) {
                        ReachedNodes sparse = kernel.spreadSparse(graph, seeds, activations, params, capacity);
                        assertSameReached(expectedFrom(oracle, capacity), sparse, what + ", capacity " + capacity);
                        assertEquals(activated, sparse.reachedCount(), what);
                        assertEquals(capacity < activated, sparse.isTruncated(), what);
                    }
                    try (Arena arena = Arena.ofConfined()) {
                        int capacity = random.nextInt(n + 1);
                        MemorySegment nodes = garbage(arena, capacity);
                        MemorySegment sparseActivation = garbage(arena, capacity);
                        MemorySegment firstHops = garbage(arena, capacity);
                        int reached = kernel.spreadSparse(random.nextBoolean() ? workspace : null, graph,
                                nativeInts(arena, seeds), nativeFloats(arena, activations), seedCount, params, nodes,
                                sparseActivation, firstHops, capacity);
                        int held = Math.min(capacity, reached);
                        ReachedNodes expected = expectedFrom(oracle, capacity);
                        assertEquals(expected.reachedCount(), reached, what);
                        assertArrayEquals(expected.nodes(), Arrays.copyOf(intsWritten(nodes, capacity), held), what);
                        assertArrayEquals(expected.firstHops(), Arrays.copyOf(intsWritten(firstHops, capacity), held),
                                what);
                        assertArrayEquals(expected.activations(),
                                Arrays.copyOf(floatsWritten(sparseActivation, capacity), held), what);
                        for (int i = held; i < capacity; i++) {
                            assertEquals(GARBAGE, nodes.getAtIndex(JAVA_INT, i), what + ": nothing written past "
                                    + held);
                        }
                    }
                }
            }
        }
    }

    @Test
    void activationOrderIsSeedsByIdThenEachHopById() {
        // Seeds 5 and 1; hop 1 reaches 4 (from 1) and 0 (from 5); hop 2 reaches 3 (from 4) and 2 (from 0).
        int[] offsets = {0, 1, 2, 2, 2, 3, 4};
        int[] targets = {2, 4, 3, 0};
        float[] weights = {0.5f, 0.5f, 0.5f, 0.5f};
        try (CsrGraph graph = CsrGraph.of(offsets, targets, weights)) {
            ReachedNodes reached = kernel.spreadSparse(graph, new int[] {5, 1}, new float[] {1f, 1f},
                    SpreadParams.exponential(3, 0, 0), 6);
            assertArrayEquals(new int[] {1, 5, 0, 4, 2, 3}, reached.nodes());
            assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, reached.firstHops());
            assertArrayEquals(new float[] {1f, 1f, 0.5f, 0.5f, 0.25f, 0.25f}, reached.activations());
            ReachedNodes firstThree = kernel.spreadSparse(graph, new int[] {5, 1}, new float[] {1f, 1f},
                    SpreadParams.exponential(3, 0, 0), 3);
            assertArrayEquals(new int[] {1, 5, 0}, firstThree.nodes());
            assertEquals(6, firstThree.reachedCount());
            assertTrue(firstThree.isTruncated());
        }
    }

    @Test
    void aNodeReachedAgainKeepsItsPlaceAndItsFinalActivation() {
        // 0 -> 1 -> 2 -> 1 with R = 0: node 1 is first activated at hop 1 and gains more at hop 3.
        int[] offsets = {0, 1, 2, 3};
        int[] targets = {1, 2, 1};
        float[] weights = {0.5f, 0.5f, 0.5f};
        SpreadParams params = SpreadParams.exponential(3, 0, 0).withRefractoryHops(0);
        try (CsrGraph graph = CsrGraph.of(offsets, targets, weights)) {
            ReachedNodes reached = kernel.spreadSparse(graph, new int[] {0}, new float[] {1f}, params, 3);
            assertArrayEquals(new int[] {0, 1, 2}, reached.nodes());
            assertArrayEquals(new int[] {0, 1, 2}, reached.firstHops());
            assertArrayEquals(new float[] {1f, 0.625f, 0.25f}, reached.activations(), "0.5 + 0.125 at hop 3");
        }
    }

    @Test
    void nothingReachedWritesNothing() {
        try (CsrGraph graph = CsrGraph.empty(4); Arena arena = Arena.ofConfined()) {
            MemorySegment nodes = garbage(arena, 4);
            int reached = kernel.spreadSparse(null, graph, nativeInts(arena), nativeFloats(arena), 0,
                    SpreadParams.exponential(2, 0, 0), nodes, garbage(arena, 4), garbage(arena, 4), 4);
            assertEquals(0, reached);
            assertEquals(GARBAGE, nodes.getAtIndex(JAVA_INT, 0));
        }
        try (CsrGraph graph = CsrGraph.empty(0)) {
            ReachedNodes none = kernel.spreadSparse(graph, new int[0], new float[0], SpreadParams.exponential(2, 0, 0),
                    5);
            assertEquals(0, none.size());
            assertEquals(0, none.reachedCount());
            assertFalse(none.isTruncated());
        }
    }

    @Test
    void aZeroWeightEdgeDoesNotActivate() {
        try (CsrGraph graph = CsrGraph.of(new int[] {0, 2, 2, 2}, new int[] {1, 2}, new float[] {0f, 0.5f})) {
            ReachedNodes reached = kernel.spreadSparse(graph, new int[] {0}, new float[] {1f},
                    SpreadParams.exponential(2, 0, 0), 3);
            assertArrayEquals(new int[] {0, 2}, reached.nodes());
            assertEquals(2, reached.reachedCount());
        }
    }
}
