package engram.kernels.java.impl;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import engram.api.ArenaMetrics;
import engram.api.CsrGraph;
import engram.api.DecayParams;
import engram.api.KernelInfo;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.KnownAnswers;
import engram.api.SelfTestResult;
import engram.api.SpreadParams;
import engram.api.WorkspaceOptions;

class KnownAnswersTest {

    @Test
    void referenceKernelsPassEveryKnownAnswer() {
        assertEveryKnownAnswerPasses(new ReferenceKernels(), "reference");
    }

    @Test
    void theVectorApiKernelPassesEveryKnownAnswer() {
        try (ClosableKernelService kernel = VectorSupport.create()) {
            assertEveryKnownAnswerPasses(kernel, "java");
        }
    }

    private static void assertEveryKnownAnswerPasses(KernelService kernel, String name) {
        List<SelfTestResult> results = KnownAnswers.run(kernel);
        assertEquals(11, results.size(), "every entry point, a reused workspace and the out-of-range values");
        for (SelfTestResult result : results) {
            assertTrue(result.passed(), result.test() + ": " + result.detail());
            assertEquals(name, result.kernel());
            assertEquals("as expected", result.detail());
        }
        assertTrue(KnownAnswers.allPassed(results));
    }

    /** One entry point of the reference kernels spoiled, and the known answers that must notice. */
    enum Spoil {
        COSINE(Set.of("cosine of axis-aligned vectors", "cosine over a row range")),
        TOP_K(Set.of("top-k order with ties", "batched top-k equals single queries")),
        SPREAD(Set.of("spreading along a chain", "spreading with a self-loop and saturation",
                "spreading twice in one workspace")),
        SPREAD_SPARSE(Set.of("sparse spreading in activation order")),
        DECAY(Set.of("decay on all four curves", "decay of out-of-range values")),
        DECAY_GATHER(Set.of("gather decay from last-access times"));

        final Set<String> noticedBy;

        Spoil(Set<String> noticedBy) {
            this.noticedBy = noticedBy;
        }
    }

    /** The reference kernels with one entry point's output spoiled by less than a careless eye sees. */
    private static final class Spoiled implements KernelService {
        private final ReferenceKernels kernel = new ReferenceKernels();
        private final Spoil spoil;

        Spoiled(Spoil spoil) {
            this.spoil = spoil;
        }

        private static void nudge(MemorySegment out, long i, float factor) {
            out.setAtIndex(JAVA_FLOAT, i, out.getAtIndex(JAVA_FLOAT, i) * factor);
        }

        @Override
        public KernelInfo info() {
            return kernel.info();
        }

        @Override
        public KernelWorkspace newWorkspace() {
            return kernel.newWorkspace();
        }

        @Override
        public KernelWorkspace newWorkspace(WorkspaceOptions options) {
            return kernel.newWorkspace(options);
        }

        @Override
        public List<ArenaMetrics> arenaMetrics() {
            return kernel.arenaMetrics();
        }

        @Override
        public void cosine(KernelWorkspace workspace, MemorySegment query, int dimensions, MemorySegment matrix,
                int firstRow, int rowCount, MemorySegment norms, MemorySegment out) {
            kernel.cosine(workspace, query, dimensions, matrix, firstRow, rowCount, norms, out);
            if (spoil == Spoil.COSINE) {
                for (int i = 0; i < rowCount; i++) {
                    out.setAtIndex(JAVA_FLOAT, i, out.getAtIndex(JAVA_FLOAT, i) * 0.999f + 1e-4f);
                }
            }
        }

        @Override
        public void cosineTopK(KernelWorkspace workspace, MemorySegment queries, int queryCount, int dimensions,
                MemorySegment matrix, int firstRow, int rowCount, MemorySegment norms, int k, MemorySegment outIndex,
                MemorySegment outScore) {
            kernel.cosineTopK(workspace, queries, queryCount, dimensions, matrix, firstRow, rowCount, norms, k,
                    outIndex, outScore);
            if (spoil == Spoil.TOP_K && k > 1) {
                // The first two rows of each list trade places.
                for (long q = 0; q < queryCount; q++) {
                    int first = outIndex.getAtIndex(JAVA_INT, q * k);
                    outIndex.setAtIndex(JAVA_INT, q * k, outIndex.getAtIndex(JAVA_INT, q * k + 1));
                    outIndex.setAtIndex(JAVA_INT, q * k + 1, first);
                }
            }
        }

        @Override
        public int spread(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
                MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outActivation,
                MemorySegment outFirstHop) {
            int activated = kernel.spread(workspace, graph, seedNodes, seedActivations, seedCount, params,
                    outActivation, outFirstHop);
            if (spoil == Spoil.SPREAD) {
                // One bit of the last node's activation.
                long last = graph.nodeCount() - 1;
                outActivation.setAtIndex(JAVA_INT, last, outActivation.getAtIndex(JAVA_INT, last) ^ 1);
            }
            return activated;
        }

        @Override
        public int spreadSparse(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
                MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outNodes,
                MemorySegment outActivation, MemorySegment outFirstHop, int capacity) {
            int reached = kernel.spreadSparse(workspace, graph, seedNodes, seedActivations, seedCount, params,
                    outNodes, outActivation, outFirstHop, capacity);
            if (spoil == Spoil.SPREAD_SPARSE && Math.min(reached, capacity) >= 2) {
                // The first two nodes in node order rather than activation order, when they differ.
                int first = outNodes.getAtIndex(JAVA_INT, 0);
                outNodes.setAtIndex(JAVA_INT, 0, outNodes.getAtIndex(JAVA_INT, 1));
                outNodes.setAtIndex(JAVA_INT, 1, first);
            }
            return reached;
        }

        @Override
        public void decay(KernelWorkspace workspace, MemorySegment strength, MemorySegment ageSeconds,
                MemorySegment accessCount, int count, DecayParams params, MemorySegment out) {
            kernel.decay(workspace, strength, ageSeconds, accessCount, count, params, out);
            if (spoil == Spoil.DECAY) {
                for (int i = 0; i < count; i++) {
                    nudge(out, i, 1 - 1e-5f);
                }
            }
        }

        @Override
        public void decayGather(KernelWorkspace workspace, MemorySegment indices, int count, int memoryCount,
                MemorySegment strength, MemorySegment lastAccessSeconds, MemorySegment accessCount, double nowSeconds,
                DecayParams params, MemorySegment out) {
            kernel.decayGather(workspace, indices, count, memoryCount, strength, lastAccessSeconds, accessCount,
                    nowSeconds, params, out);
            if (spoil == Spoil.DECAY_GATHER) {
                for (int i = 0; i < count; i++) {
                    nudge(out, i, 1 - 1e-5f);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Spoil.class)
    void aSpoiledEntryPointFailsItsKnownAnswersAndNoOthers(Spoil spoil) {
        List<SelfTestResult> results = KnownAnswers.run(new Spoiled(spoil));
        assertFalse(KnownAnswers.allPassed(results));
        for (SelfTestResult result : results) {
            boolean noticed = spoil.noticedBy.contains(result.test());
            assertEquals(!noticed, result.passed(), () -> spoil + ", " + result.test() + ": " + result.detail());
            if (noticed) {
                assertFalse(result.detail().isBlank(), "a failure says what differed");
            }
        }
        assertTrue(results.stream().map(SelfTestResult::test).toList().containsAll(spoil.noticedBy),
                "every test named here exists");
    }
}
