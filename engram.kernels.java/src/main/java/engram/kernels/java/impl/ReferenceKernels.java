package engram.kernels.java.impl;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.propertytypes.ServiceRanking;

import aQute.bnd.annotation.Resolution;
import aQute.bnd.annotation.spi.ServiceProvider;
import engram.api.DecayParams;
import engram.api.KernelArguments;
import engram.api.KernelInfo;
import engram.api.KernelService;
import engram.api.KernelWorkspace;

/**
 * The scalar reference kernels: the oracle every other kernel is checked against, and the
 * fallback that serves when no faster kernel is there. They follow {@code docs/kernel-contract.md}
 * literally, accumulating similarity and decay in double precision and spreading in float32 in
 * the contract's exact order. Scratch lives in heap workspaces ({@link JavaWorkspace}); a call
 * without one borrows from a small pool of this instance, so nothing outlives the instance.
 *
 * <p>Inside OSGi, Declarative Services registers it with {@link #RANKING}, below any native
 * kernel; outside, it is the module's {@link java.util.ServiceLoader} provider.
 */
@Component(service = KernelService.class)
@ServiceRanking(ReferenceKernels.RANKING)
@ServiceProvider(value = KernelService.class, resolution = Resolution.OPTIONAL)
public final class ReferenceKernels extends JavaKernels {
    /** The service ranking of the reference kernels; faster kernels register above it. */
    public static final int RANKING = 0;
    /** The identity of these kernels. */
    public static final String ID = "engram.kernels.java/reference";
    /** Their display name ({@code java} is the Vector API kernel's). */
    public static final String NAME = "reference";
    private static final KernelInfo INFO = new KernelInfo(ID, NAME, "0.2.0", "scalar (Java)", RANKING);

    public ReferenceKernels() {
        super(INFO);
    }

    /** Drops every workspace when the component goes; their scratch is then garbage. */
    @Deactivate
    void deactivate() {
        close();
    }

    @Override
    public void cosine(KernelWorkspace workspace, MemorySegment query, int dimensions, MemorySegment matrix,
            int firstRow, int rowCount, MemorySegment norms, MemorySegment out) {
        KernelArguments.checkCosine(query, dimensions, matrix, firstRow, rowCount, norms, out);
        JavaWorkspace w = enter(workspace);
        try {
            double queryNorm = queryNorm(query, 0, dimensions);
            for (int i = 0; i < rowCount; i++) {
                out.setAtIndex(JAVA_FLOAT, i, score(query, 0, dimensions, matrix, firstRow + i, norms, queryNorm));
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

    /** Reads each row once, scoring it against every query; each query keeps its own heap. */
    private static void topK(JavaWorkspace w, MemorySegment queries, int queryCount, int dimensions,
            MemorySegment matrix, int firstRow, int rowCount, MemorySegment norms, int k, MemorySegment outIndex,
            MemorySegment outScore) {
        w.ensureHeaps(queryCount * k, queryCount);
        int[] heapIndex = w.heapIndex;
        float[] heapScore = w.heapScore;
        double[] queryNorms = w.queryNorms;
        for (int q = 0; q < queryCount; q++) {
            queryNorms[q] = queryNorm(queries, (long) q * dimensions, dimensions);
        }
        for (int i = 0; i < rowCount; i++) {
            int row = firstRow + i;
            for (int q = 0; q < queryCount; q++) {
                float score = score(queries, (long) q * dimensions, dimensions, matrix, row, norms, queryNorms[q]);
                TopKHeaps.offer(heapIndex, heapScore, q * k, k, Math.min(i, k), row, score);
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

    private static double queryNorm(MemorySegment queries, long start, int dimensions) {
        double sum = 0;
        for (int j = 0; j < dimensions; j++) {
            double q = queries.getAtIndex(JAVA_FLOAT, start + j);
            sum += q * q;
        }
        return Math.sqrt(sum);
    }

    private static float score(MemorySegment queries, long queryStart, int dimensions, MemorySegment matrix, int row,
            MemorySegment norms, double queryNorm) {
        long base = (long) row * dimensions;
        double dot = 0;
        double sumSquares = 0;
        for (int j = 0; j < dimensions; j++) {
            double v = matrix.getAtIndex(JAVA_FLOAT, base + j);
            dot += queries.getAtIndex(JAVA_FLOAT, queryStart + j) * v;
            sumSquares += v * v;
        }
        double rowNorm = norms == null ? Math.sqrt(sumSquares) : norms.getAtIndex(JAVA_FLOAT, row);
        return cosineOf(dot, queryNorm, rowNorm);
    }

    /**
     * The contract's score: NaN when any input was not finite (an infinity would otherwise
     * clamp to a plausible +-1 or 0, and a NaN query must not score 0 against a zero row),
     * 0 when a norm is 0, else the cosine clamped to [-1, 1].
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

    // A loop, not asSlice(..).fill(..): each slice is a new segment object, which C2 does not
    // eliminate here (it compiles the caller by OSR at the loop, so the slices stay in C1 code),
    // and a warm call must allocate nothing.
    @Override
    void clearDense(MemorySegment outActivation, MemorySegment outFirstHop, int nodes) {
        for (int v = 0; v < nodes; v++) {
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
            for (int i = 0; i < count; i++) {
                int accesses = accessCount == null ? 0 : accessCount.getAtIndex(JAVA_INT, i);
                out.setAtIndex(JAVA_FLOAT, i, params.decayed(strength.getAtIndex(JAVA_FLOAT, i),
                        ageSeconds.getAtIndex(JAVA_FLOAT, i), accesses));
            }
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
            for (int i = 0; i < count; i++) {
                int m = indices.getAtIndex(JAVA_INT, i);
                if (m < 0 || m >= memoryCount) {
                    throw new IllegalArgumentException("indices[" + i + "] changed during the call to " + m
                            + "; do not change the indices while a kernel reads them");
                }
                int accesses = accessCount == null ? 0 : accessCount.getAtIndex(JAVA_INT, m);
                double age = nowSeconds - lastAccessSeconds.getAtIndex(JAVA_DOUBLE, m);
                out.setAtIndex(JAVA_FLOAT, i, params.decayed(strength.getAtIndex(JAVA_FLOAT, m), age, accesses));
            }
        } finally {
            exit(workspace, w);
        }
    }
}
