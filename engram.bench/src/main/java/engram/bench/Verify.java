package engram.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import engram.api.CsrGraph;
import engram.api.DecayParams;
import engram.api.KernelService;
import engram.api.KernelTolerance;
import engram.api.KernelWorkspace;
import engram.api.SpreadParams;
import engram.api.SpreadResult;
import engram.api.TopK;

/**
 * Each benchmark checks its kernel once against the reference kernel ({@code reference}, the scalar oracle) before it measures, on the
 * benchmark's own inputs and workspace, by the contract's rules ({@link KernelTolerance}), and
 * fails on a difference: a fast wrong kernel is no result. The kernel and the reference write
 * to outputs of their own, so neither result can stand in for the other.
 */
final class Verify {
    private Verify() {
    }

    /** Cosine scores and the top-{@code k} of one query over rows {@code 0 .. rows - 1}. */
    static void cosine(KernelService kernel, KernelWorkspace workspace, KernelService reference, MemorySegment query,
            int dimensions, MemorySegment matrix, int rows, MemorySegment norms, int k) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment scores = floats(arena, rows);
            MemorySegment expectedScores = floats(arena, rows);
            kernel.cosine(workspace, query, dimensions, matrix, 0, rows, norms, scores);
            reference.cosine(null, query, dimensions, matrix, 0, rows, norms, expectedScores);
            require(kernel, "cosine", KernelTolerance.cosine(expectedScores.toArray(ValueLayout.JAVA_FLOAT),
                    scores.toArray(ValueLayout.JAVA_FLOAT)));

            MemorySegment index = ints(arena, k);
            MemorySegment score = floats(arena, k);
            MemorySegment expectedIndex = ints(arena, k);
            MemorySegment expectedScore = floats(arena, k);
            kernel.cosineTopK(workspace, query, 1, dimensions, matrix, 0, rows, norms, k, index, score);
            reference.cosineTopK(null, query, 1, dimensions, matrix, 0, rows, norms, k, expectedIndex, expectedScore);
            require(kernel, "top-" + k, KernelTolerance.topK(
                    new TopK(expectedIndex.toArray(ValueLayout.JAVA_INT), expectedScore.toArray(ValueLayout.JAVA_FLOAT)),
                    new TopK(index.toArray(ValueLayout.JAVA_INT), score.toArray(ValueLayout.JAVA_FLOAT))));
        }
    }

    /**
     * The top-{@code k} of each of {@code queryCount} queries of one batched call of {@code kernel},
     * against the reference's, query by query.
     */
    static void topKBatch(KernelService kernel, KernelWorkspace workspace, KernelService reference,
            MemorySegment queries, int queryCount, int dimensions, MemorySegment matrix, int rows, MemorySegment norms,
            int k) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment index = ints(arena, (long) queryCount * k);
            MemorySegment score = floats(arena, (long) queryCount * k);
            kernel.cosineTopK(workspace, queries, queryCount, dimensions, matrix, 0, rows, norms, k, index, score);
            int[] indices = index.toArray(ValueLayout.JAVA_INT);
            float[] scores = score.toArray(ValueLayout.JAVA_FLOAT);
            for (int q = 0; q < queryCount; q++) {
                topK(kernel.info().id(), new TopK(Arrays.copyOfRange(indices, q * k, q * k + k),
                        Arrays.copyOfRange(scores, q * k, q * k + k)), q, reference, queries, queryCount,
                        dimensions, matrix, rows, norms, k);
            }
        }
    }

    /**
     * {@code candidate}, the top-{@code k} of query {@code q} of {@code queries} by {@code who}, against
     * the reference's top-k of that query alone.
     */
    static void topK(String who, TopK candidate, int q, KernelService reference, MemorySegment queries,
            int queryCount, int dimensions, MemorySegment matrix, int rows, MemorySegment norms, int k) {
        if (q < 0 || q >= queryCount) {
            throw new IllegalArgumentException("query " + q + " is not in 0.." + (queryCount - 1));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment expectedIndex = ints(arena, k);
            MemorySegment expectedScore = floats(arena, k);
            MemorySegment query = queries.asSlice((long) q * dimensions * Float.BYTES, (long) dimensions * Float.BYTES);
            reference.cosineTopK(null, query, 1, dimensions, matrix, 0, rows, norms, k, expectedIndex, expectedScore);
            require(who, "top-" + k + " of query " + q, KernelTolerance.topK(
                    new TopK(expectedIndex.toArray(ValueLayout.JAVA_INT), expectedScore.toArray(ValueLayout.JAVA_FLOAT)),
                    candidate));
        }
    }

    /** A dense spread from {@code seedCount} seeds: bit for bit. */
    static void spread(KernelService kernel, KernelWorkspace workspace, KernelService reference, CsrGraph graph,
            MemorySegment seedNodes, MemorySegment seedActivations, int seedCount, SpreadParams params) {
        try (Arena arena = Arena.ofConfined()) {
            int n = graph.nodeCount();
            MemorySegment activation = floats(arena, n);
            MemorySegment firstHop = ints(arena, n);
            MemorySegment expectedActivation = floats(arena, n);
            MemorySegment expectedFirstHop = ints(arena, n);
            int activated = kernel.spread(workspace, graph, seedNodes, seedActivations, seedCount, params, activation,
                    firstHop);
            int expectedActivated = reference.spread(null, graph, seedNodes, seedActivations, seedCount, params,
                    expectedActivation, expectedFirstHop);
            require(kernel, "spreading", KernelTolerance.spread(
                    new SpreadResult(expectedActivation.toArray(ValueLayout.JAVA_FLOAT),
                            expectedFirstHop.toArray(ValueLayout.JAVA_INT), expectedActivated),
                    new SpreadResult(activation.toArray(ValueLayout.JAVA_FLOAT), firstHop.toArray(ValueLayout.JAVA_INT),
                            activated)));
        }
    }

    /** A decay of the first {@code count} memories: within the contract's relative tolerance. */
    static void decay(KernelService kernel, KernelWorkspace workspace, KernelService reference, MemorySegment strength,
            MemorySegment ageSeconds, MemorySegment accessCount, int count, DecayParams params) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = floats(arena, count);
            MemorySegment expected = floats(arena, count);
            kernel.decay(workspace, strength, ageSeconds, accessCount, count, params, out);
            reference.decay(null, strength, ageSeconds, accessCount, count, params, expected);
            require(kernel, "decay", KernelTolerance.decay(expected.toArray(ValueLayout.JAVA_FLOAT),
                    out.toArray(ValueLayout.JAVA_FLOAT)));
        }
    }

    private static void require(KernelService kernel, String what, KernelTolerance.Verdict verdict) {
        require(kernel.info().id(), what, verdict);
    }

    private static void require(String who, String what, KernelTolerance.Verdict verdict) {
        if (!verdict.agrees()) {
            throw new IllegalStateException(who + " " + what + " differs from the reference beyond the"
                    + " contract: " + verdict.difference());
        }
    }

    /** {@code count} float32 values, 64-byte aligned. */
    static MemorySegment floats(Arena arena, long count) {
        return arena.allocate(count * Float.BYTES, 64);
    }

    /** {@code count} int32 values, 64-byte aligned. */
    static MemorySegment ints(Arena arena, long count) {
        return arena.allocate(count * Integer.BYTES, 64);
    }
}
