package engram.api;

import static engram.api.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KernelArgumentsTest {

    static MemorySegment floats(int n) {
        return MemorySegment.ofArray(new float[n]);
    }

    static MemorySegment ints(int n) {
        return MemorySegment.ofArray(new int[n]);
    }

    static MemorySegment floatsOf(float... values) {
        return MemorySegment.ofArray(values);
    }

    static MemorySegment intsOf(int... values) {
        return MemorySegment.ofArray(values);
    }

    @Nested
    class Cosine {
        @Test
        void acceptsAWellFormedCall() {
            assertDoesNotThrow(() -> KernelArguments.checkCosine(floats(3), 3, floats(6), 2, floats(2), floats(2)));
            assertDoesNotThrow(() -> KernelArguments.checkCosine(floats(3), 3, floats(6), 2, null, floats(2)));
            assertDoesNotThrow(() -> KernelArguments.checkCosine(floats(4096), 4096, floats(0), 0, null, floats(0)));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, 4097, Integer.MIN_VALUE})
        void refusesDimensionsOutOfRange(int dimensions) {
            IllegalArgumentException e = assertRefused("dimensions is " + dimensions,
                    () -> KernelArguments.checkCosine(floats(8192), dimensions, floats(8192), 1, null, floats(1)));
            assertRefusalMentions(e, "1..4096");
        }

        @Test
        void refusesNegativeRows() {
            assertRefused("rows is -1", () -> KernelArguments.checkCosine(floats(3), 3, floats(6), -1, null, floats(2)));
        }

        @Test
        void refusesSegmentsTooSmall() {
            assertRefused("query", () -> KernelArguments.checkCosine(floats(2), 3, floats(6), 2, null, floats(2)));
            assertRefused("matrix", () -> KernelArguments.checkCosine(floats(3), 3, floats(5), 2, null, floats(2)));
            assertRefused("norms", () -> KernelArguments.checkCosine(floats(3), 3, floats(6), 2, floats(1), floats(2)));
            assertRefused("out", () -> KernelArguments.checkCosine(floats(3), 3, floats(6), 2, null, floats(1)));
        }

        @Test
        void refusesNullSegments() {
            assertRefused("query is null", () -> KernelArguments.checkCosine(null, 3, floats(6), 2, null, floats(2)));
            assertRefused("matrix is null", () -> KernelArguments.checkCosine(floats(3), 3, null, 2, null, floats(2)));
            assertRefused("out is null", () -> KernelArguments.checkCosine(floats(3), 3, floats(6), 2, null, null));
        }

        @Test
        void refusesReadOnlyOutput() {
            assertRefused("out is read-only",
                    () -> KernelArguments.checkCosine(floats(3), 3, floats(6), 2, null, floats(2).asReadOnly()));
        }

        @Test
        void acceptsReadOnlyInputs() {
            assertDoesNotThrow(() -> KernelArguments.checkCosine(floats(3).asReadOnly(), 3, floats(6).asReadOnly(), 2,
                    floats(2).asReadOnly(), floats(2)));
        }

        @Test
        void refusesSegmentsOfAClosedArena() {
            MemorySegment closed;
            try (Arena arena = Arena.ofConfined()) {
                closed = arena.allocate(64, 8);
            }
            MemorySegment gone = closed;
            assertRefused("query is a segment of a closed arena",
                    () -> KernelArguments.checkCosine(gone, 3, floats(6), 2, null, floats(2)));
            assertRefused("out is a segment of a closed arena",
                    () -> KernelArguments.checkCosine(floats(3), 3, floats(6), 2, null, gone));
        }

        @Test
        void refusesMisalignedSegments() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment misaligned = arena.allocate(64, 8).asSlice(1);
                assertEquals(1, misaligned.maxByteAlignment());
                assertRefused("query is aligned to 1",
                        () -> KernelArguments.checkCosine(misaligned, 3, floats(6), 2, null, floats(2)));
                assertRefused("matrix is aligned to 1",
                        () -> KernelArguments.checkCosine(floats(3), 3, misaligned, 2, null, floats(2)));
                assertRefused("out is aligned to 1",
                        () -> KernelArguments.checkCosine(floats(3), 3, floats(6), 2, null, misaligned));
                // A heap byte[] is aligned to 1 byte only.
                assertRefused("matrix is aligned to 1", () -> KernelArguments.checkCosine(floats(3), 3,
                        MemorySegment.ofArray(new byte[24]), 2, null, floats(2)));
                // A native segment aligned to 4 is fine.
                MemorySegment aligned = arena.allocate(64, 8).asSlice(4);
                assertDoesNotThrow(() -> KernelArguments.checkCosine(aligned, 3, aligned, 2, null, floats(2)));
            }
        }
    }

    @Nested
    class CosineTopK {
        @Test
        void acceptsKFromOneToRows() {
            assertDoesNotThrow(() -> KernelArguments.checkCosineTopK(floats(2), 2, floats(6), 3, null, 1, ints(1), floats(1)));
            assertDoesNotThrow(() -> KernelArguments.checkCosineTopK(floats(2), 2, floats(6), 3, null, 3, ints(3), floats(3)));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, 4})
        void refusesKOutOfRange(int k) {
            IllegalArgumentException e = assertRefused("k is " + k,
                    () -> KernelArguments.checkCosineTopK(floats(2), 2, floats(6), 3, null, k, ints(8), floats(8)));
            assertRefusalMentions(e, "1..rows");
        }

        @Test
        void refusesAnyKOnAnEmptyMatrix() {
            assertRefused("k is 1", () -> KernelArguments.checkCosineTopK(floats(2), 2, floats(0), 0, null, 1, ints(1),
                    floats(1)));
        }

        @Test
        void checksTheMatrixLikeCosine() {
            assertRefused("dimensions is 4097",
                    () -> KernelArguments.checkCosineTopK(floats(2), 4097, floats(6), 3, null, 1, ints(1), floats(1)));
            assertRefused("rows is -1",
                    () -> KernelArguments.checkCosineTopK(floats(2), 2, floats(6), -1, null, 1, ints(1), floats(1)));
            assertRefused("norms", () -> KernelArguments.checkCosineTopK(floats(2), 2, floats(6), 3, floats(2), 1, ints(1),
                    floats(1)));
        }

        @Test
        void refusesBadOutputs() {
            assertRefused("outIndex is null",
                    () -> KernelArguments.checkCosineTopK(floats(2), 2, floats(6), 3, null, 2, null, floats(2)));
            assertRefused("outScore is null",
                    () -> KernelArguments.checkCosineTopK(floats(2), 2, floats(6), 3, null, 2, ints(2), null));
            assertRefused("outIndex holds",
                    () -> KernelArguments.checkCosineTopK(floats(2), 2, floats(6), 3, null, 2, ints(1), floats(2)));
            assertRefused("outScore holds",
                    () -> KernelArguments.checkCosineTopK(floats(2), 2, floats(6), 3, null, 2, ints(2), floats(1)));
            assertRefused("outIndex is read-only", () -> KernelArguments.checkCosineTopK(floats(2), 2, floats(6), 3, null,
                    2, ints(2).asReadOnly(), floats(2)));
            assertRefused("outScore is read-only", () -> KernelArguments.checkCosineTopK(floats(2), 2, floats(6), 3, null,
                    2, ints(2), floats(2).asReadOnly()));
        }
    }

    @Nested
    class Spread {
        private final CsrGraph graph = CsrGraph.of(new int[] {0, 1, 2, 2}, new int[] {1, 2}, new float[] {0.5f, 0.5f});
        private final SpreadParams params = SpreadParams.exponential(3, 0.5, 0f);

        @org.junit.jupiter.api.AfterEach
        void closeGraph() {
            graph.close();
        }

        private void check(MemorySegment seedNodes, MemorySegment seedActivations, int seedCount) {
            KernelArguments.checkSpread(graph, seedNodes, seedActivations, seedCount, params, floats(3), ints(3));
        }

        @Test
        void acceptsGoodSeeds() {
            assertDoesNotThrow(() -> check(intsOf(0, 2, 2), floatsOf(1f, Float.MIN_VALUE, 0.5f), 3));
            assertDoesNotThrow(() -> check(intsOf(0), floatsOf(0f), 0));
        }

        @ParameterizedTest
        @ValueSource(ints = {3, -1, Integer.MAX_VALUE, Integer.MIN_VALUE})
        void refusesSeedNodesOutsideTheGraph(int node) {
            IllegalArgumentException e = assertRefused("seedNodes[0] is " + node, () -> check(intsOf(node), floatsOf(1f), 1));
            assertRefusalMentions(e, "0..2");
            assertRefused("seedNodes[1] is " + node, () -> check(intsOf(0, node), floatsOf(1f, 1f), 2));
        }

        @ParameterizedTest
        @ValueSource(floats = {0f, -0f, -0.5f, 1.0000001f, 2f, Float.NaN, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY})
        void refusesSeedActivationsOutsideZeroToOne(float activation) {
            IllegalArgumentException e = assertRefused("seedActivations[1] is " + activation,
                    () -> check(intsOf(0, 1), floatsOf(0.5f, activation), 2));
            assertRefusalMentions(e, "(0, 1]");
        }

        @Test
        void refusesNegativeSeedCount() {
            assertRefused("seedCount is -1", () -> check(intsOf(0), floatsOf(1f), -1));
        }

        @Test
        void refusesSeedSegmentsTooSmallOrNull() {
            assertRefused("seedNodes", () -> check(intsOf(0), floatsOf(1f, 1f), 2));
            assertRefused("seedActivations", () -> check(intsOf(0, 1), floatsOf(1f), 2));
            assertRefused("seedNodes is null", () -> check(null, floatsOf(1f), 1));
            assertRefused("seedActivations is null", () -> check(intsOf(0), null, 1));
        }

        @Test
        void refusesBadOutputs() {
            assertRefused("outActivation holds", () -> KernelArguments.checkSpread(graph, intsOf(0), floatsOf(1f), 1, params,
                    floats(2), ints(3)));
            assertRefused("outFirstHop holds", () -> KernelArguments.checkSpread(graph, intsOf(0), floatsOf(1f), 1, params,
                    floats(3), ints(2)));
            assertRefused("outActivation is read-only", () -> KernelArguments.checkSpread(graph, intsOf(0), floatsOf(1f), 1,
                    params, floats(3).asReadOnly(), ints(3)));
            assertRefused("outFirstHop is read-only", () -> KernelArguments.checkSpread(graph, intsOf(0), floatsOf(1f), 1,
                    params, floats(3), ints(3).asReadOnly()));
            assertRefused("outActivation is null", () -> KernelArguments.checkSpread(graph, intsOf(0), floatsOf(1f), 1,
                    params, null, ints(3)));
        }

        @Test
        void refusesMissingGraphOrParams() {
            assertRefused("graph is null", () -> KernelArguments.checkSpread(null, intsOf(0), floatsOf(1f), 1, params,
                    floats(3), ints(3)));
            assertRefused("params is null", () -> KernelArguments.checkSpread(graph, intsOf(0), floatsOf(1f), 1, null,
                    floats(3), ints(3)));
        }

        @Test
        void refusesAClosedGraph() {
            CsrGraph closed = CsrGraph.of(new int[] {0, 0}, new int[0], new float[0]);
            closed.close();
            assertRefused("is closed", () -> KernelArguments.checkSpread(closed, intsOf(0), floatsOf(1f), 1, params,
                    floats(1), ints(1)));
        }
    }

    @Nested
    class Decay {
        private final DecayParams params = DecayParams.of(new DecayCurve.Exponential());

        @Test
        void acceptsAWellFormedCall() {
            assertDoesNotThrow(() -> KernelArguments.checkDecay(floats(2), floats(2), ints(2), 2, params, floats(2)));
            assertDoesNotThrow(() -> KernelArguments.checkDecay(floats(2), floats(2), null, 2, params, floats(2)));
            MemorySegment strength = floats(2);
            assertDoesNotThrow(() -> KernelArguments.checkDecay(strength, floats(2), null, 2, params, strength));
        }

        @Test
        void refusesBadCountOrParams() {
            assertRefused("count is -1", () -> KernelArguments.checkDecay(floats(2), floats(2), null, -1, params, floats(2)));
            assertRefused("params is null", () -> KernelArguments.checkDecay(floats(2), floats(2), null, 2, null, floats(2)));
        }

        @Test
        void refusesBadSegments() {
            assertRefused("strength holds",
                    () -> KernelArguments.checkDecay(floats(1), floats(2), null, 2, params, floats(2)));
            assertRefused("ageSeconds holds",
                    () -> KernelArguments.checkDecay(floats(2), floats(1), null, 2, params, floats(2)));
            assertRefused("accessCount holds",
                    () -> KernelArguments.checkDecay(floats(2), floats(2), ints(1), 2, params, floats(2)));
            assertRefused("out holds",
                    () -> KernelArguments.checkDecay(floats(2), floats(2), null, 2, params, floats(1)));
            assertRefused("strength is null", () -> KernelArguments.checkDecay(null, floats(2), null, 2, params, floats(2)));
            assertRefused("ageSeconds is null",
                    () -> KernelArguments.checkDecay(floats(2), null, null, 2, params, floats(2)));
            assertRefused("out is null", () -> KernelArguments.checkDecay(floats(2), floats(2), null, 2, params, null));
            assertRefused("out is read-only",
                    () -> KernelArguments.checkDecay(floats(2), floats(2), null, 2, params, floats(2).asReadOnly()));
        }

        @Test
        void refusesOutputAliasingAReadOnlyStrength() {
            MemorySegment strength = floats(2).asReadOnly();
            assertRefused("out is read-only",
                    () -> KernelArguments.checkDecay(strength, floats(2), null, 2, params, strength));
        }
    }

    @Nested
    class RequireInputAndOutput {
        @Test
        void acceptsEnoughAlignedLiveMemory() {
            assertDoesNotThrow(() -> KernelArguments.requireInput("x", floats(4), 4, ValueLayout.JAVA_FLOAT));
            assertDoesNotThrow(() -> KernelArguments.requireOutput("x", ints(4), 4, ValueLayout.JAVA_INT));
            // Nothing to read: an empty, even byte-aligned, segment will do.
            assertDoesNotThrow(() -> KernelArguments.requireInput("x", MemorySegment.ofArray(new byte[0]), 0,
                    ValueLayout.JAVA_FLOAT));
        }

        @Test
        void namesTheArgumentInEveryRefusal() {
            assertRefused("widget is null", () -> KernelArguments.requireInput("widget", null, 1, ValueLayout.JAVA_FLOAT));
            IllegalArgumentException small = assertRefused("widget holds 12 bytes",
                    () -> KernelArguments.requireInput("widget", floats(3), 4, ValueLayout.JAVA_FLOAT));
            assertRefusalMentions(small, "at least 16");
            assertRefused("widget is read-only",
                    () -> KernelArguments.requireOutput("widget", ints(4).asReadOnly(), 4, ValueLayout.JAVA_INT));
            assertRefused("widget is null", () -> KernelArguments.requireOutput("widget", null, 1, ValueLayout.JAVA_INT));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment odd = arena.allocate(64, 8).asSlice(1);
                assertRefused("widget is aligned to 1",
                        () -> KernelArguments.requireInput("widget", odd, 4, ValueLayout.JAVA_INT));
                assertRefused("widget is aligned to 1",
                        () -> KernelArguments.requireOutput("widget", odd, 4, ValueLayout.JAVA_FLOAT));
                MemorySegment two = arena.allocate(64, 8).asSlice(2);
                assertRefused("widget is aligned to 2",
                        () -> KernelArguments.requireInput("widget", two, 4, ValueLayout.JAVA_FLOAT));
            }
        }

        @Test
        void refusesAClosedArena() {
            Arena arena = Arena.ofShared();
            MemorySegment segment = arena.allocate(16, 4);
            assertDoesNotThrow(() -> KernelArguments.requireOutput("widget", segment, 4, ValueLayout.JAVA_FLOAT));
            arena.close();
            assertRefused("widget is a segment of a closed arena",
                    () -> KernelArguments.requireInput("widget", segment, 4, ValueLayout.JAVA_FLOAT));
            assertRefused("widget is a segment of a closed arena",
                    () -> KernelArguments.requireOutput("widget", segment, 4, ValueLayout.JAVA_FLOAT));
        }

        @Test
        void refusesASegmentConfinedToAnotherThread() throws InterruptedException {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment segment = arena.allocate(16, 4);
                Thread other = new Thread(() -> {
                    try {
                        assertRefused("widget belongs to a confined arena of another thread",
                                () -> KernelArguments.requireInput("widget", segment, 4, ValueLayout.JAVA_FLOAT));
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                });
                other.start();
                other.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
        }
    }

    static void assertRefusalMentions(IllegalArgumentException e, String fragment) {
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(fragment),
                () -> "message should mention '" + fragment + "': " + e.getMessage());
    }
}
