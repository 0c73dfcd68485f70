package engram.api;

import static engram.api.Refusals.assertRefused;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsrGraphTest {

    @Test
    void keepsAValidGraph() {
        try (CsrGraph g = CsrGraph.of(new int[] {0, 2, 2, 3}, new int[] {1, 2, 0}, new float[] {0f, 1f, 0.5f})) {
            assertEquals(3, g.nodeCount());
            assertEquals(3, g.edgeCount());
            assertArrayEquals(new int[] {0, 2, 2, 3}, g.offsets().toArray(JAVA_INT));
            assertArrayEquals(new int[] {1, 2, 0}, g.targets().toArray(JAVA_INT));
            assertArrayEquals(new float[] {0f, 1f, 0.5f}, g.weights().toArray(JAVA_FLOAT));
            assertTrue(g.isOpen());
        }
    }

    @Test
    void aGraphOfItsOwnGivesNativeCallsItsAddressesOutsideAnyArenaAndAWrappedGraphItsSegments() {
        try (CsrGraph g = CsrGraph.of(new int[] {0, 1, 1}, new int[] {1}, new float[] {0.5f})) {
            assertEquals(g.offsets().address(), g.offsetsForNativeCall().address());
            assertEquals(g.targets().address(), g.targetsForNativeCall().address());
            assertEquals(g.weights().address(), g.weightsForNativeCall().address());
            // The global scope, which a downcall does not acquire: the graph's hold keeps its memory.
            assertEquals(MemorySegment.ofAddress(64).scope(), g.offsetsForNativeCall().scope());
            assertEquals(MemorySegment.ofAddress(64).scope(), g.weightsForNativeCall().scope());
            assertNotEquals(g.offsets().scope(), g.offsetsForNativeCall().scope());
        }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment offsets = arena.allocateFrom(JAVA_INT, 0, 1, 1);
            MemorySegment targets = arena.allocateFrom(JAVA_INT, 1);
            MemorySegment weights = arena.allocateFrom(JAVA_FLOAT, 0.5f);
            try (CsrGraph g = CsrGraph.wrap(2, 1, offsets, targets, weights, () -> {
            })) {
                // Only the downcall's acquire of the caller's arena keeps that memory: the segments as they are.
                assertSame(g.offsets(), g.offsetsForNativeCall());
                assertSame(g.targets(), g.targetsForNativeCall());
                assertSame(g.weights(), g.weightsForNativeCall());
                assertEquals(arena.scope(), g.offsetsForNativeCall().scope());
            }
        }
    }

    @Test
    void allowsSelfLoopsAndCycles() {
        assertDoesNotThrow(() -> {
            try (CsrGraph g = CsrGraph.of(new int[] {0, 2, 3}, new int[] {0, 1, 0}, new float[] {1f, 1f, 1f})) {
                assertEquals(2, g.nodeCount());
            }
        });
    }

    @Test
    void refusesFirstOffsetNotZero() {
        assertRefused("offsets[0] is 1", () -> CsrGraph.of(new int[] {1, 1}, new int[] {0}, new float[] {1f}));
    }

    @Test
    void refusesDecreasingOffsets() {
        assertRefused("offsets[2] is 1", () -> CsrGraph.of(new int[] {0, 2, 1, 2}, new int[] {0, 1}, new float[] {1f, 1f}));
    }

    @Test
    void refusesLastOffsetOtherThanTheEdgeCount() {
        assertRefused("offsets[2] is 1", () -> CsrGraph.of(new int[] {0, 1, 1}, new int[] {0, 1}, new float[] {1f, 1f}));
        assertRefused("offsets[2] is 3", () -> CsrGraph.of(new int[] {0, 1, 3}, new int[] {0, 1}, new float[] {1f, 1f}));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, -1, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void refusesTargetsOutsideTheGraph(int target) {
        IllegalArgumentException e = assertRefused("targets[1] is " + target,
                () -> CsrGraph.of(new int[] {0, 1, 2}, new int[] {0, target}, new float[] {1f, 1f}));
        assertTrue(e.getMessage().contains("0..1"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(floats = {-0.001f, 1.0000001f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void refusesWeightsOutsideZeroToOne(float weight) {
        assertRefused("weights[1] is " + weight,
                () -> CsrGraph.of(new int[] {0, 1, 2}, new int[] {0, 1}, new float[] {1f, weight}));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 16_383, 16_384, 16_385, 39_999})
    void findsTheFirstBadEdgeOrOffsetOfALargeGraphWhereverItIs(int at) {
        // Larger than the validation's chunks of 16,384 values: a bad value on either side of a
        // chunk's edge is reported with its own index, and the first of two in one chunk.
        int nodes = 40_000;
        int[] offsets = new int[nodes + 1];
        for (int u = 0; u <= nodes; u++) {
            offsets[u] = u;
        }
        int[] targets = new int[nodes];
        float[] weights = new float[nodes];
        for (int j = 0; j < nodes; j++) {
            targets[j] = (j * 7) % nodes;
            weights[j] = (j % 5) / 4f;
        }
        assertDoesNotThrow(() -> CsrGraph.of(offsets, targets, weights).close());
        int[] badTargets = targets.clone();
        badTargets[at] = nodes;
        if (at + 1 < nodes) {
            badTargets[at + 1] = -1;
        }
        assertRefused("targets[" + at + "] is " + nodes, () -> CsrGraph.of(offsets, badTargets, weights));
        float[] badWeights = weights.clone();
        badWeights[at] = Float.NaN;
        assertRefused("weights[" + at + "] is NaN", () -> CsrGraph.of(offsets, targets, badWeights));
        if (at > 0) {
            int[] badOffsets = offsets.clone();
            badOffsets[at] = at - 2;
            assertRefused("offsets[" + at + "] is " + (at - 2) + ", below offsets[" + (at - 1) + "]",
                    () -> CsrGraph.of(badOffsets, targets, weights));
        }
    }

    @Test
    void refusesMissingOrMismatchedArrays() {
        assertRefused("offsets", () -> CsrGraph.of(null, new int[0], new float[0]));
        assertRefused("offsets has 0 entries", () -> CsrGraph.of(new int[0], new int[0], new float[0]));
        assertRefused("targets and weights", () -> CsrGraph.of(new int[] {0, 1}, new int[] {0}, new float[0]));
        assertRefused("targets and weights", () -> CsrGraph.of(new int[] {0, 1}, null, new float[] {1f}));
        assertRefused("targets and weights", () -> CsrGraph.of(new int[] {0, 1}, new int[] {0}, null));
    }

    @Test
    void copyOfValidatesCountsAndSegments() {
        MemorySegment offsets = MemorySegment.ofArray(new int[] {0, 1, 1});
        MemorySegment targets = MemorySegment.ofArray(new int[] {1});
        MemorySegment weights = MemorySegment.ofArray(new float[] {0.25f});
        try (CsrGraph g = CsrGraph.copyOf(2, 1, offsets, targets, weights)) {
            assertArrayEquals(new int[] {1}, g.targets().toArray(JAVA_INT));
            assertArrayEquals(new float[] {0.25f}, g.weights().toArray(JAVA_FLOAT));
        }
        assertRefused("nodeCount is -1", () -> CsrGraph.copyOf(-1, 1, offsets, targets, weights));
        assertRefused("edgeCount is -1", () -> CsrGraph.copyOf(2, -1, offsets, targets, weights));
        assertRefused("offsets holds", () -> CsrGraph.copyOf(3, 1, offsets, targets, weights));
        assertRefused("targets holds", () -> CsrGraph.copyOf(2, 2, offsets, targets, weights));
        assertRefused("weights is null", () -> CsrGraph.copyOf(2, 1, offsets, targets, null));
        assertRefused("targets[0] is 1", () -> CsrGraph.copyOf(1, 1, MemorySegment.ofArray(new int[] {0, 1}), targets,
                weights));
    }

    @Test
    void copyOfTakesNativeSegmentsAndCopiesThem() {
        Arena arena = Arena.ofConfined();
        MemorySegment offsets = arena.allocateFrom(JAVA_INT, 0, 1, 2);
        MemorySegment targets = arena.allocateFrom(JAVA_INT, 1, 0);
        MemorySegment weights = arena.allocateFrom(JAVA_FLOAT, 0.5f, 0.75f);
        try (CsrGraph g = CsrGraph.copyOf(2, 2, offsets, targets, weights)) {
            targets.setAtIndex(JAVA_INT, 0, 0);
            weights.setAtIndex(JAVA_FLOAT, 1, 0f);
            arena.close();
            // The graph's memory is its own: it outlives the caller's arena.
            assertArrayEquals(new int[] {1, 0}, g.targets().toArray(JAVA_INT));
            assertArrayEquals(new float[] {0.5f, 0.75f}, g.weights().toArray(JAVA_FLOAT));
        }
    }

    @Test
    void isImmutable() {
        int[] offsets = {0, 1, 2};
        int[] targets = {1, 0};
        float[] weights = {0.5f, 0.25f};
        try (CsrGraph g = CsrGraph.of(offsets, targets, weights)) {
            offsets[1] = 2;
            targets[0] = 0;
            weights[1] = 1f;
            assertEquals(1, g.offsets().getAtIndex(JAVA_INT, 1));
            assertEquals(1, g.targets().getAtIndex(JAVA_INT, 0));
            assertEquals(0.25f, g.weights().getAtIndex(JAVA_FLOAT, 1));
        }
    }

    @Test
    void viewsAreReadOnly() {
        try (CsrGraph g = CsrGraph.of(new int[] {0, 1, 2}, new int[] {1, 0}, new float[] {0.5f, 0.25f})) {
            // Writing a read-only segment throws (IllegalArgumentException on JDK 25).
            assertTrue(g.offsets().isReadOnly());
            assertTrue(g.targets().isReadOnly());
            assertTrue(g.weights().isReadOnly());
            assertThrows(RuntimeException.class, () -> g.targets().setAtIndex(JAVA_INT, 0, 0));
            assertThrows(RuntimeException.class, () -> g.weights().setAtIndex(JAVA_FLOAT, 0, 1f));
            assertThrows(RuntimeException.class, () -> g.offsets().setAtIndex(JAVA_INT, 1, 2));
            assertEquals(1, g.targets().getAtIndex(JAVA_INT, 0));
        }
    }

    @Test
    void closesOnceAndIsThenRefused() {
        CsrGraph g = CsrGraph.of(new int[] {0, 0}, new int[0], new float[0]);
        g.close();
        assertFalse(g.isOpen());
        assertDoesNotThrow(g::close);
        assertTrue(g.toString().contains("closed"), g.toString());
        assertRefused("closed", () -> KernelArguments.checkSpread(g, MemorySegment.ofArray(new int[0]),
                MemorySegment.ofArray(new float[0]), 0, SpreadParams.exponential(1, 0, 0),
                MemorySegment.ofArray(new float[1]), MemorySegment.ofArray(new int[1])));
    }

    @Test
    void emptyGraphsHaveNoEdges() {
        try (CsrGraph none = CsrGraph.empty(0); CsrGraph some = CsrGraph.empty(5)) {
            assertEquals(0, none.nodeCount());
            assertEquals(0, none.edgeCount());
            assertEquals(5, some.nodeCount());
            assertEquals(0, some.edgeCount());
            assertArrayEquals(new int[6], some.offsets().toArray(JAVA_INT));
            assertEquals(0, some.targets().byteSize(), "no edges, no target bytes");
            assertEquals(0, some.weights().byteSize(), "no edges, no weight bytes");
        }
        assertRefused("nodeCount is -1", () -> CsrGraph.empty(-1));
    }

    @Test
    void ofAndCopyOfKeepCopiesOfTheirOwn() {
        int[] offsets = {0, 1, 2};
        int[] targets = {1, 0};
        float[] weights = {0.5f, 0.25f};
        try (CsrGraph g = CsrGraph.copyOf(2, 2, MemorySegment.ofArray(offsets), MemorySegment.ofArray(targets),
                MemorySegment.ofArray(weights))) {
            offsets[1] = 2;
            targets[0] = 0;
            weights[1] = 1f;
            assertEquals(1, g.offsets().getAtIndex(JAVA_INT, 1));
            assertEquals(1, g.targets().getAtIndex(JAVA_INT, 0));
            assertEquals(0.25f, g.weights().getAtIndex(JAVA_FLOAT, 1));
            assertFalse(g.isWrapped());
            assertTrue(g.targets().isNative(), "copied off-heap, where kernels read it in place");
            assertEquals(0, g.targets().address() % 64, "64-byte aligned");
        }
    }

    @Test
    void buildHasTheWriterFillTheGraphsOwnMemory() {
        MemorySegment[] given = new MemorySegment[3];
        try (CsrGraph g = CsrGraph.build(3, 2, (offsets, targets, weights) -> {
            given[0] = offsets;
            given[1] = targets;
            given[2] = weights;
            assertEquals(4L * Integer.BYTES, offsets.byteSize());
            assertEquals(2L * Integer.BYTES, targets.byteSize());
            assertEquals(2L * Float.BYTES, weights.byteSize());
            assertArrayEquals(new int[4], offsets.toArray(JAVA_INT), "zeros at first");
            offsets.setAtIndex(JAVA_INT, 1, 1);
            offsets.setAtIndex(JAVA_INT, 2, 2);
            offsets.setAtIndex(JAVA_INT, 3, 2);
            targets.setAtIndex(JAVA_INT, 0, 2);
            targets.setAtIndex(JAVA_INT, 1, 0);
            weights.setAtIndex(JAVA_FLOAT, 0, 0.5f);
            weights.setAtIndex(JAVA_FLOAT, 1, 1f);
        })) {
            assertArrayEquals(new int[] {0, 1, 2, 2}, g.offsets().toArray(JAVA_INT));
            assertArrayEquals(new int[] {2, 0}, g.targets().toArray(JAVA_INT));
            assertArrayEquals(new float[] {0.5f, 1f}, g.weights().toArray(JAVA_FLOAT));
            assertFalse(g.isWrapped());
            assertEquals(given[1].address(), g.targets().address(), "the written memory itself, no copy");
            assertEquals(0, g.targets().address() % 64, "64-byte aligned");
            assertEquals(g.offsets().address(), g.offsetsForNativeCall().address());
            assertEquals(MemorySegment.ofAddress(64).scope(), g.offsetsForNativeCall().scope(),
                    "memory of its own: its address alone goes to a native call");
        }
        assertFalse(given[0].scope().isAlive(), "closing the graph frees what the writer wrote");
    }

    @Test
    void buildRefusesBadCountsAnInvalidGraphAndAFailedWriterAndFreesTheMemory() {
        assertRefused("nodeCount is -1", () -> CsrGraph.build(-1, 0, (o, t, w) -> {
        }));
        assertRefused("edgeCount is -2", () -> CsrGraph.build(1, -2, (o, t, w) -> {
        }));
        assertRefused("writer is null", () -> CsrGraph.build(1, 0, null));
        MemorySegment[] given = new MemorySegment[1];
        assertRefused("offsets[2] is 0; it must equal the edge count 1", () -> CsrGraph.build(2, 1, (o, t, w) -> {
            given[0] = t;
        }));
        assertFalse(given[0].scope().isAlive(), "an invalid graph's memory is freed");
        assertRefused("targets[0] is 5", () -> CsrGraph.build(2, 1, (o, t, w) -> {
            given[0] = t;
            o.setAtIndex(JAVA_INT, 1, 1);
            o.setAtIndex(JAVA_INT, 2, 1);
            t.setAtIndex(JAVA_INT, 0, 5);
        }));
        assertFalse(given[0].scope().isAlive());
        IllegalStateException failure = new IllegalStateException("the writer failed");
        assertSame(failure, assertThrows(IllegalStateException.class, () -> CsrGraph.build(1, 0, (o, t, w) -> {
            given[0] = o;
            throw failure;
        })));
        assertFalse(given[0].scope().isAlive(), "a failed writer's memory is freed");
    }

    @Test
    void theSegmentsAreTheSameOnEveryCall() {
        try (CsrGraph g = CsrGraph.of(new int[] {0, 1, 2}, new int[] {1, 0}, new float[] {0.5f, 0.25f})) {
            assertSame(g.offsets(), g.offsets());
            assertSame(g.targets(), g.targets());
            assertSame(g.weights(), g.weights());
        }
    }

    @Test
    void closingFreesTheCopy() {
        CsrGraph g = CsrGraph.of(new int[] {0, 1, 1}, new int[] {1}, new float[] {1f});
        MemorySegment targets = g.targets();
        g.close();
        assertFalse(targets.scope().isAlive(), "the graph's own memory is freed on close");
        assertFalse(g.acquire());
    }

    @Test
    void aHeldGraphIsFreedWhenTheLastHolderReleasesIt() {
        CsrGraph g = CsrGraph.of(new int[] {0, 1, 1}, new int[] {1}, new float[] {1f});
        MemorySegment targets = g.targets();
        assertTrue(g.acquire());
        g.close();
        assertFalse(g.isOpen(), "closed at once");
        assertFalse(g.acquire(), "no new call after close");
        assertTrue(targets.scope().isAlive(), "not freed under the call that holds it");
        assertEquals(1, targets.getAtIndex(JAVA_INT, 0));
        g.release();
        assertFalse(targets.scope().isAlive(), "freed when the last holder releases it");
    }

    /** A native copy of a graph for {@link CsrGraph#wrap}, in an arena the test closes. */
    private record NativeGraph(Arena arena, MemorySegment offsets, MemorySegment targets, MemorySegment weights) {
        static NativeGraph of(Arena arena, int[] offsets, int[] targets, float[] weights) {
            return new NativeGraph(arena, arena.allocateFrom(JAVA_INT, offsets), arena.allocateFrom(JAVA_INT, targets),
                    arena.allocateFrom(JAVA_FLOAT, weights));
        }

        CsrGraph wrap(Runnable onRelease) {
            return CsrGraph.wrap((int) (offsets.byteSize() / 4 - 1), (int) (targets.byteSize() / 4), offsets, targets,
                    weights, onRelease);
        }
    }

    @Test
    void wrapReadsTheCallersMemoryWithoutACopy() {
        try (Arena arena = Arena.ofConfined()) {
            NativeGraph memory = NativeGraph.of(arena, new int[] {0, 2, 2, 3}, new int[] {1, 2, 0},
                    new float[] {0f, 1f, 0.5f});
            try (CsrGraph g = memory.wrap(null)) {
                assertTrue(g.isWrapped());
                assertTrue(g.isOpen());
                assertEquals(3, g.nodeCount());
                assertEquals(3, g.edgeCount());
                assertEquals(memory.targets().address(), g.targets().address(), "the caller's memory, not a copy");
                assertEquals(memory.offsets().address(), g.offsets().address());
                assertEquals(memory.weights().address(), g.weights().address());
                memory.targets().setAtIndex(JAVA_INT, 1, 1);
                memory.weights().setAtIndex(JAVA_FLOAT, 2, 0.75f);
                assertEquals(1, g.targets().getAtIndex(JAVA_INT, 1), "a change of the caller's segment shows");
                assertEquals(0.75f, g.weights().getAtIndex(JAVA_FLOAT, 2));
                assertTrue(g.offsets().isReadOnly());
                assertTrue(g.targets().isReadOnly());
                assertTrue(g.weights().isReadOnly());
                assertSame(g.targets(), g.targets());
                assertTrue(g.toString().contains("wrapped"), g.toString());
            }
        }
    }

    @Test
    void wrapKeepsOnlyTheGraphsPartOfLongerSegments() {
        try (Arena arena = Arena.ofConfined()) {
            NativeGraph memory = NativeGraph.of(arena, new int[] {0, 1, 2, 99}, new int[] {1, 0, 7},
                    new float[] {0.5f, 0.5f, 9f});
            try (CsrGraph g = CsrGraph.wrap(2, 2, memory.offsets(), memory.targets(), memory.weights(), null)) {
                assertEquals(12, g.offsets().byteSize());
                assertEquals(8, g.targets().byteSize());
                assertEquals(8, g.weights().byteSize());
            }
        }
    }

    @Test
    void wrapRefusesHeapSegmentsPointingToCopyOf() {
        MemorySegment offsets = MemorySegment.ofArray(new int[] {0, 1, 1});
        MemorySegment targets = MemorySegment.ofArray(new int[] {1});
        MemorySegment weights = MemorySegment.ofArray(new float[] {0.5f});
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nativeOffsets = arena.allocateFrom(JAVA_INT, 0, 1, 1);
            MemorySegment nativeTargets = arena.allocateFrom(JAVA_INT, 1);
            MemorySegment nativeWeights = arena.allocateFrom(JAVA_FLOAT, 0.5f);
            IllegalArgumentException e = assertRefused("offsets is a heap segment",
                    () -> CsrGraph.wrap(2, 1, offsets, nativeTargets, nativeWeights, null));
            assertTrue(e.getMessage().contains("CsrGraph.of"), e.getMessage());
            assertRefused("targets is a heap segment",
                    () -> CsrGraph.wrap(2, 1, nativeOffsets, targets, nativeWeights, null));
            assertRefused("weights is a heap segment",
                    () -> CsrGraph.wrap(2, 1, nativeOffsets, nativeTargets, weights, null));
        }
    }

    @Test
    void wrapValidatesLikeCopyOf() {
        try (Arena arena = Arena.ofConfined()) {
            AtomicInteger released = new AtomicInteger();
            assertRefused("offsets[0] is 1", () -> NativeGraph.of(arena, new int[] {1, 1}, new int[] {0},
                    new float[] {1f}).wrap(released::incrementAndGet));
            assertRefused("offsets[2] is 1", () -> NativeGraph.of(arena, new int[] {0, 2, 1, 2}, new int[] {0, 1},
                    new float[] {1f, 1f}).wrap(released::incrementAndGet));
            assertRefused("targets[1] is 2", () -> NativeGraph.of(arena, new int[] {0, 1, 2}, new int[] {0, 2},
                    new float[] {1f, 1f}).wrap(released::incrementAndGet));
            assertRefused("weights[0] is 1.5", () -> NativeGraph.of(arena, new int[] {0, 1, 1}, new int[] {0},
                    new float[] {1.5f}).wrap(released::incrementAndGet));
            assertRefused("weights[0] is NaN", () -> NativeGraph.of(arena, new int[] {0, 1, 1}, new int[] {0},
                    new float[] {Float.NaN}).wrap(released::incrementAndGet));
            MemorySegment offsets = arena.allocateFrom(JAVA_INT, 0, 1, 1);
            MemorySegment targets = arena.allocateFrom(JAVA_INT, 1);
            MemorySegment weights = arena.allocateFrom(JAVA_FLOAT, 0.5f);
            assertRefused("nodeCount is -1", () -> CsrGraph.wrap(-1, 1, offsets, targets, weights, null));
            assertRefused("edgeCount is -1", () -> CsrGraph.wrap(2, -1, offsets, targets, weights, null));
            assertRefused("offsets holds", () -> CsrGraph.wrap(3, 1, offsets, targets, weights, null));
            assertRefused("targets holds", () -> CsrGraph.wrap(2, 2, offsets, targets, weights, null));
            assertRefused("weights is null", () -> CsrGraph.wrap(2, 1, offsets, targets, null, null));
            assertRefused("offsets is null", () -> CsrGraph.wrap(2, 1, null, targets, weights, null));
            assertEquals(0, released.get(), "a refused graph was never made, so it releases nothing");
        }
    }

    @Test
    void onReleaseRunsOnceAtCloseWhenNothingHoldsTheGraph() {
        try (Arena arena = Arena.ofConfined()) {
            AtomicInteger released = new AtomicInteger();
            CsrGraph g = NativeGraph.of(arena, new int[] {0, 1, 1}, new int[] {1}, new float[] {1f})
                    .wrap(released::incrementAndGet);
            assertEquals(0, released.get(), "not before close");
            g.close();
            assertEquals(1, released.get());
            g.close();
            assertEquals(1, released.get(), "closing again releases nothing more");
            assertFalse(g.acquire());
            assertEquals(1, released.get());
        }
    }

    @Test
    void onReleaseRunsOnlyAfterCloseAndTheLastRelease() {
        try (Arena arena = Arena.ofConfined()) {
            AtomicInteger released = new AtomicInteger();
            CsrGraph g = NativeGraph.of(arena, new int[] {0, 1, 1}, new int[] {1}, new float[] {1f})
                    .wrap(released::incrementAndGet);
            assertTrue(g.acquire());
            assertTrue(g.acquire());
            g.release();
            assertEquals(0, released.get(), "released by a holder, but not closed");
            assertTrue(g.acquire());
            g.close();
            assertEquals(0, released.get(), "closed, but held twice");
            assertFalse(g.acquire(), "closed: no new holder");
            g.release();
            assertEquals(0, released.get(), "closed, still held once");
            g.release();
            assertEquals(1, released.get(), "closed and released by the last holder");
            g.close();
            assertEquals(1, released.get(), "exactly once");
        }
    }

    @Test
    void aWrappedGraphWhoseMemoryIsFreedIsNotOpen() {
        Arena arena = Arena.ofShared();
        AtomicInteger released = new AtomicInteger();
        CsrGraph g = NativeGraph.of(arena, new int[] {0, 1, 1}, new int[] {1}, new float[] {1f})
                .wrap(released::incrementAndGet);
        assertTrue(g.isOpen());
        arena.close();
        assertFalse(g.isOpen(), "its memory is gone");
        assertFalse(g.acquire(), "no call may read freed memory");
        assertEquals(0, released.get(), "not closed yet: the owner closes it");
        assertRefused("is closed", () -> KernelArguments.checkSpread(g, MemorySegment.ofArray(new int[0]),
                MemorySegment.ofArray(new float[0]), 0, SpreadParams.exponential(1, 0, 0),
                MemorySegment.ofArray(new float[2]), MemorySegment.ofArray(new int[2])));
        g.close();
        assertEquals(1, released.get());
    }

    @Test
    void aThrowingOnReleaseIsLoggedAndNeverEscapesTheReleaseOfAKernelsCall() {
        try (Arena arena = Arena.ofShared()) {
            AtomicInteger runs = new AtomicInteger();
            CsrGraph graph = CsrGraph.wrap(2, 1, arena.allocateFrom(JAVA_INT, 0, 1, 1),
                    arena.allocateFrom(JAVA_INT, 1), arena.allocateFrom(JAVA_FLOAT, 0.5f), () -> {
                        runs.incrementAndGet();
                        throw new IllegalStateException("the owner's release failed");
                    });
            assertTrue(graph.acquire());
            graph.close();
            graph.release();
            assertEquals(1, runs.get(), "the last release ran onRelease, and returned normally");
            graph.close();
            assertEquals(1, runs.get(), "once");
        }
    }
}
