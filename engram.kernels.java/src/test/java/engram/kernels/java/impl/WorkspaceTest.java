package engram.kernels.java.impl;

import static engram.kernels.java.impl.SegmentApiTest.GARBAGE;
import static engram.kernels.java.impl.SegmentApiTest.garbage;
import static engram.kernels.java.impl.SegmentApiTest.nativeFloats;
import static engram.kernels.java.impl.SegmentApiTest.nativeInts;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import engram.api.ArenaMetrics;
import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelService;
import engram.api.KernelUnavailableException;
import engram.api.KernelWorkspace;
import engram.api.OverflowStrategy;
import engram.api.ReachedNodes;
import engram.api.SpreadParams;
import engram.api.SpreadResult;
import engram.api.WorkspaceOptions;

/**
 * Workspaces of the Java kernels: reused across calls they give exact results (their node
 * tables are clean after every call, a failing one included); they serve one call at a time,
 * only their own kernel, and not once closed; they are listed in the metrics and freed when
 * the component is deactivated. A call refused for its workspace writes nothing.
 */
class WorkspaceTest {
    final KernelService kernel = newKernel();

    /** The kernel under test: the reference here, the Vector API kernel in {@code VectorWorkspaceTest}. */
    KernelService newKernel() {
        return new ReferenceKernels();
    }

    /** Stops a kernel that {@link #newKernel()} made, as its bundle's stop does. */
    void stop(KernelService stopping) {
        ((ReferenceKernels) stopping).deactivate();
    }

    /** White box: every entry of the node tables is clean, as each call must leave it. */
    private static void assertClean(JavaWorkspace w, String what) {
        for (int v = 0; v < w.activation.length; v++) {
            if (w.activation[v] != 0f || w.delta[v] != 0f || w.fired[v] != JavaWorkspace.NEVER) {
                throw new AssertionError(what + ": node " + v + " left dirty: activation " + w.activation[v]
                        + ", delta " + w.delta[v] + ", fired " + w.fired[v]);
            }
        }
    }

    private record Case(int[] offsets, int[] targets, float[] weights, int[] seeds, float[] activations,
            SpreadParams params) {
        Oracle.Spread oracle() {
            return Oracle.spread(offsets, targets, weights, seeds, activations, params);
        }
    }

    private static Case randomCase(Random random, int n) {
        int[][] structure = Oracle.randomStructure(random, n, 1 + random.nextInt(6));
        int seedCount = random.nextInt(Math.min(n, 40) + 1);
        int[] seeds = new int[seedCount];
        float[] activations = new float[seedCount];
        for (int i = 0; i < seedCount; i++) {
            seeds[i] = random.nextInt(n);
            activations[i] = random.nextBoolean() ? 1f : Math.max(Float.MIN_VALUE, random.nextFloat());
        }
        int depth = 1 + random.nextInt(10);
        SpreadParams params = SpreadParams.exponential(depth, random.nextDouble() * 0.5, random.nextFloat() * 0.05)
                .withRefractoryHops(random.nextInt(4));
        return new Case(structure[0], structure[1], Oracle.randomWeights(random, structure[1].length), seeds,
                activations, params);
    }

    /** Spreads {@code c} with {@code workspace}, densely and sparsely, and checks both against the oracle. */
    private void assertExact(KernelWorkspace workspace, Case c, String what) {
        Oracle.Spread expected = c.oracle();
        int n = expected.activation().length;
        try (CsrGraph graph = CsrGraph.of(c.offsets(), c.targets(), c.weights()); Arena arena = Arena.ofConfined()) {
            MemorySegment activation = garbage(arena, n);
            MemorySegment firstHop = garbage(arena, n);
            int activated = kernel.spread(workspace, graph, nativeInts(arena, c.seeds()),
                    nativeFloats(arena, c.activations()), c.seeds().length, c.params(), activation, firstHop);
            SpreadResult dense = new SpreadResult(activation.asSlice(0, n * 4L).toArray(JAVA_FLOAT),
                    firstHop.asSlice(0, n * 4L).toArray(JAVA_INT), activated);
            assertArrayEquals(expected.activation(), dense.activations(), what + ": activations");
            assertArrayEquals(expected.firstHop(), dense.firstHops(), what + ": first hops");
            assertEquals(expected.activatedCount(), activated, what + ": count");
            MemorySegment nodes = garbage(arena, n);
            int reached = kernel.spreadSparse(workspace, graph, nativeInts(arena, c.seeds()),
                    nativeFloats(arena, c.activations()), c.seeds().length, c.params(), nodes, garbage(arena, n),
                    garbage(arena, n), n);
            assertEquals(expected.activatedCount(), reached, what + ": sparse count");
            assertArrayEquals(expected.activationOrder(), nodes.asSlice(0, reached * 4L).toArray(JAVA_INT),
                    what + ": sparse order");
        }
    }

    @Test
    void aWorkspaceReusedForGraphsThatGrowAndShrinkStaysExact() {
        Random random = new Random(61);
        int[] sizes = {5, 40, 300, 3, 1, 1200, 7, 64, 33, 2, 800, 31, 500, 1};
        try (KernelWorkspace workspace = kernel.newWorkspace()) {
            JavaWorkspace w = (JavaWorkspace) workspace;
            int largest = 0;
            for (int round = 0; round < 8; round++) {
                for (int size : sizes) {
                    int n = Math.max(1, size + random.nextInt(3) - 1);
                    largest = Math.max(largest, n);
                    String what = "round " + round + ", " + n + " nodes";
                    assertExact(workspace, randomCase(random, n), what);
                    assertClean(w, what);
                    assertEquals(largest, w.activation.length, "the tables grow to the largest graph and stay");
                }
            }
        }
    }

    @Test
    void manyRandomSpreadsInOneWorkspaceMatchTheOracle() {
        Random random = new Random(62);
        try (KernelWorkspace workspace = kernel.newWorkspace()) {
            for (int trial = 0; trial < 600; trial++) {
                assertExact(workspace, randomCase(random, 1 + random.nextInt(trial % 3 == 0 ? 150 : 12)),
                        "trial " + trial);
            }
            assertClean((JavaWorkspace) workspace, "after 600 spreads");
        }
    }

    /**
     * A graph of 60 nodes wrapped over the caller's native memory: seeds 0..9 each have edges to
     * the 5 nodes {@code 10 + 5u .. 14 + 5u}, and each of those an edge to node {@code 59 - (v % 5)}.
     */
    private static final class WrappedFan implements AutoCloseable {
        static final int NODES = 60;
        final Arena arena = Arena.ofShared();
        final MemorySegment offsets;
        final MemorySegment targets;
        final MemorySegment weights;
        final AtomicInteger released = new AtomicInteger();
        final CsrGraph graph;

        WrappedFan() {
            int[] o = new int[NODES + 1];
            int[] t = new int[100];
            int edges = 0;
            for (int u = 0; u < NODES; u++) {
                if (u < 10) {
                    for (int i = 0; i < 5; i++) {
                        t[edges++] = 10 + 5 * u + i;
                    }
                } else if (u < 60 - 5) {
                    t[edges++] = 59 - (u % 5);
                }
                o[u + 1] = edges;
            }
            float[] w = new float[edges];
            Arrays.fill(w, 0.5f);
            offsets = arena.allocateFrom(JAVA_INT, o);
            targets = arena.allocateFrom(JAVA_INT, Arrays.copyOf(t, edges));
            weights = arena.allocateFrom(JAVA_FLOAT, w);
            graph = CsrGraph.wrap(NODES, edges, offsets, targets, weights, released::incrementAndGet);
        }

        @Override
        public void close() {
            graph.close();
            arena.close();
        }
    }

    private static final int[] FAN_SEEDS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

    /** Spreads over the fan, which must fail part way with an IllegalArgumentException naming what changed. */
    private void assertFailsPartWay(KernelWorkspace workspace, WrappedFan fan, String expectedInMessage) {
        float[] ones = new float[FAN_SEEDS.length];
        Arrays.fill(ones, 1f);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment activation = garbage(arena, WrappedFan.NODES);
            MemorySegment firstHop = garbage(arena, WrappedFan.NODES);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kernel.spread(workspace,
                    fan.graph, nativeInts(arena, FAN_SEEDS), nativeFloats(arena, ones), FAN_SEEDS.length,
                    SpreadParams.exponential(3, 0, 0), activation, firstHop));
            assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
            assertTrue(e.getMessage().contains("changed during the call"), e.getMessage());
        }
    }

    /** A spread that reaches every node the fan's failed call touched, on a graph of its own. */
    private static Case everyNodeOnce() {
        int n = WrappedFan.NODES;
        int[] offsets = new int[n + 1];
        int[] targets = new int[n];
        for (int v = 0; v < n; v++) {
            targets[v] = v;
        }
        Arrays.fill(offsets, 1, n + 1, n);
        float[] weights = new float[n];
        Arrays.fill(weights, 0.25f);
        return new Case(offsets, targets, weights, new int[] {0, 30}, new float[] {0.5f, 0.75f},
                SpreadParams.exponential(2, 0, 0).withRefractoryHops(0));
    }

    @Test
    void aTraversalThatFailsAtHopOneLeavesTheWorkspaceClean() {
        try (KernelWorkspace workspace = kernel.newWorkspace(); WrappedFan fan = new WrappedFan()) {
            // Seed 9's last edge, the 50th of hop 1: 49 deltas are pending when the traversal meets it.
            fan.targets.setAtIndex(JAVA_INT, 49, WrappedFan.NODES + 5);
            assertFailsPartWay(workspace, fan, "targets[49]");
            assertClean((JavaWorkspace) workspace, "after the failure");
            assertExact(workspace, everyNodeOnce(), "the next call");
            assertEquals(0, fan.released.get(), "open, and no call holds it");
        }
    }

    @Test
    void aTraversalThatFailsAtHopTwoLeavesTheWorkspaceClean() {
        try (KernelWorkspace workspace = kernel.newWorkspace(); WrappedFan fan = new WrappedFan()) {
            // Hop 1 activates and fires nodes 10..59; at hop 2, after nodes 10..53 have passed energy
            // on to nodes 55..59, the edge of node 54 fails.
            fan.targets.setAtIndex(JAVA_INT, 50 + 44, -1);
            assertFailsPartWay(workspace, fan, "targets[94]");
            assertClean((JavaWorkspace) workspace, "after the failure");
            assertExact(workspace, everyNodeOnce(), "the next call");
        }
    }

    @Test
    void changedOffsetsFailAndLeaveTheWorkspaceClean() {
        try (KernelWorkspace workspace = kernel.newWorkspace(); WrappedFan fan = new WrappedFan()) {
            fan.offsets.setAtIndex(JAVA_INT, 6, 1_000);
            assertFailsPartWay(workspace, fan, "offsets of node 5");
            assertClean((JavaWorkspace) workspace, "after the failure");
            assertExact(workspace, everyNodeOnce(), "the next call");
        }
    }

    @Test
    void changedWeightsFailAndLeaveTheWorkspaceClean() {
        for (float bad : new float[] {Float.NaN, -0.5f, 1.5f, Float.POSITIVE_INFINITY}) {
            try (KernelWorkspace workspace = kernel.newWorkspace(); WrappedFan fan = new WrappedFan()) {
                fan.weights.setAtIndex(JAVA_FLOAT, 7, bad);
                assertFailsPartWay(workspace, fan, "weights[7]");
                assertClean((JavaWorkspace) workspace, "after a weight of " + bad);
                assertExact(workspace, everyNodeOnce(), "the next call after a weight of " + bad);
            }
        }
    }

    @Test
    void anOnReleaseThatThrowsFailsNeitherTheCallNorTheWorkspace() {
        try (KernelWorkspace workspace = kernel.newWorkspace(); Arena arena = Arena.ofShared()) {
            MemorySegment offsets = arena.allocateFrom(JAVA_INT, 0, 1, 1);
            MemorySegment targets = arena.allocateFrom(JAVA_INT, 1);
            MemorySegment weights = arena.allocateFrom(JAVA_FLOAT, 0.5f);
            AtomicInteger runs = new AtomicInteger();
            CsrGraph graph = CsrGraph.wrap(2, 1, offsets, targets, weights, () -> {
                runs.incrementAndGet();
                throw new IllegalStateException("the owner's release failed");
            });
            MemorySegment seeds = nativeInts(arena, new int[] {0});
            MemorySegment ones = nativeFloats(arena, new float[] {1f});
            MemorySegment activation = arena.allocate(JAVA_FLOAT, 2);
            MemorySegment firstHop = arena.allocate(JAVA_INT, 2);
            // The call holds the graph when close() asks for it, so its release runs onRelease.
            JavaWorkspace w = (JavaWorkspace) workspace;
            assertTrue(graph.acquire());
            graph.close();
            assertEquals(0, runs.get(), "a hold keeps the graph");
            graph.release();
            assertEquals(1, runs.get(), "released at the last hold, its failure logged, not thrown");
            CsrGraph second = CsrGraph.wrap(2, 1, offsets, targets, weights, () -> {
                throw new IllegalStateException("the owner's release failed again");
            });
            assertEquals(2, kernel.spread(workspace, second, seeds, ones, 1, SpreadParams.exponential(1, 0, 0),
                    activation, firstHop));
            second.close();
            assertTrue(w.isOpen());
            assertEquals(2, kernel.spread(workspace, CsrGraph.of(new int[] {0, 1, 1}, new int[] {1},
                    new float[] {0.5f}), seeds, ones, 1, SpreadParams.exponential(1, 0, 0), activation, firstHop),
                    "the workspace serves the next call");
        }
    }

    @Test
    void aFailedCallReleasesTheGraph() {
        try (KernelWorkspace workspace = kernel.newWorkspace()) {
            WrappedFan fan = new WrappedFan();
            fan.targets.setAtIndex(JAVA_INT, 49, WrappedFan.NODES);
            assertFailsPartWay(workspace, fan, "targets[49]");
            fan.graph.close();
            assertEquals(1, fan.released.get(), "no call holds the graph any more, so closing releases it at once");
            fan.arena.close();
            assertExact(workspace, everyNodeOnce(), "the next call, in the same workspace");
        }
    }

    @Test
    void theSameFailureWithoutAWorkspaceLeavesThePoolClean() {
        try (WrappedFan fan = new WrappedFan()) {
            fan.targets.setAtIndex(JAVA_INT, 49, WrappedFan.NODES);
            assertFailsPartWay(null, fan, "targets[49]");
            assertExact(null, everyNodeOnce(), "the next call borrows the same pool workspace");
            assertEquals(List.of("pool-1"), kernel.arenaMetrics().stream().map(ArenaMetrics::workspace).toList());
        }
    }

    @Test
    void aClosedWorkspaceIsRefused() {
        KernelWorkspace workspace = kernel.newWorkspace();
        workspace.close();
        assertFalse(workspace.isOpen());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = garbage(arena, 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kernel.cosine(workspace,
                    nativeFloats(arena, 1f), 1, nativeFloats(arena, 1f), 0, 1, null, out));
            assertTrue(e.getMessage().contains("is closed"), e.getMessage());
            assertEquals(GARBAGE, out.getAtIndex(JAVA_INT, 0), "nothing written");
            try (CsrGraph graph = CsrGraph.empty(1)) {
                assertThrows(IllegalArgumentException.class, () -> kernel.spread(workspace, graph, nativeInts(arena, 0),
                        nativeFloats(arena, 1f), 1, SpreadParams.exponential(1, 0, 0), out, garbage(arena, 1)));
            }
            assertEquals(GARBAGE, out.getAtIndex(JAVA_INT, 0), "nothing written");
        }
    }

    @Test
    void aWorkspaceOfAnotherInstanceIsRefused() {
        KernelService other = newKernel();
        try (KernelWorkspace foreign = other.newWorkspace(); Arena arena = Arena.ofConfined()) {
            MemorySegment strength = nativeFloats(arena, 0.5f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kernel.decay(foreign,
                    strength, nativeFloats(arena, 86_400f), null, 1, DecayParams.of(new DecayCurve.Exponential()),
                    strength));
            assertTrue(e.getMessage().contains("another instance of it"), e.getMessage());
            assertEquals(0.5f, strength.getAtIndex(JAVA_FLOAT, 0), "nothing written");
            assertTrue(foreign.isOpen(), "the other instance's workspace is untouched");
        }
    }

    @Test
    void aWorkspaceInUseIsRefusedToASecondCallAndNeitherIsCorrupted() throws InterruptedException {
        Random random = new Random(63);
        Case first = randomCase(random, 200);
        Case second = randomCase(random, 120);
        CsrGraph secondGraph = CsrGraph.of(second.offsets(), second.targets(), second.weights());
        try (KernelWorkspace workspace = kernel.newWorkspace();
                CsrGraph firstGraph = CsrGraph.of(first.offsets(), first.targets(), first.weights());
                Arena arena = Arena.ofShared()) {
            JavaWorkspace w = (JavaWorkspace) workspace;
            // This thread runs the first spread as the kernel does, and stops half way: the
            // traversal is done, its result sits in the workspace, the output is not yet written.
            w.enter();
            assertTrue(firstGraph.acquire());
            int reached;
            try {
                reached = w.spreading.traverse(firstGraph, nativeInts(arena, first.seeds()),
                        nativeFloats(arena, first.activations()), first.seeds().length, first.params());
                // Meanwhile another thread calls with the same workspace.
                MemorySegment otherActivation = garbage(arena, 120);
                MemorySegment otherFirstHop = garbage(arena, 120);
                MemorySegment seeds = nativeInts(arena, second.seeds());
                MemorySegment activations = nativeFloats(arena, second.activations());
                AtomicReference<Throwable> refusal = new AtomicReference<>();
                Thread other = new Thread(() -> {
                    try {
                        kernel.spread(workspace, secondGraph, seeds, activations, second.seeds().length,
                                second.params(), otherActivation, otherFirstHop);
                    } catch (Throwable t) {
                        refusal.set(t);
                    }
                });
                other.start();
                other.join();
                IllegalStateException e = assertInstanceOf(IllegalStateException.class, refusal.get());
                assertTrue(e.getMessage().contains("in use by another call"), e.getMessage());
                assertEquals(GARBAGE, otherActivation.getAtIndex(JAVA_INT, 0), "the refused call wrote nothing");
                assertEquals(GARBAGE, otherFirstHop.getAtIndex(JAVA_INT, 119), "the refused call wrote nothing");
                assertThrows(IllegalStateException.class, () -> kernel.cosine(workspace, nativeFloats(arena, 1f), 1,
                        nativeFloats(arena, 1f), 0, 1, null, garbage(arena, 1)),
                        "the refused call did not give the workspace back: it is still this call's");
                // The first call's result is whole.
                Oracle.Spread expected = first.oracle();
                assertEquals(expected.activatedCount(), reached);
                float[] activation = new float[200];
                int[] firstHop = new int[200];
                Arrays.fill(firstHop, -1);
                for (int i = 0; i < reached; i++) {
                    int v = w.reached[i];
                    activation[v] = w.activation[v];
                    firstHop[v] = w.reachedHop[i];
                }
                assertArrayEquals(expected.activation(), activation);
                assertArrayEquals(expected.firstHop(), firstHop);
            } finally {
                w.spreading.clean();
                firstGraph.release();
                w.exit();
            }
            assertClean(w, "after the first call ended");
            assertExact(workspace, second, "the second spread, once the workspace is free");
            MemorySegment secondTargets = secondGraph.targets();
            secondGraph.close();
            assertFalse(secondTargets.scope().isAlive(), "freed at once on close: the refused call left no hold");
        } finally {
            secondGraph.close();
        }
    }

    @Test
    void aFailingCallWritesNothingARetryReads() {
        // Decay in place, refused because another call holds the workspace: the strengths are as they were.
        float[] strengths = {0.9f, 0.5f, 0.25f, 1f};
        DecayParams params = DecayParams.of(new DecayCurve.Exponential());
        try (KernelWorkspace workspace = kernel.newWorkspace(); Arena arena = Arena.ofConfined()) {
            MemorySegment strength = nativeFloats(arena, strengths);
            MemorySegment age = nativeFloats(arena, 86_400f, 86_400f, 86_400f, 86_400f);
            JavaWorkspace w = (JavaWorkspace) workspace;
            w.enter();
            try {
                assertThrows(IllegalStateException.class, () -> kernel.decay(workspace, strength, age, null, 4, params,
                        strength));
            } finally {
                w.exit();
            }
            assertArrayEquals(strengths, strength.toArray(JAVA_FLOAT), "the strengths are untouched");
            kernel.decay(workspace, strength, age, null, 4, params, strength);
            assertArrayEquals(new float[] {0.45f, 0.25f, 0.125f, 0.5f}, strength.toArray(JAVA_FLOAT),
                    "the retry decays them once");
        }
    }

    @Test
    void aCallOnAStoppedKernelWritesNothingARetryReads() {
        float[] strengths = {0.9f, 0.5f};
        KernelService stopping = newKernel();
        KernelWorkspace workspace = stopping.newWorkspace();
        stop(stopping);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment strength = nativeFloats(arena, strengths);
            assertThrows(KernelUnavailableException.class, () -> stopping.decay(workspace, strength,
                    nativeFloats(arena, 1f, 1f), null, 2, DecayParams.of(new DecayCurve.Exponential()), strength));
            assertArrayEquals(strengths, strength.toArray(JAVA_FLOAT), "the strengths are untouched");
            assertThrows(KernelUnavailableException.class, () -> stopping.decay(null, strength,
                    nativeFloats(arena, 1f, 1f), null, 2, DecayParams.of(new DecayCurve.Exponential()), strength));
            assertArrayEquals(strengths, strength.toArray(JAVA_FLOAT), "the strengths are untouched");
        }
    }

    @Test
    void metricsListTheOpenWorkspacesAndCountTheirCalls() {
        KernelWorkspace b = kernel.newWorkspace(WorkspaceOptions.ofMebibytes(8, OverflowStrategy.ERROR));
        try (KernelWorkspace a = kernel.newWorkspace(); Arena arena = Arena.ofConfined()) {
            assertEquals(List.of("workspace-1", "workspace-2"), names(kernel.arenaMetrics()));
            assertEquals(WorkspaceOptions.ofMebibytes(8, OverflowStrategy.ERROR), b.options());
            assertEquals(kernel.info().id(), a.kernelId());
            MemorySegment strength = nativeFloats(arena, 0.5f);
            for (int i = 0; i < 3; i++) {
                kernel.decay(a, strength, nativeFloats(arena, 1f), null, 1, DecayParams.of(new DecayCurve.PowerLaw()),
                        garbage(arena, 1));
            }
            assertExact(b, randomCase(new Random(64), 100), "a spread over 100 nodes");
            kernel.cosine(null, nativeFloats(arena, 1f), 1, nativeFloats(arena, 1f), 0, 1, null, garbage(arena, 1));
            List<ArenaMetrics> metrics = kernel.arenaMetrics();
            assertEquals(List.of("pool-1", "workspace-1", "workspace-2"), names(metrics));
            for (ArenaMetrics m : metrics) {
                assertEquals("heap", m.memory(), m.workspace());
                assertEquals(kernel.info().id(), m.kernelId());
                assertEquals(0, m.overflows(), "heap scratch never overflows");
                assertEquals(0, m.fallbackBytes());
            }
            assertEquals(1, metrics.get(0).resets(), "one call borrowed the pool's workspace");
            assertEquals(2, metrics.get(1).resets(), "b: a dense and a sparse spread");
            assertEquals(3, metrics.get(2).resets(), "a: three decays");
            assertEquals(a.metrics(), metrics.get(2));
            assertEquals(9 * 100, b.metrics().retainedBytes(), "9 bytes per node kept between calls");
            assertTrue(b.metrics().highWaterBytes() >= b.metrics().retainedBytes());
            assertThrows(IllegalArgumentException.class, () -> kernel.decay(a, strength, nativeFloats(arena, 1f), null,
                    -1, DecayParams.of(new DecayCurve.PowerLaw()), strength));
            assertEquals(3, a.metrics().resets(), "a refused argument is no call");
            b.close();
            assertEquals(List.of("pool-1", "workspace-2"), names(kernel.arenaMetrics()), "a closed one is gone");
        } finally {
            b.close();
        }
    }

    private static List<String> names(List<ArenaMetrics> metrics) {
        return metrics.stream().map(ArenaMetrics::workspace).toList();
    }

    @Test
    void deactivationFreesEveryWorkspace() {
        KernelService stopping = newKernel();
        KernelWorkspace own = stopping.newWorkspace();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = garbage(arena, 1);
            stopping.cosine(null, nativeFloats(arena, 1f), 1, nativeFloats(arena, 1f), 0, 1, null, out);
            assertEquals(2, stopping.arenaMetrics().size(), "its own and the pool's");
            stop(stopping);
            assertEquals(List.of(), stopping.arenaMetrics());
            assertFalse(own.isOpen());
            out.setAtIndex(JAVA_INT, 0, GARBAGE);
            List<Executable> calls = List.of(
                    () -> stopping.cosine(own, nativeFloats(arena, 1f), 1, nativeFloats(arena, 1f), 0, 1, null, out),
                    () -> stopping.cosine(null, nativeFloats(arena, 1f), 1, nativeFloats(arena, 1f), 0, 1, null, out),
                    stopping::newWorkspace);
            for (Executable call : calls) {
                KernelUnavailableException e = assertThrows(KernelUnavailableException.class, call);
                assertTrue(e.getMessage().contains(stopping.info().id()), e.getMessage());
            }
            assertEquals(GARBAGE, out.getAtIndex(JAVA_INT, 0), "nothing written");
            assertEquals(List.of(), stopping.arenaMetrics(), "nothing made while stopped is kept");
        }
    }

    @Test
    void aSparseSpreadReusesTheTablesOfADenseOne() {
        // Dense then sparse then dense again in one workspace, on graphs of very different sizes.
        Random random = new Random(65);
        try (KernelWorkspace workspace = kernel.newWorkspace()) {
            for (int n : new int[] {2_000, 10, 2_000, 1}) {
                Case c = randomCase(random, n);
                try (CsrGraph graph = CsrGraph.of(c.offsets(), c.targets(), c.weights())) {
                    ReachedNodes sparse = kernel.spreadSparse(graph, c.seeds(), c.activations(), c.params(), n);
                    assertExact(workspace, c, n + " nodes");
                    assertEquals(c.oracle().activatedCount(), sparse.reachedCount());
                }
            }
        }
    }
}
