package engram.api;

import static engram.api.Refusals.assertRefused;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The conveniences of {@link KernelService}: what they pass to the segment methods, and what they refuse up front. */
class KernelServiceDefaultsTest {

    /** One call of a segment method as the recorder saw it; -1 and null where the method has no such argument. */
    record Call(String method, KernelWorkspace workspace, int queryCount, int dimensions, int firstRow, int rowCount,
            int k, int count, int memoryCount, int capacity, double nowSeconds, float[] queries, float[] norms,
            int[] indices, float[] activations, boolean hasAccessCounts, long outBytes) {
    }

    /**
     * Records each call's arguments, checks them as every kernel does, and writes recognisable
     * outputs: cosine {@code out[i] = firstRow + i}; top-k row {@code 100 * q + r} with score
     * {@code q + r / 8}; spreading hop {@code 7} and activation {@code 0.5} at node 0 (dense) or
     * nodes {@code 10 + i} (sparse, returning {@link #reached}); decay half the strength.
     */
    private static final class Recorder implements KernelService {
        final List<Call> calls = new ArrayList<>();
        int reached = 42;

        Call last() {
            assertEquals(1, calls.size(), "one call of a segment method");
            return calls.getFirst();
        }

        @Override
        public KernelInfo info() {
            return new KernelInfo("test/recorder", "recorder", "0", "none", 0);
        }

        @Override
        public KernelWorkspace newWorkspace() {
            throw new UnsupportedOperationException();
        }

        @Override
        public KernelWorkspace newWorkspace(WorkspaceOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ArenaMetrics> arenaMetrics() {
            return List.of();
        }

        private static float[] floatsOf(MemorySegment segment, long count) {
            return segment == null ? null : segment.asSlice(0, count * Float.BYTES).toArray(JAVA_FLOAT);
        }

        @Override
        public void cosine(KernelWorkspace workspace, MemorySegment query, int dimensions, MemorySegment matrix,
                int firstRow, int rowCount, MemorySegment norms, MemorySegment out) {
            KernelArguments.checkCosine(query, dimensions, matrix, firstRow, rowCount, norms, out);
            calls.add(new Call("cosine", workspace, 1, dimensions, firstRow, rowCount, -1, -1, -1, -1, Double.NaN,
                    floatsOf(query, dimensions), floatsOf(norms, (long) firstRow + rowCount), null, null, false,
                    out.byteSize()));
            for (int i = 0; i < rowCount; i++) {
                out.setAtIndex(JAVA_FLOAT, i, firstRow + i);
            }
        }

        @Override
        public void cosineTopK(KernelWorkspace workspace, MemorySegment queries, int queryCount, int dimensions,
                MemorySegment matrix, int firstRow, int rowCount, MemorySegment norms, int k, MemorySegment outIndex,
                MemorySegment outScore) {
            KernelArguments.checkCosineTopK(queries, queryCount, dimensions, matrix, firstRow, rowCount, norms, k,
                    outIndex, outScore);
            calls.add(new Call("cosineTopK", workspace, queryCount, dimensions, firstRow, rowCount, k, -1, -1, -1,
                    Double.NaN, floatsOf(queries, (long) queryCount * dimensions),
                    floatsOf(norms, (long) firstRow + rowCount), null, null, false, outIndex.byteSize()));
            for (int q = 0; q < queryCount; q++) {
                for (int r = 0; r < k; r++) {
                    outIndex.setAtIndex(JAVA_INT, (long) q * k + r, 100 * q + r);
                    outScore.setAtIndex(JAVA_FLOAT, (long) q * k + r, q + r / 8f);
                }
            }
        }

        @Override
        public int spread(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
                MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outActivation,
                MemorySegment outFirstHop) {
            KernelArguments.checkSpread(graph, seedNodes, seedActivations, seedCount, params, outActivation,
                    outFirstHop);
            calls.add(new Call("spread", workspace, -1, -1, -1, -1, -1, seedCount, -1, -1, Double.NaN, null, null,
                    seedNodes.asSlice(0, (long) seedCount * Integer.BYTES).toArray(JAVA_INT),
                    floatsOf(seedActivations, seedCount), false, outActivation.byteSize()));
            outFirstHop.setAtIndex(JAVA_INT, 0, 7);
            outActivation.setAtIndex(JAVA_FLOAT, 0, 0.5f);
            return reached;
        }

        @Override
        public int spreadSparse(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
                MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outNodes,
                MemorySegment outActivation, MemorySegment outFirstHop, int capacity) {
            KernelArguments.checkSpreadSparse(graph, seedNodes, seedActivations, seedCount, params, outNodes,
                    outActivation, outFirstHop, capacity);
            calls.add(new Call("spreadSparse", workspace, -1, -1, -1, -1, -1, seedCount, -1, capacity, Double.NaN,
                    null, null, seedNodes.asSlice(0, (long) seedCount * Integer.BYTES).toArray(JAVA_INT),
                    floatsOf(seedActivations, seedCount), false, outNodes.byteSize()));
            for (int i = 0; i < Math.min(capacity, reached); i++) {
                outNodes.setAtIndex(JAVA_INT, i, 10 + i);
                outActivation.setAtIndex(JAVA_FLOAT, i, 1f / (i + 1));
                outFirstHop.setAtIndex(JAVA_INT, i, i);
            }
            return reached;
        }

        @Override
        public void decay(KernelWorkspace workspace, MemorySegment strength, MemorySegment ageSeconds,
                MemorySegment accessCount, int count, DecayParams params, MemorySegment out) {
            KernelArguments.checkDecay(strength, ageSeconds, accessCount, count, params, out);
            calls.add(new Call("decay", workspace, -1, -1, -1, -1, -1, count, -1, -1, Double.NaN, null, null, null,
                    floatsOf(ageSeconds, count), accessCount != null, out.byteSize()));
            for (int i = 0; i < count; i++) {
                out.setAtIndex(JAVA_FLOAT, i, strength.getAtIndex(JAVA_FLOAT, i) / 2);
            }
        }

        @Override
        public void decayGather(KernelWorkspace workspace, MemorySegment indices, int count, int memoryCount,
                MemorySegment strength, MemorySegment lastAccessSeconds, MemorySegment accessCount, double nowSeconds,
                DecayParams params, MemorySegment out) {
            KernelArguments.checkDecayGather(indices, count, memoryCount, strength, lastAccessSeconds, accessCount,
                    nowSeconds, params, out);
            calls.add(new Call("decayGather", workspace, -1, -1, -1, -1, -1, count, memoryCount, -1, nowSeconds, null,
                    null, indices.asSlice(0, (long) count * Integer.BYTES).toArray(JAVA_INT), null, accessCount != null,
                    out.byteSize()));
            for (int i = 0; i < count; i++) {
                int m = indices.getAtIndex(JAVA_INT, i);
                out.setAtIndex(JAVA_FLOAT, i, strength.getAtIndex(JAVA_FLOAT, m)
                        + (float) lastAccessSeconds.getAtIndex(JAVA_DOUBLE, m));
            }
        }
    }

    @Test
    void aKernelIsAvailableUnlessItSaysOtherwise() {
        assertEquals(Optional.empty(), new Recorder().unavailableReason());
    }

    @Test
    void cosineScoresEveryRowWithABorrowedWorkspace() {
        Recorder r = new Recorder();
        float[] out = r.cosine(new float[] {1, 2, 3}, new float[12], new float[] {1, 2, 3, 4});
        Call call = r.last();
        assertEquals("cosine", call.method());
        assertNull(call.workspace(), "the pool's");
        assertEquals(3, call.dimensions());
        assertEquals(0, call.firstRow());
        assertEquals(4, call.rowCount());
        assertArrayEquals(new float[] {1, 2, 3}, call.queries());
        assertArrayEquals(new float[] {1, 2, 3, 4}, call.norms());
        assertEquals(16, call.outBytes());
        assertArrayEquals(new float[] {0, 1, 2, 3}, out);
    }

    @Test
    void cosineWithoutNormsPassesNone() {
        Recorder r = new Recorder();
        r.cosine(new float[3], new float[12], null);
        assertNull(r.last().norms());
        Recorder empty = new Recorder();
        assertEquals(0, empty.cosine(new float[3], new float[0], null).length);
        assertEquals(0, empty.last().rowCount());
    }

    @Test
    void cosineRefusesArraysThatAreNotWholeRows() {
        Recorder r = new Recorder();
        assertRefused("matrix.length is 7", () -> r.cosine(new float[3], new float[7], null));
        assertRefused("query.length (the dimensions) is 0", () -> r.cosine(new float[0], new float[0], null));
        assertRefused("query.length (the dimensions) is 4097", () -> r.cosine(new float[4097], new float[4097], null));
        assertRefused("query and matrix", () -> r.cosine(null, new float[3], null));
        assertRefused("query and matrix", () -> r.cosine(new float[3], null, null));
        assertEquals(List.of(), r.calls, "nothing reached the kernel");
        assertRefused("norms holds 4 bytes", () -> r.cosine(new float[3], new float[6], new float[1]));
    }

    @Test
    void cosineTopKOfOneQueryIsABatchOfOne() {
        Recorder r = new Recorder();
        TopK top = r.cosineTopK(new float[] {1, 2}, new float[6], null, 2);
        Call call = r.last();
        assertEquals("cosineTopK", call.method());
        assertNull(call.workspace());
        assertEquals(1, call.queryCount());
        assertEquals(2, call.dimensions());
        assertEquals(0, call.firstRow());
        assertEquals(3, call.rowCount());
        assertEquals(2, call.k());
        assertArrayEquals(new float[] {1, 2}, call.queries());
        assertEquals(2, top.size());
        assertArrayEquals(new int[] {0, 1}, top.indices());
        assertArrayEquals(new float[] {0f, 0.125f}, top.scores());
    }

    @Test
    void cosineTopKChecksKBeforeTheKernel() {
        Recorder r = new Recorder();
        assertRefused("k is 0", () -> r.cosineTopK(new float[2], new float[6], null, 0));
        IllegalArgumentException e = assertRefused("k is 4", () -> r.cosineTopK(new float[2], new float[6], null, 4));
        assertTrue(e.getMessage().contains("rows is 3"), e.getMessage());
        assertRefused("matrix.length is 5", () -> r.cosineTopK(new float[2], new float[5], null, 1));
        assertRefused("query and matrix", () -> r.cosineTopK((float[]) null, new float[6], null, 1));
        assertEquals(List.of(), r.calls, "nothing reached the kernel");
    }

    @Test
    void batchedTopKPacksTheQueriesAndSplitsTheResults() {
        Recorder r = new Recorder();
        List<float[]> queries = List.of(new float[] {1, 2}, new float[] {3, 4}, new float[] {5, 6});
        List<TopK> results = r.cosineTopK(queries, new float[8], new float[] {1, 1, 1, 1}, 2);
        Call call = r.last();
        assertNull(call.workspace());
        assertEquals(3, call.queryCount());
        assertEquals(2, call.dimensions());
        assertEquals(0, call.firstRow());
        assertEquals(4, call.rowCount());
        assertEquals(2, call.k());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, call.queries(), "one query after another");
        assertArrayEquals(new float[] {1, 1, 1, 1}, call.norms());
        assertEquals(3 * 2 * Integer.BYTES, call.outBytes(), "queryCount * k indices");
        assertEquals(3, results.size());
        for (int q = 0; q < 3; q++) {
            assertArrayEquals(new int[] {100 * q, 100 * q + 1}, results.get(q).indices(), "query " + q);
            assertArrayEquals(new float[] {q, q + 0.125f}, results.get(q).scores(), "query " + q);
        }
        assertThrows(UnsupportedOperationException.class, () -> results.add(results.getFirst()));
    }

    @Test
    void batchedTopKTakesUpTo1024Queries() {
        Recorder r = new Recorder();
        List<TopK> results = r.cosineTopK(Collections.nCopies(1024, new float[] {1}), new float[3], null, 1);
        assertEquals(1024, results.size());
        assertEquals(1024, r.last().queryCount());
        assertArrayEquals(new int[] {102_300}, results.get(1023).indices());
    }

    @Test
    void batchedTopKRefusesBadBatchesBeforeTheKernel() {
        Recorder r = new Recorder();
        float[] matrix = new float[6];
        assertRefused("queries is null", () -> r.cosineTopK((List<float[]>) null, matrix, null, 1));
        IllegalArgumentException empty = assertRefused("queries is empty", () -> r.cosineTopK(List.of(), matrix, null,
                1));
        assertTrue(empty.getMessage().contains("1 to 1024"), empty.getMessage());
        assertRefused("1025 queries", () -> r.cosineTopK(Collections.nCopies(1025, new float[2]), matrix, null, 1));
        IllegalArgumentException length = assertRefused("query 1 has 3 values",
                () -> r.cosineTopK(List.of(new float[2], new float[3]), matrix, null, 1));
        assertTrue(length.getMessage().contains("the 2 of the first"), length.getMessage());
        assertRefused("query 2 has no values", () -> r.cosineTopK(Arrays.asList(new float[2], new float[2], null),
                matrix, null, 1));
        assertRefused("query and matrix", () -> r.cosineTopK(Arrays.asList(null, new float[2]), matrix, null, 1));
        assertRefused("query.length (the dimensions) is 0", () -> r.cosineTopK(List.of(new float[0]), matrix, null,
                1));
        assertRefused("matrix.length is 6, not a multiple of the 4",
                () -> r.cosineTopK(List.of(new float[4]), matrix, null, 1));
        assertRefused("k is 4", () -> r.cosineTopK(List.of(new float[2]), matrix, null, 4));
        assertRefused("k is 0", () -> r.cosineTopK(List.of(new float[2]), matrix, null, 0));
        assertEquals(List.of(), r.calls, "nothing reached the kernel");
    }

    @Test
    void spreadPassesTheSeedsAndOneEntryPerNode() {
        Recorder r = new Recorder();
        try (CsrGraph graph = CsrGraph.empty(3)) {
            SpreadParams params = SpreadParams.exponential(2, 0, 0);
            SpreadResult result = r.spread(graph, new int[] {0, 2}, new float[] {1f, 0.5f}, params);
            Call call = r.last();
            assertNull(call.workspace());
            assertEquals(2, call.count());
            assertArrayEquals(new int[] {0, 2}, call.indices());
            assertArrayEquals(new float[] {1f, 0.5f}, call.activations());
            assertEquals(3 * Float.BYTES, call.outBytes());
            assertEquals(42, result.activatedCount());
            assertArrayEquals(new float[] {0.5f, 0f, 0f}, result.activations());
            assertArrayEquals(new int[] {7, 0, 0}, result.firstHops());
        }
    }

    @Test
    void spreadNeedsOneActivationPerSeed() {
        Recorder r = new Recorder();
        try (CsrGraph graph = CsrGraph.empty(2)) {
            SpreadParams params = SpreadParams.exponential(2, 0, 0);
            assertRefused("seedNodes and seedActivations",
                    () -> r.spread(graph, new int[] {0, 1}, new float[] {1f}, params));
            assertRefused("seedNodes and seedActivations", () -> r.spread(graph, null, new float[] {1f}, params));
            assertRefused("seedNodes and seedActivations", () -> r.spread(graph, new int[] {0}, null, params));
            assertRefused("graph is null", () -> r.spread(null, new int[] {0}, new float[] {1f}, params));
            assertEquals(List.of(), r.calls, "nothing reached the kernel");
        }
    }

    @Test
    void spreadSparseKeepsAtMostTheCapacity() {
        Recorder r = new Recorder();
        r.reached = 5;
        try (CsrGraph graph = CsrGraph.empty(10)) {
            ReachedNodes result = r.spreadSparse(graph, new int[] {4}, new float[] {1f},
                    SpreadParams.exponential(2, 0, 0), 3);
            Call call = r.last();
            assertEquals("spreadSparse", call.method());
            assertNull(call.workspace());
            assertEquals(3, call.capacity());
            assertEquals(3 * Integer.BYTES, call.outBytes());
            assertArrayEquals(new int[] {4}, call.indices());
            assertEquals(3, result.size());
            assertEquals(5, result.reachedCount());
            assertTrue(result.isTruncated());
            assertArrayEquals(new int[] {10, 11, 12}, result.nodes());
            assertArrayEquals(new float[] {1f, 0.5f, 1f / 3}, result.activations());
            assertArrayEquals(new int[] {0, 1, 2}, result.firstHops());
        }
    }

    @Test
    void spreadSparseHoldsOnlyWhatWasReached() {
        Recorder r = new Recorder();
        r.reached = 2;
        try (CsrGraph graph = CsrGraph.empty(10)) {
            ReachedNodes result = r.spreadSparse(graph, new int[] {4}, new float[] {1f},
                    SpreadParams.exponential(2, 0, 0), 8);
            assertEquals(8, r.last().capacity());
            assertEquals(2, result.size());
            assertEquals(2, result.reachedCount());
            assertFalse(result.isTruncated());
            assertArrayEquals(new int[] {10, 11}, result.nodes());
        }
    }

    @Test
    void spreadSparseNeedsNoMoreRoomThanTheGraphHasNodes() {
        Recorder r = new Recorder();
        r.reached = 4;
        try (CsrGraph graph = CsrGraph.empty(4)) {
            ReachedNodes result = r.spreadSparse(graph, new int[] {0}, new float[] {1f},
                    SpreadParams.exponential(2, 0, 0), 1_000);
            assertEquals(4, r.last().capacity(), "the room asked for is the node count");
            assertEquals(4 * Integer.BYTES, r.last().outBytes());
            assertEquals(4, result.size());
            assertFalse(result.isTruncated());
        }
    }

    @Test
    void spreadSparseWithNoRoomStillCounts() {
        Recorder r = new Recorder();
        r.reached = 3;
        try (CsrGraph graph = CsrGraph.empty(4)) {
            ReachedNodes result = r.spreadSparse(graph, new int[] {0}, new float[] {1f},
                    SpreadParams.exponential(2, 0, 0), 0);
            assertEquals(0, r.last().capacity());
            assertEquals(0, result.size());
            assertEquals(3, result.reachedCount());
            assertTrue(result.isTruncated());
        }
    }

    @Test
    void spreadSparseRefusesBadArgumentsBeforeTheKernel() {
        Recorder r = new Recorder();
        try (CsrGraph graph = CsrGraph.empty(4)) {
            SpreadParams params = SpreadParams.exponential(2, 0, 0);
            assertRefused("capacity is -1", () -> r.spreadSparse(graph, new int[] {0}, new float[] {1f}, params, -1));
            assertRefused("seedNodes and seedActivations", () -> r.spreadSparse(graph, new int[] {0}, new float[0],
                    params, 1));
            assertRefused("graph is null", () -> r.spreadSparse(null, new int[] {0}, new float[] {1f}, params, 1));
            assertEquals(List.of(), r.calls, "nothing reached the kernel");
        }
    }

    @Test
    void decayNeedsOneEntryPerMemory() {
        Recorder r = new Recorder();
        DecayParams params = DecayParams.of(new DecayCurve.Exponential());
        assertRefused("strength, ageSeconds", () -> r.decay(new float[2], new float[1], null, params));
        assertRefused("strength, ageSeconds", () -> r.decay(new float[2], new float[2], new int[1], params));
        assertRefused("strength, ageSeconds", () -> r.decay(null, new float[2], null, params));
        IllegalArgumentException e = assertRefused("strength, ageSeconds", () -> r.decay(new float[2], null, null,
                params));
        assertTrue(e.getMessage().contains("got 2, null and none"), e.getMessage());
        assertEquals(List.of(), r.calls, "nothing reached the kernel");
        float[] out = r.decay(new float[] {1f, 0.5f}, new float[] {10f, 20f}, null, params);
        Call call = r.last();
        assertNull(call.workspace());
        assertEquals(2, call.count());
        assertArrayEquals(new float[] {10f, 20f}, call.activations(), "the ages");
        assertFalse(call.hasAccessCounts());
        assertArrayEquals(new float[] {0.5f, 0.25f}, out);
    }

    @Test
    void decayPassesAccessCountsWhenGiven() {
        Recorder r = new Recorder();
        r.decay(new float[] {1f}, new float[] {1f}, new int[] {3}, DecayParams.of(new DecayCurve.TwoComponent()));
        assertTrue(r.last().hasAccessCounts());
    }

    @Test
    void decayGatherPassesTheIndicesTheMemoriesAndTheTime() {
        Recorder r = new Recorder();
        float[] strength = {0.5f, 0.25f, 0.125f};
        double[] lastAccess = {10, 20, 30};
        float[] out = r.decayGather(new int[] {2, 0, 2, 1}, strength, lastAccess, new int[] {1, 2, 3}, 1e9,
                DecayParams.of(new DecayCurve.Exponential()));
        Call call = r.last();
        assertEquals("decayGather", call.method());
        assertNull(call.workspace());
        assertEquals(4, call.count());
        assertEquals(3, call.memoryCount());
        assertEquals(1e9, call.nowSeconds());
        assertArrayEquals(new int[] {2, 0, 2, 1}, call.indices());
        assertTrue(call.hasAccessCounts());
        assertEquals(4 * Float.BYTES, call.outBytes(), "one result per index");
        assertArrayEquals(new float[] {30.125f, 10.5f, 30.125f, 20.25f}, out);
        Recorder none = new Recorder();
        none.decayGather(new int[0], strength, lastAccess, null, 0, DecayParams.of(new DecayCurve.Exponential()));
        assertFalse(none.last().hasAccessCounts());
        assertEquals(0, none.last().count());
    }

    @Test
    void decayGatherRefusesMismatchedArraysBeforeTheKernel() {
        Recorder r = new Recorder();
        DecayParams params = DecayParams.of(new DecayCurve.Exponential());
        IllegalArgumentException lengths = assertRefused("indices, strength and lastAccessSeconds must be given",
                () -> r.decayGather(new int[] {0}, new float[2], new double[1], null, 0, params));
        assertTrue(lengths.getMessage().contains("got 2, 1 and none"), lengths.getMessage());
        assertRefused("indices, strength and lastAccessSeconds", () -> r.decayGather(new int[] {0}, new float[2],
                new double[2], new int[3], 0, params));
        assertRefused("indices, strength and lastAccessSeconds", () -> r.decayGather(null, new float[2],
                new double[2], null, 0, params));
        assertRefused("indices, strength and lastAccessSeconds", () -> r.decayGather(new int[0], null, new double[2],
                null, 0, params));
        assertRefused("indices, strength and lastAccessSeconds", () -> r.decayGather(new int[0], new float[2], null,
                null, 0, params));
        assertEquals(List.of(), r.calls, "nothing reached the kernel");
        assertRefused("indices[1] is 2", () -> r.decayGather(new int[] {0, 2}, new float[2], new double[2], null, 0,
                params));
        assertRefused("nowSeconds is NaN", () -> r.decayGather(new int[] {0}, new float[1], new double[1], null,
                Double.NaN, params));
    }

    @Test
    void theSegmentShortcutsBorrowAWorkspaceAndStartAtRowZero() {
        Recorder r = new Recorder();
        MemorySegment query = MemorySegment.ofArray(new float[] {1, 2});
        MemorySegment matrix = MemorySegment.ofArray(new float[6]);
        r.cosine(query, 2, matrix, 3, null, MemorySegment.ofArray(new float[3]));
        r.cosineTopK(query, 2, matrix, 3, null, 2, MemorySegment.ofArray(new int[2]),
                MemorySegment.ofArray(new float[2]));
        try (CsrGraph graph = CsrGraph.empty(2)) {
            assertEquals(42, r.spread(graph, MemorySegment.ofArray(new int[] {1}), MemorySegment.ofArray(
                    new float[] {1f}), 1, SpreadParams.exponential(1, 0, 0), MemorySegment.ofArray(new float[2]),
                    MemorySegment.ofArray(new int[2])));
        }
        MemorySegment strength = MemorySegment.ofArray(new float[] {0.5f});
        r.decay(strength, MemorySegment.ofArray(new float[1]), null, 1, DecayParams.of(new DecayCurve.PowerLaw()),
                strength);
        assertEquals(List.of("cosine", "cosineTopK", "spread", "decay"), r.calls.stream().map(Call::method).toList());
        for (Call call : r.calls) {
            assertNull(call.workspace(), call.method());
        }
        assertEquals(0, r.calls.get(0).firstRow());
        assertEquals(3, r.calls.get(0).rowCount());
        assertEquals(1, r.calls.get(1).queryCount());
        assertEquals(0, r.calls.get(1).firstRow());
        assertEquals(3, r.calls.get(1).rowCount());
        assertEquals(2, r.calls.get(1).k());
        assertEquals(1, r.calls.get(2).count());
        assertEquals(1, r.calls.get(3).count());
        assertEquals(0.25f, strength.getAtIndex(JAVA_FLOAT, 0), "decay in place");
    }
}
