package engram.api;

import static engram.api.Refusals.assertRefused;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

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
                MemorySegment.ofArray(new float[0]), 0, SpreadParams.exponential(1, 0, 0f),
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
}
