package engram.kernels.java.impl;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

import engram.api.DecayParams;
import engram.api.KernelArguments;
import engram.api.KernelInfo;
import engram.api.KernelWorkspace;

/**
 * The production Java kernels, on the Vector API ({@code jdk.incubator.vector}): named
 * {@code java}, ranked {@value VectorSupport#RANKING}, between the scalar reference and the
 * Zig kernels. They meet the same contract as the reference ({@code docs/kernel-contract.md}):
 *
 * <ul>
 * <li>similarity in float32 vectors folded into float64, with an exact float64 path for the
 *     rows where that could miss the contract's 1e-6 ({@link VectorSimilarity}); a batch reads
 *     each row once for all its queries, {@value VectorSimilarity#GROUP} queries a pass, and
 *     gives each query the bits of its lone call;
 * <li>spreading with the reference's own traversal and tables ({@link Spreading}), so its
 *     results are the reference's bit for bit; only the dense form's fill of its outputs is
 *     vectorised;
 * <li>decay in float64 lanes with exp2 and log2 of their own ({@link VectorDecay}).
 * </ul>
 *
 * Scratch lives in heap workspaces ({@link JavaWorkspace}), as the reference's. Loaded only
 * through {@link VectorSupport#create()}, once the module is known to be there; inside OSGi
 * {@link VectorKernelComponent} registers it, outside {@link VectorKernelProvider} serves it.
 */
final class VectorKernels extends JavaKernels {
    /** The narrowest vectors the kernel runs on: two float64 lanes. */
    private static final int LEAST_VECTOR_BITS = 128;
    private static final VectorSpecies<Float> FLOATS = VectorSimilarity.FLOATS;
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /**
     * @throws UnsupportedOperationException if this machine's preferred vectors hold fewer
     *     than 128 bits (the Vector API would then compute lane by lane)
     */
    VectorKernels() {
        int bits = FLOATS.vectorBitSize();
        if (bits < LEAST_VECTOR_BITS || VectorDecay.DOUBLES.vectorBitSize() < LEAST_VECTOR_BITS) {
            throw new UnsupportedOperationException("the Vector API's preferred vectors hold " + bits + " bits on this"
                    + " machine; the Vector API kernel needs " + LEAST_VECTOR_BITS + " or more (SSE2, AVX or NEON)");
        }
        // Checked before super(...) (flexible constructor bodies, Java 25): no workspace
        // registry is made for a kernel that cannot run.
        super(new KernelInfo(VectorSupport.ID, VectorSupport.NAME, VectorSupport.VERSION, VectorSimilarity.describe(),
                VectorSupport.RANKING));
    }

    @Override
    public void cosine(KernelWorkspace workspace, MemorySegment query, int dimensions, MemorySegment matrix,
            int firstRow, int rowCount, MemorySegment norms, MemorySegment out) {
        KernelArguments.checkCosine(query, dimensions, matrix, firstRow, rowCount, norms, out);
        JavaWorkspace w = enter(workspace);
        try {
            copyQueries(w, query, 1, dimensions);
            for (int i = 0; i < rowCount; i++) {
                out.setAtIndex(JAVA_FLOAT, i, scoreAlone(w, dimensions, matrix, firstRow + i, norms));
            }
        } finally {
            exit(workspace, w);
        }
    }

    @Override
    public void cosineTopK(KernelWorkspace workspace, MemorySegment queries, int queryCount, int dimensions,
            MemorySegment matrix, int firstRow, int rowCount, MemorySegment norms, int k, MemorySegment outIndex,
            MemorySegment outScore) {
        KernelArguments.checkCosineTopK(queries, queryCount, dimensions, matrix, firstRow, rowCount, norms, k,
                outIndex, outScore);
        JavaWorkspace w = enter(workspace);
        try {
            topK(w, queries, queryCount, dimensions, matrix, firstRow, rowCount, norms, k, outIndex, outScore);
        } finally {
            exit(workspace, w);
        }
    }

    /** Copies the queries into the workspace and takes their exact squared norms, once per call. */
    private static void copyQueries(JavaWorkspace w, MemorySegment queries, int queryCount, int dimensions) {
        int values = queryCount * dimensions;
        w.ensureQueries(values, queryCount);
        w.ensureLanes(VectorSimilarity.LANE_SCRATCH);
        MemorySegment.copy(queries, JAVA_FLOAT, 0, w.queryCopy, 0, values);
        for (int q = 0; q < queryCount; q++) {
            double squares = VectorSimilarity.querySquares(w.queryCopy, q * dimensions, dimensions, w.lanes);
            w.querySquares[q] = squares;
            w.queryNorms[q] = Math.sqrt(squares);
        }
    }

    /** Reads each row once for every query: {@value VectorSimilarity#GROUP} queries a pass over it. */
    private static void topK(JavaWorkspace w, MemorySegment queries, int queryCount, int dimensions,
            MemorySegment matrix, int firstRow, int rowCount, MemorySegment norms, int k, MemorySegment outIndex,
            MemorySegment outScore) {
        w.ensureHeaps(queryCount * k, queryCount);
        copyQueries(w, queries, queryCount, dimensions);
        int[] heapIndex = w.heapIndex;
        float[] heapScore = w.heapScore;
        float[] copy = w.queryCopy;
        double[] dots = w.rowDots;
        for (int i = 0; i < rowCount; i++) {
            int row = firstRow + i;
            int size = Math.min(i, k);
            if (queryCount == 1) {
                TopKHeaps.offer(heapIndex, heapScore, 0, k, size, row, scoreAlone(w, dimensions, matrix, row, norms));
                continue;
            }
            long rowOffset = rowOffset(row, dimensions);
            double rowSquares = VectorSimilarity.squares(matrix, rowOffset, dimensions, w.lanes);
            int q = 0;
            for (; q + VectorSimilarity.GROUP <= queryCount; q += VectorSimilarity.GROUP) {
                VectorSimilarity.dots(copy, q * dimensions, (q + 1) * dimensions, matrix, rowOffset, dimensions,
                        w.lanes, dots, q);
            }
            for (; q < queryCount; q++) {
                dots[q] = VectorSimilarity.dot(copy, q * dimensions, matrix, rowOffset, dimensions, w.lanes);
            }
            for (q = 0; q < queryCount; q++) {
                float score = score(w, q, dimensions, matrix, row, rowOffset, norms, dots[q], rowSquares);
                TopKHeaps.offer(heapIndex, heapScore, q * k, k, size, row, score);
            }
        }
        for (int q = 0; q < queryCount; q++) {
            TopKHeaps.sortBestFirst(heapIndex, heapScore, q * k, k);
            for (int r = 0; r < k; r++) {
                outIndex.setAtIndex(JAVA_INT, (long) q * k + r, heapIndex[q * k + r]);
                outScore.setAtIndex(JAVA_FLOAT, (long) q * k + r, heapScore[q * k + r]);
            }
        }
    }

    private static long rowOffset(int row, int dimensions) {
        return (long) row * dimensions * Float.BYTES;
    }

    /** The score of the workspace's first query against one row, both sums in one pass. */
    private static float scoreAlone(JavaWorkspace w, int dimensions, MemorySegment matrix, int row,
            MemorySegment norms) {
        if (!Double.isFinite(w.queryNorms[0])) {
            return Float.NaN;
        }
        long rowOffset = rowOffset(row, dimensions);
        double[] sums = w.sums;
        VectorSimilarity.dotAndSquares(w.queryCopy, 0, matrix, rowOffset, dimensions, w.lanes, sums);
        return score(w, 0, dimensions, matrix, row, rowOffset, norms, sums[0], sums[1]);
    }

    /**
     * The contract's score of query {@code q} against one row from the fast path's sums, or from
     * the exact path's where the fast path's cannot be trusted.
     */
    private static float score(JavaWorkspace w, int q, int dimensions, MemorySegment matrix, int row, long rowOffset,
            MemorySegment norms, double dot, double rowSquares) {
        double queryNorm = w.queryNorms[q];
        if (!Double.isFinite(queryNorm)) {
            return Float.NaN;
        }
        float given = norms == null ? Float.NaN : norms.getAtIndex(JAVA_FLOAT, row);
        double d = dot;
        double squares = rowSquares;
        if (!VectorSimilarity.trusted(w.querySquares[q], squares, norms != null, given)) {
            double[] sums = w.sums;
            VectorSimilarity.exactDotAndSquares(w.queryCopy, q * dimensions, matrix, rowOffset, dimensions, w.lanes,
                    sums);
            d = sums[0];
            squares = sums[1];
        }
        return cosineOf(d, queryNorm, norms == null ? Math.sqrt(squares) : given);
    }

    /**
     * The contract's score, as the reference computes it: NaN when any input was not finite, 0
     * when a norm is 0, else the cosine clamped to [-1, 1].
     */
    private static float cosineOf(double dot, double queryNorm, double rowNorm) {
        if (!Double.isFinite(dot) || !Double.isFinite(queryNorm) || !Double.isFinite(rowNorm)) {
            return Float.NaN;
        }
        if (queryNorm == 0 || rowNorm == 0) {
            return 0f;
        }
        double s = dot / (queryNorm * rowNorm);
        if (s > 1) {
            s = 1;
        } else if (s < -1) {
            s = -1;
        }
        return (float) s;
    }

    /** Activation 0 and first hop -1 for the first {@code nodes} nodes, a vector at a time. */
    @Override
    void clearDense(MemorySegment outActivation, MemorySegment outFirstHop, int nodes) {
        FloatVector zeros = FloatVector.zero(FLOATS);
        IntVector never = IntVector.broadcast(INTS, -1);
        int lanes = FLOATS.length();
        int v = 0;
        for (; v + lanes <= nodes; v += lanes) {
            zeros.intoMemorySegment(outActivation, (long) v * Float.BYTES, ORDER);
            never.intoMemorySegment(outFirstHop, (long) v * Integer.BYTES, ORDER);
        }
        for (; v < nodes; v++) {
            outActivation.setAtIndex(JAVA_FLOAT, v, 0f);
            outFirstHop.setAtIndex(JAVA_INT, v, -1);
        }
    }

    @Override
    public void decay(KernelWorkspace workspace, MemorySegment strength, MemorySegment ageSeconds,
            MemorySegment accessCount, int count, DecayParams params, MemorySegment out) {
        KernelArguments.checkDecay(strength, ageSeconds, accessCount, count, params, out);
        JavaWorkspace w = enter(workspace);
        try {
            VectorDecay.decay(w, strength, ageSeconds, accessCount, count, params, out);
        } finally {
            exit(workspace, w);
        }
    }

    @Override
    public void decayGather(KernelWorkspace workspace, MemorySegment indices, int count, int memoryCount,
            MemorySegment strength, MemorySegment lastAccessSeconds, MemorySegment accessCount, double nowSeconds,
            DecayParams params, MemorySegment out) {
        KernelArguments.checkDecayGather(indices, count, memoryCount, strength, lastAccessSeconds, accessCount,
                nowSeconds, params, out);
        JavaWorkspace w = enter(workspace);
        try {
            VectorDecay.decayGather(w, indices, count, memoryCount, strength, lastAccessSeconds, accessCount,
                    nowSeconds, params, out);
        } finally {
            exit(workspace, w);
        }
    }
}
