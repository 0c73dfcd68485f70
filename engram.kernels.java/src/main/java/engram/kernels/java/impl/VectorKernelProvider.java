package engram.kernels.java.impl;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

import aQute.bnd.annotation.Resolution;
import aQute.bnd.annotation.spi.ServiceProvider;
import engram.api.ArenaMetrics;
import engram.api.CsrGraph;
import engram.api.DecayParams;
import engram.api.KernelInfo;
import engram.api.KernelService;
import engram.api.KernelUnavailableException;
import engram.api.KernelWorkspace;
import engram.api.KnownAnswers;
import engram.api.SelfTestResult;
import engram.api.SpreadParams;
import engram.api.WorkspaceOptions;

/**
 * The Vector API kernel outside OSGi: this module's second {@link java.util.ServiceLoader}
 * provider of {@link KernelService}. When the JVM has the module {@code jdk.incubator.vector}
 * and the kernel passes the known-answer tests (checked once per class loader), each instance
 * serves through a kernel of its own; otherwise it still loads, reports why in
 * {@link #unavailableReason()} (so {@code KernelLookup} lists it as unavailable) and refuses
 * every call with {@link KernelUnavailableException}.
 */
@ServiceProvider(value = KernelService.class, resolution = Resolution.OPTIONAL)
public final class VectorKernelProvider implements KernelService {
    private static final String UNAVAILABLE = "Vector API (unavailable)";

    private final ClosableKernelService kernels;
    private final String unavailableReason;
    private final KernelInfo info;

    public VectorKernelProvider() {
        String reason = Check.REASON;
        ClosableKernelService made = null;
        if (reason == null) {
            made = VectorSupport.create();
        }
        this.kernels = made;
        this.unavailableReason = reason;
        this.info = made != null ? made.info()
                : new KernelInfo(VectorSupport.ID, VectorSupport.NAME, VectorSupport.VERSION, UNAVAILABLE,
                        VectorSupport.RANKING);
    }

    /** Whether the kernel can serve in this class loader: decided once, on first use. */
    private static final class Check {
        static final String REASON = check();

        private static String check() {
            String absent = VectorSupport.absentReason();
            if (absent != null) {
                return absent;
            }
            try (ClosableKernelService probe = VectorSupport.create()) {
                List<SelfTestResult> results = KnownAnswers.run(probe);
                return KnownAnswers.allPassed(results) ? null
                        : "the known-answer tests failed: " + KnownAnswers.failures(results);
            } catch (UnsupportedOperationException e) {
                return e.getMessage();
            }
        }
    }

    private KernelService serving() {
        if (kernels == null) {
            throw new KernelUnavailableException("the Vector API kernel cannot serve: " + unavailableReason);
        }
        return kernels;
    }

    @Override
    public KernelInfo info() {
        return info;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailableReason);
    }

    @Override
    public KernelWorkspace newWorkspace() {
        return serving().newWorkspace();
    }

    @Override
    public KernelWorkspace newWorkspace(WorkspaceOptions options) {
        return serving().newWorkspace(options);
    }

    @Override
    public List<ArenaMetrics> arenaMetrics() {
        return kernels == null ? List.of() : kernels.arenaMetrics();
    }

    @Override
    public void cosine(KernelWorkspace workspace, MemorySegment query, int dimensions, MemorySegment matrix,
            int firstRow, int rowCount, MemorySegment norms, MemorySegment out) {
        serving().cosine(workspace, query, dimensions, matrix, firstRow, rowCount, norms, out);
    }

    @Override
    public void cosineTopK(KernelWorkspace workspace, MemorySegment queries, int queryCount, int dimensions,
            MemorySegment matrix, int firstRow, int rowCount, MemorySegment norms, int k, MemorySegment outIndex,
            MemorySegment outScore) {
        serving().cosineTopK(workspace, queries, queryCount, dimensions, matrix, firstRow, rowCount, norms, k,
                outIndex, outScore);
    }

    @Override
    public int spread(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outActivation,
            MemorySegment outFirstHop) {
        return serving().spread(workspace, graph, seedNodes, seedActivations, seedCount, params, outActivation,
                outFirstHop);
    }

    @Override
    public int spreadSparse(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outNodes,
            MemorySegment outActivation, MemorySegment outFirstHop, int capacity) {
        return serving().spreadSparse(workspace, graph, seedNodes, seedActivations, seedCount, params, outNodes,
                outActivation, outFirstHop, capacity);
    }

    @Override
    public void decay(KernelWorkspace workspace, MemorySegment strength, MemorySegment ageSeconds,
            MemorySegment accessCount, int count, DecayParams params, MemorySegment out) {
        serving().decay(workspace, strength, ageSeconds, accessCount, count, params, out);
    }

    @Override
    public void decayGather(KernelWorkspace workspace, MemorySegment indices, int count, int memoryCount,
            MemorySegment strength, MemorySegment lastAccessSeconds, MemorySegment accessCount, double nowSeconds,
            DecayParams params, MemorySegment out) {
        serving().decayGather(workspace, indices, count, memoryCount, strength, lastAccessSeconds, accessCount,
                nowSeconds, params, out);
    }

    @Override
    public String toString() {
        return info.id() + (kernels == null ? " (unavailable: " + unavailableReason + ")" : "");
    }
}
