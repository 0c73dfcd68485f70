package engram.api;

import static engram.api.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
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
            assertDoesNotThrow(() -> KernelArguments.checkCosine(floats(3), 3, floats(6), 0, 2, floats(2), floats(2)));
            assertDoesNotThrow(() -> KernelArguments.checkCosine(floats(3), 3, floats(6), 0, 2, null, floats(2)));
            assertDoesNotThrow(() -> KernelArguments.checkCosine(floats(4096), 4096, floats(0), 0, 0, null, floats(0)));
            assertDoesNotThrow(() -> KernelArguments.checkCosine(floats(1), 1, floats(5), 5, 0, null, floats(0)),
                    "an empty range at row 5");
            assertRefused("matrix holds 0 bytes; it must hold at least 20", () -> KernelArguments.checkCosine(
                    floats(1), 1, floats(0), 5, 0, null, floats(0)));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, 4097, Integer.MIN_VALUE})
        void refusesDimensionsOutOfRange(int dimensions) {
            IllegalArgumentException e = assertRefused("dimensions is " + dimensions,
                    () -> KernelArguments.checkCosine(floats(8192), dimensions, floats(8192), 0, 1, null, floats(1)));
            assertRefusalMentions(e, "1..4096");
        }

        @Test
        void refusesNegativeRows() {
            assertRefused("rowCount is -1",
                    () -> KernelArguments.checkCosine(floats(3), 3, floats(6), 0, -1, null, floats(2)));
            assertRefused("firstRow is -1",
                    () -> KernelArguments.checkCosine(floats(3), 3, floats(6), -1, 1, null, floats(2)));
            assertRefused("firstRow is " + Integer.MIN_VALUE,
                    () -> KernelArguments.checkCosine(floats(3), 3, floats(6), Integer.MIN_VALUE, 1, null, floats(2)));
        }

        @Test
        void refusesARangeEndingBeyondTheLastRowNumber() {
            IllegalArgumentException e = assertRefused("firstRow + rowCount is 2147483648",
                    () -> KernelArguments.checkCosine(floats(1), 1, floats(1), Integer.MAX_VALUE, 1, null, floats(1)));
            assertRefusalMentions(e, String.valueOf(Integer.MAX_VALUE));
            assertRefused("firstRow + rowCount is 4294967294", () -> KernelArguments.checkCosine(floats(1), 1, floats(1),
                    Integer.MAX_VALUE, Integer.MAX_VALUE, null, floats(1)));
        }

        @Test
        void aRangeEndingAtTheLastRowNumberPassesTheRangeCheck() {
            // Then only the matrix is too short: it needs every row up to the range's end.
            assertRefused("matrix holds 4 bytes; it must hold at least 8589934588", () -> KernelArguments.checkCosine(
                    floats(1), 1, floats(1), Integer.MAX_VALUE - 1, 1, null, floats(1)));
        }

        @Test
        void refusesAMatrixTooShortForTheRange() {
            // Rows 2..3 of 3-dimensional rows: the matrix must hold 4 rows, 12 values.
            assertDoesNotThrow(() -> KernelArguments.checkCosine(floats(3), 3, floats(12), 2, 2, null, floats(2)));
            IllegalArgumentException e = assertRefused("matrix holds 44 bytes",
                    () -> KernelArguments.checkCosine(floats(3), 3, floats(11), 2, 2, null, floats(2)));
            assertRefusalMentions(e, "12 float32 values");
            assertRefused("norms holds 12 bytes; it must hold at least 16",
                    () -> KernelArguments.checkCosine(floats(3), 3, floats(12), 2, 2, floats(3), floats(2)));
            assertDoesNotThrow(() -> KernelArguments.checkCosine(floats(3), 3, floats(12), 2, 2, floats(4), floats(2)),
                    "norms are indexed by row number");
            assertRefused("out holds 4 bytes; it must hold at least 8",
                    () -> KernelArguments.checkCosine(floats(3), 3, floats(12), 2, 2, null, floats(1)));
        }

        @Test
        void refusesSegmentsTooSmall() {
            assertRefused("query holds", () -> KernelArguments.checkCosine(floats(2), 3, floats(6), 0, 2, null, floats(2)));
            assertRefused("matrix holds", () -> KernelArguments.checkCosine(floats(3), 3, floats(5), 0, 2, null, floats(2)));
            assertRefused("norms holds",
                    () -> KernelArguments.checkCosine(floats(3), 3, floats(6), 0, 2, floats(1), floats(2)));
            assertRefused("out holds", () -> KernelArguments.checkCosine(floats(3), 3, floats(6), 0, 2, null, floats(1)));
        }

        @Test
        void refusesNullSegments() {
            assertRefused("query is null", () -> KernelArguments.checkCosine(null, 3, floats(6), 0, 2, null, floats(2)));
            assertRefused("matrix is null", () -> KernelArguments.checkCosine(floats(3), 3, null, 0, 2, null, floats(2)));
            assertRefused("out is null", () -> KernelArguments.checkCosine(floats(3), 3, floats(6), 0, 2, null, null));
        }

        @Test
        void refusesReadOnlyOutput() {
            assertRefused("out is read-only",
                    () -> KernelArguments.checkCosine(floats(3), 3, floats(6), 0, 2, null, floats(2).asReadOnly()));
        }

        @Test
        void acceptsReadOnlyInputs() {
            assertDoesNotThrow(() -> KernelArguments.checkCosine(floats(3).asReadOnly(), 3, floats(6).asReadOnly(), 0,
                    2, floats(2).asReadOnly(), floats(2)));
        }

        @Test
        void refusesSegmentsOfAClosedArena() {
            MemorySegment closed;
            try (Arena arena = Arena.ofConfined()) {
                closed = arena.allocate(64, 8);
            }
            MemorySegment gone = closed;
            assertRefused("query is a segment of a closed arena",
                    () -> KernelArguments.checkCosine(gone, 3, floats(6), 0, 2, null, floats(2)));
            assertRefused("out is a segment of a closed arena",
                    () -> KernelArguments.checkCosine(floats(3), 3, floats(6), 0, 2, null, gone));
        }

        @Test
        void refusesMisalignedSegments() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment misaligned = arena.allocate(64, 8).asSlice(1);
                assertEquals(1, misaligned.maxByteAlignment());
                assertRefused("query is aligned to 1",
                        () -> KernelArguments.checkCosine(misaligned, 3, floats(6), 0, 2, null, floats(2)));
                assertRefused("matrix is aligned to 1",
                        () -> KernelArguments.checkCosine(floats(3), 3, misaligned, 0, 2, null, floats(2)));
                assertRefused("out is aligned to 1",
                        () -> KernelArguments.checkCosine(floats(3), 3, floats(6), 0, 2, null, misaligned));
                // A heap byte[] is aligned to 1 byte only.
                assertRefused("matrix is aligned to 1", () -> KernelArguments.checkCosine(floats(3), 3,
                        MemorySegment.ofArray(new byte[24]), 0, 2, null, floats(2)));
                // A native segment aligned to 4 is fine.
                MemorySegment aligned = arena.allocate(64, 8).asSlice(4);
                assertDoesNotThrow(() -> KernelArguments.checkCosine(aligned, 3, aligned, 0, 2, null, floats(2)));
            }
        }
    }

    @Nested
    class CosineTopK {
        @Test
        void acceptsKFromOneToRowCount() {
            assertDoesNotThrow(() -> KernelArguments.checkCosineTopK(floats(2), 1, 2, floats(6), 0, 3, null, 1, ints(1),
                    floats(1)));
            assertDoesNotThrow(() -> KernelArguments.checkCosineTopK(floats(2), 1, 2, floats(6), 0, 3, null, 3, ints(3),
                    floats(3)));
            assertDoesNotThrow(() -> KernelArguments.checkCosineTopK(floats(2), 1, 2, floats(6), 1, 2, null, 2, ints(2),
                    floats(2)), "k up to the rows of the range");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, 4, Integer.MIN_VALUE})
        void refusesKOutOfRange(int k) {
            IllegalArgumentException e = assertRefused("k is " + k, () -> KernelArguments.checkCosineTopK(floats(2), 1, 2,
                    floats(6), 0, 3, null, k, ints(8), floats(8)));
            assertRefusalMentions(e, "1..rowCount, and rowCount is 3");
        }

        @Test
        void refusesKAboveTheRowsOfTheRange() {
            assertRefused("k is 3; it must be in 1..rowCount, and rowCount is 2", () -> KernelArguments.checkCosineTopK(
                    floats(2), 1, 2, floats(6), 1, 2, null, 3, ints(3), floats(3)));
        }

        @Test
        void refusesAnyKOnAnEmptyRange() {
            IllegalArgumentException e = assertRefused("k is 1", () -> KernelArguments.checkCosineTopK(floats(2), 1, 2,
                    floats(0), 0, 0, null, 1, ints(1), floats(1)));
            assertRefusalMentions(e, "non-empty range");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, 1025, Integer.MIN_VALUE})
        void refusesQueryCountsOutsideOneTo1024(int queryCount) {
            IllegalArgumentException e = assertRefused("queryCount is " + queryCount, () -> KernelArguments
                    .checkCosineTopK(floats(2 * 1025), queryCount, 2, floats(6), 0, 3, null, 1, ints(1025),
                            floats(1025)));
            assertRefusalMentions(e, "1..1024");
        }

        @Test
        void refusesABatchOfMoreResultsThanAnIntCounts() {
            int k = 3_000_000;
            IllegalArgumentException e = assertRefused("queryCount * k is " + 1024L * k, () -> KernelArguments
                    .checkCosineTopK(floats(1024), 1024, 1, floats(k), 0, k, null, k, ints(1), floats(1)));
            assertRefusalMentions(e, "split it");
        }

        @Test
        void acceptsBatchesOfOneTo1024() {
            assertDoesNotThrow(() -> KernelArguments.checkCosineTopK(floats(2 * 1024), 1024, 2, floats(6), 0, 3, null, 2,
                    ints(2048), floats(2048)));
        }

        @Test
        void refusesQueriesTooShortForTheBatch() {
            assertRefused("queries holds 20 bytes; it must hold at least 24", () -> KernelArguments.checkCosineTopK(
                    floats(5), 3, 2, floats(6), 0, 3, null, 1, ints(3), floats(3)));
            assertRefused("query holds 4 bytes", () -> KernelArguments.checkCosineTopK(floats(1), 1, 2, floats(6), 0, 3,
                    null, 1, ints(1), floats(1)));
        }

        @Test
        void refusesOutputsShorterThanQueryCountTimesK() {
            assertDoesNotThrow(() -> KernelArguments.checkCosineTopK(floats(6), 3, 2, floats(6), 0, 3, null, 2, ints(6),
                    floats(6)));
            IllegalArgumentException index = assertRefused("outIndex holds 20 bytes", () -> KernelArguments
                    .checkCosineTopK(floats(6), 3, 2, floats(6), 0, 3, null, 2, ints(5), floats(6)));
            assertRefusalMentions(index, "6 int32 values");
            IllegalArgumentException score = assertRefused("outScore holds 20 bytes", () -> KernelArguments
                    .checkCosineTopK(floats(6), 3, 2, floats(6), 0, 3, null, 2, ints(6), floats(5)));
            assertRefusalMentions(score, "6 float32 values");
        }

        @Test
        void checksTheMatrixLikeCosine() {
            assertRefused("dimensions is 4097", () -> KernelArguments.checkCosineTopK(floats(2), 1, 4097, floats(6), 0, 3,
                    null, 1, ints(1), floats(1)));
            assertRefused("rowCount is -1", () -> KernelArguments.checkCosineTopK(floats(2), 1, 2, floats(6), 0, -1, null,
                    1, ints(1), floats(1)));
            assertRefused("firstRow is -1", () -> KernelArguments.checkCosineTopK(floats(2), 1, 2, floats(6), -1, 3, null,
                    1, ints(1), floats(1)));
            assertRefused("firstRow + rowCount is 2147483648", () -> KernelArguments.checkCosineTopK(floats(2), 1, 2,
                    floats(6), Integer.MAX_VALUE, 1, null, 1, ints(1), floats(1)));
            assertRefused("matrix holds 24 bytes", () -> KernelArguments.checkCosineTopK(floats(2), 1, 2, floats(6), 1, 3,
                    null, 1, ints(1), floats(1)));
            assertRefused("norms holds", () -> KernelArguments.checkCosineTopK(floats(2), 1, 2, floats(6), 0, 3,
                    floats(2), 1, ints(1), floats(1)));
        }

        @Test
        void refusesBadOutputs() {
            assertRefused("outIndex is null", () -> KernelArguments.checkCosineTopK(floats(2), 1, 2, floats(6), 0, 3, null,
                    2, null, floats(2)));
            assertRefused("outScore is null", () -> KernelArguments.checkCosineTopK(floats(2), 1, 2, floats(6), 0, 3, null,
                    2, ints(2), null));
            assertRefused("outIndex holds", () -> KernelArguments.checkCosineTopK(floats(2), 1, 2, floats(6), 0, 3, null,
                    2, ints(1), floats(2)));
            assertRefused("outScore holds", () -> KernelArguments.checkCosineTopK(floats(2), 1, 2, floats(6), 0, 3, null,
                    2, ints(2), floats(1)));
            assertRefused("outIndex is read-only", () -> KernelArguments.checkCosineTopK(floats(2), 1, 2, floats(6), 0, 3,
                    null, 2, ints(2).asReadOnly(), floats(2)));
            assertRefused("outScore is read-only", () -> KernelArguments.checkCosineTopK(floats(2), 1, 2, floats(6), 0, 3,
                    null, 2, ints(2), floats(2).asReadOnly()));
        }
    }

    @Nested
    class Spread {
        private final CsrGraph graph = CsrGraph.of(new int[] {0, 1, 2, 2}, new int[] {1, 2}, new float[] {0.5f, 0.5f});
        private final SpreadParams params = SpreadParams.exponential(3, 0.5, 0f);

        @AfterEach
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
        void refusesAGraphInAnotherThreadsConfinedArena() throws InterruptedException {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            try (Arena arena = Arena.ofConfined(); CsrGraph confined = CsrGraph.wrap(2, 1,
                    arena.allocateFrom(ValueLayout.JAVA_INT, 0, 1, 1), arena.allocateFrom(ValueLayout.JAVA_INT, 1),
                    arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0.5f), null)) {
                Thread other = new Thread(() -> {
                    try {
                        assertRefused("the graph's offsets belong to a confined arena of another thread",
                                () -> KernelArguments.checkSpread(confined, intsOf(0), floatsOf(1f), 1, params,
                                        floats(2), ints(2)));
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                });
                other.start();
                other.join();
                assertDoesNotThrow(() -> KernelArguments.checkSpread(confined, intsOf(0), floatsOf(1f), 1, params,
                        floats(2), ints(2)), "the owning thread may use it");
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
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
    class SpreadSparse {
        private final CsrGraph graph = CsrGraph.of(new int[] {0, 1, 2, 2}, new int[] {1, 2}, new float[] {0.5f, 0.5f});
        private final SpreadParams params = SpreadParams.exponential(3, 0.5, 0);

        @AfterEach
        void closeGraph() {
            graph.close();
        }

        private void check(int capacity, MemorySegment outNodes, MemorySegment outActivation, MemorySegment outFirstHop) {
            KernelArguments.checkSpreadSparse(graph, intsOf(0), floatsOf(1f), 1, params, outNodes, outActivation,
                    outFirstHop, capacity);
        }

        @Test
        void acceptsAnyCapacityTheOutputsHold() {
            assertDoesNotThrow(() -> check(0, ints(0), floats(0), ints(0)));
            assertDoesNotThrow(() -> check(2, ints(2), floats(2), ints(2)));
            assertDoesNotThrow(() -> check(5, ints(5), floats(5), ints(5)), "a capacity above the node count");
            assertRefused("outNodes is null", () -> check(0, null, floats(0), ints(0)));
        }

        @ParameterizedTest
        @ValueSource(ints = {-1, Integer.MIN_VALUE})
        void refusesANegativeCapacity(int capacity) {
            IllegalArgumentException e = assertRefused("capacity is " + capacity,
                    () -> check(capacity, ints(1), floats(1), ints(1)));
            assertRefusalMentions(e, "0 or more");
        }

        @Test
        void refusesOutputsShorterThanTheCapacity() {
            IllegalArgumentException nodes = assertRefused("outNodes holds 4 bytes; it must hold at least 8",
                    () -> check(2, ints(1), floats(2), ints(2)));
            assertRefusalMentions(nodes, "2 int32 values");
            IllegalArgumentException activation = assertRefused("outActivation holds 4 bytes",
                    () -> check(2, ints(2), floats(1), ints(2)));
            assertRefusalMentions(activation, "2 float32 values");
            assertRefused("outFirstHop holds 4 bytes", () -> check(2, ints(2), floats(2), ints(1)));
            assertRefused("outNodes is read-only", () -> check(2, ints(2).asReadOnly(), floats(2), ints(2)));
            assertRefused("outActivation is read-only", () -> check(2, ints(2), floats(2).asReadOnly(), ints(2)));
            assertRefused("outFirstHop is read-only", () -> check(2, ints(2), floats(2), ints(2).asReadOnly()));
        }

        @Test
        void checksTheGraphAndSeedsLikeTheDenseForm() {
            assertRefused("seedNodes[0] is 3", () -> KernelArguments.checkSpreadSparse(graph, intsOf(3), floatsOf(1f), 1,
                    params, ints(1), floats(1), ints(1), 1));
            assertRefused("seedActivations[0] is 0.0", () -> KernelArguments.checkSpreadSparse(graph, intsOf(0),
                    floatsOf(0f), 1, params, ints(1), floats(1), ints(1), 1));
            assertRefused("seedCount is -1", () -> KernelArguments.checkSpreadSparse(graph, intsOf(0), floatsOf(1f), -1,
                    params, ints(1), floats(1), ints(1), 1));
            assertRefused("graph is null", () -> KernelArguments.checkSpreadSparse(null, intsOf(0), floatsOf(1f), 1,
                    params, ints(1), floats(1), ints(1), 1));
            assertRefused("params is null", () -> KernelArguments.checkSpreadSparse(graph, intsOf(0), floatsOf(1f), 1,
                    null, ints(1), floats(1), ints(1), 1));
            CsrGraph closed = CsrGraph.empty(1);
            closed.close();
            assertRefused("is closed", () -> KernelArguments.checkSpreadSparse(closed, intsOf(0), floatsOf(1f), 1, params,
                    ints(1), floats(1), ints(1), 1));
        }
    }

    @Nested
    class DecayGather {
        private final DecayParams params = DecayParams.of(new DecayCurve.Exponential());

        private static MemorySegment doubles(int n) {
            return MemorySegment.ofArray(new double[n]);
        }

        @Test
        void acceptsAWellFormedCall() {
            assertDoesNotThrow(() -> KernelArguments.checkDecayGather(intsOf(0, 2, 2), 3, 3, floats(3), doubles(3),
                    ints(3), 1e9, params, floats(3)));
            assertDoesNotThrow(() -> KernelArguments.checkDecayGather(intsOf(1), 1, 2, floats(2), doubles(2), null,
                    -5, params, floats(1)));
            assertDoesNotThrow(() -> KernelArguments.checkDecayGather(ints(0), 0, 0, floats(0), doubles(0), null, 0,
                    params, floats(0)), "nothing to gather from nothing");
        }

        @ParameterizedTest
        @ValueSource(ints = {3, -1, Integer.MAX_VALUE, Integer.MIN_VALUE})
        void refusesIndicesOutsideTheMemoriesNamingThePosition(int index) {
            IllegalArgumentException e = assertRefused("indices[2] is " + index, () -> KernelArguments.checkDecayGather(
                    intsOf(0, 1, index), 3, 3, floats(3), doubles(3), null, 0, params, floats(3)));
            assertRefusalMentions(e, "0..2");
        }

        @Test
        void refusesEveryIndexWhenThereAreNoMemories() {
            IllegalArgumentException e = assertRefused("indices[0] is 0", () -> KernelArguments.checkDecayGather(
                    intsOf(0), 1, 0, floats(0), doubles(0), null, 0, params, floats(1)));
            assertRefusalMentions(e, "there are none");
        }

        @Test
        void readsOnlyCountIndices() {
            assertDoesNotThrow(() -> KernelArguments.checkDecayGather(intsOf(0, 99), 1, 1, floats(1), doubles(1), null,
                    0, params, floats(1)));
        }

        @Test
        void refusesNegativeCounts() {
            assertRefused("count is -1", () -> KernelArguments.checkDecayGather(intsOf(0), -1, 1, floats(1), doubles(1),
                    null, 0, params, floats(1)));
            IllegalArgumentException e = assertRefused("memoryCount is -1", () -> KernelArguments.checkDecayGather(
                    intsOf(0), 1, -1, floats(1), doubles(1), null, 0, params, floats(1)));
            assertRefusalMentions(e, "0 or more");
        }

        @Test
        void refusesLastAccessTimesThatAreNotFloat64() {
            // Two float32 values are 8 bytes; two memories need 16 bytes of float64 times.
            IllegalArgumentException e = assertRefused("lastAccessSeconds holds 8 bytes; it must hold at least 16",
                    () -> KernelArguments.checkDecayGather(intsOf(0, 1), 2, 2, floats(2), floats(2), null, 0, params,
                            floats(2)));
            assertRefusalMentions(e, "2 float64 values");
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment fourAligned = arena.allocate(32, 8).asSlice(4);
                assertRefused("lastAccessSeconds is aligned to 4 bytes; float64 values need an alignment of 8",
                        () -> KernelArguments.checkDecayGather(intsOf(0, 1), 2, 2, floats(2), fourAligned, null, 0,
                                params, floats(2)));
            }
        }

        @ParameterizedTest
        @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
        void refusesATimeThatIsNotFinite(double nowSeconds) {
            assertRefused("nowSeconds is " + nowSeconds, () -> KernelArguments.checkDecayGather(intsOf(0), 1, 1,
                    floats(1), doubles(1), null, nowSeconds, params, floats(1)));
        }

        @Test
        void refusesShortOrMissingSegments() {
            assertRefused("indices holds 4 bytes", () -> KernelArguments.checkDecayGather(intsOf(0), 2, 1, floats(1),
                    doubles(1), null, 0, params, floats(2)));
            assertRefused("strength holds 4 bytes", () -> KernelArguments.checkDecayGather(intsOf(0), 1, 2, floats(1),
                    doubles(2), null, 0, params, floats(1)));
            assertRefused("accessCount holds 4 bytes", () -> KernelArguments.checkDecayGather(intsOf(0), 1, 2, floats(2),
                    doubles(2), ints(1), 0, params, floats(1)));
            assertRefused("out holds 4 bytes", () -> KernelArguments.checkDecayGather(intsOf(0, 0), 2, 1, floats(1),
                    doubles(1), null, 0, params, floats(1)));
            assertRefused("out is read-only", () -> KernelArguments.checkDecayGather(intsOf(0), 1, 1, floats(1),
                    doubles(1), null, 0, params, floats(1).asReadOnly()));
            assertRefused("indices is null", () -> KernelArguments.checkDecayGather(null, 1, 1, floats(1), doubles(1),
                    null, 0, params, floats(1)));
            assertRefused("lastAccessSeconds is null", () -> KernelArguments.checkDecayGather(intsOf(0), 1, 1, floats(1),
                    null, null, 0, params, floats(1)));
            assertRefused("params is null", () -> KernelArguments.checkDecayGather(intsOf(0), 1, 1, floats(1),
                    doubles(1), null, 0, null, floats(1)));
        }

        @Test
        void refusesAnOutputOverlappingAnInput() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment indices = arena.allocateFrom(ValueLayout.JAVA_INT, 0, 1);
                MemorySegment strength = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
                MemorySegment lastAccess = arena.allocate(ValueLayout.JAVA_DOUBLE, 2);
                MemorySegment accessCount = arena.allocate(ValueLayout.JAVA_INT, 2);
                MemorySegment apart = arena.allocate(ValueLayout.JAVA_FLOAT, 2);
                assertDoesNotThrow(() -> KernelArguments.checkDecayGather(indices, 2, 2, strength, lastAccess,
                        accessCount, 0, params, apart));
                IllegalArgumentException e = assertRefused("out overlaps strength", () -> KernelArguments
                        .checkDecayGather(indices, 2, 2, strength, lastAccess, accessCount, 0, params, strength));
                assertRefusalMentions(e, "apart from its inputs");
                assertRefused("out overlaps strength", () -> KernelArguments.checkDecayGather(indices, 2, 2, strength,
                        lastAccess, accessCount, 0, params, strength.asSlice(4)));
                assertDoesNotThrow(() -> KernelArguments.checkDecayGather(indices, 2, 2, strength, lastAccess,
                        accessCount, 0, params, strength.asSlice(8)), "the strengths of 2 memories end at byte 8");
                assertRefused("out overlaps lastAccessSeconds", () -> KernelArguments.checkDecayGather(indices, 2, 2,
                        strength, lastAccess, accessCount, 0, params, lastAccess.asSlice(8)));
                assertRefused("out overlaps indices", () -> KernelArguments.checkDecayGather(indices, 2, 2, strength,
                        lastAccess, accessCount, 0, params, indices));
                assertRefused("out overlaps accessCount", () -> KernelArguments.checkDecayGather(indices, 2, 2, strength,
                        lastAccess, accessCount, 0, params, accessCount));
            }
        }

        @Test
        void refusesAnOutputOverlappingAnInputInOneHeapArray() {
            float[] shared = new float[8];
            MemorySegment strength = MemorySegment.ofArray(shared).asSlice(0, 16);
            MemorySegment out = MemorySegment.ofArray(shared).asSlice(8, 16);
            assertRefused("out overlaps strength", () -> KernelArguments.checkDecayGather(intsOf(0, 1), 2, 4, strength,
                    doubles(4), null, 0, params, out));
            MemorySegment other = MemorySegment.ofArray(new float[4]);
            assertDoesNotThrow(() -> KernelArguments.checkDecayGather(intsOf(0, 1), 2, 4, strength, doubles(4), null, 0,
                    params, other), "another array is apart");
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
        void decaysInPlaceOnlyOverTheStrengthsExactly() {
            float[] heap = new float[6];
            MemorySegment strength = MemorySegment.ofArray(heap).asSlice(0, 16);
            assertDoesNotThrow(() -> KernelArguments.checkDecay(strength, floats(4), null, 4, params,
                    MemorySegment.ofArray(heap)), "the same strengths, in place");
            IllegalArgumentException shifted = assertRefused("out overlaps strength without being it",
                    () -> KernelArguments.checkDecay(strength, floats(4), null, 4, params,
                            MemorySegment.ofArray(heap).asSlice(4)));
            assertRefusalMentions(shifted, "in place passes the same segment");
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment block = arena.allocate(ValueLayout.JAVA_FLOAT, 12);
                MemorySegment nativeStrength = block.asSlice(0, 16);
                MemorySegment ages = block.asSlice(16, 16);
                assertRefused("out overlaps strength without being it", () -> KernelArguments.checkDecay(nativeStrength,
                        ages, null, 4, params, block.asSlice(8, 16)));
                assertRefused("out overlaps ageSeconds", () -> KernelArguments.checkDecay(nativeStrength, ages, null, 4,
                        params, block.asSlice(24, 16)));
                assertRefused("out overlaps accessCount", () -> KernelArguments.checkDecay(nativeStrength, ages,
                        block.asSlice(32, 16), 4, params, block.asSlice(32, 16)));
                assertDoesNotThrow(() -> KernelArguments.checkDecay(nativeStrength, ages, null, 4, params,
                        nativeStrength));
            }
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
