package engram.itests;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.Test;

import engram.api.ArenaMetrics;
import engram.api.KernelRouter;
import engram.api.KernelStatus;
import engram.api.KernelWorkspace;
import engram.api.OverflowStrategy;
import engram.api.SelfTestResult;
import engram.api.WorkspaceOptions;

/** The router service as the engine sees it, with the Java kernel, the reference and (with its library) zig registered. */
public class KernelRouterTest extends EngramTestSupport {
    private static final float[] QUERY = {1, 0};
    private static final float[] MATRIX = {1, 0, 0, 1, -1, 0};

    @Test
    public void routerListsEveryKernelBestFirstWithItsIdentityAndTheBestIsActive() {
        List<KernelStatus> kernels = routerListingEveryKernel().kernels();

        assertEquals("zig (with its library), java, reference", expectedKernelNames(),
                kernels.stream().map(KernelStatus::name).toList());
        KernelStatus java = named(kernels, "java");
        assertEquals(JAVA_ID, java.id());
        assertEquals("ranking of the java kernel", 50, java.ranking());
        assertTrue("the java kernel runs on the Vector API: " + java, java.instructionSet().startsWith("Vector API, "));
        KernelStatus reference = named(kernels, "reference");
        assertEquals(REFERENCE_ID, reference.id());
        assertEquals("ranking of the reference", 0, reference.ranking());
        assertEquals("scalar (Java)", reference.instructionSet());
        for (KernelStatus kernel : kernels) {
            assertEquals("failures of " + kernel.name(), 0, kernel.failures());
            assertEquals("", kernel.lastFailure());
        }
        assertEquals("kernels marked active in " + kernels, 1, kernels.stream().filter(KernelStatus::active).count());
        assertTrue("the first, highest ranking kernel is active: " + kernels, kernels.get(0).active());
        if (!zigKernelsProvisioned()) {
            assertTrue("without the Zig library the java kernel is active", java.active());
        }
    }

    private static KernelStatus named(List<KernelStatus> kernels, String name) {
        return kernels.stream().filter(k -> k.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " kernel among " + kernels));
    }

    @Test
    public void routerComputesThroughTheActiveKernelOnHeapArraysAndOnSegments() {
        KernelRouter router = routerListing("java");
        assertArrayEquals(new float[] {1, 0, -1}, router.cosine(QUERY, MATRIX, null), 1e-6f);

        try (Arena arena = Arena.ofConfined(); KernelWorkspace workspace = router.newWorkspace()) {
            MemorySegment query = arena.allocate(2L * Float.BYTES, 64);
            MemorySegment.copy(QUERY, 0, query, JAVA_FLOAT, 0, 2);
            MemorySegment matrix = arena.allocate(6L * Float.BYTES, 64);
            MemorySegment.copy(MATRIX, 0, matrix, JAVA_FLOAT, 0, 6);
            MemorySegment out = arena.allocate(2L * Float.BYTES, 64);
            MemorySegment index = arena.allocate(Integer.BYTES, 64);
            MemorySegment score = arena.allocate(Float.BYTES, 64);

            router.cosine(workspace, query, 2, matrix, 1, 2, null, out);
            assertArrayEquals("rows 1 and 2", new float[] {0, -1}, out.toArray(JAVA_FLOAT), 1e-6f);
            router.cosineTopK(workspace, query, 1, 2, matrix, 1, 2, null, 1, index, score);
            assertEquals("the best of rows 1 and 2, by its absolute row number", 1, index.get(JAVA_INT, 0));
            assertEquals(0f, score.get(JAVA_FLOAT, 0), 1e-6f);
        }
    }

    @Test
    public void aRouterWorkspaceKeepsADelegateOfTheServingKernelWithItsOptions() {
        KernelRouter router = routerListing("java");
        WorkspaceOptions options = WorkspaceOptions.ofMebibytes(2, OverflowStrategy.ERROR);
        try (KernelWorkspace workspace = router.newWorkspace(options)) {
            assertEquals("engram.core/router", workspace.kernelId());
            assertEquals(options, workspace.options());
            float[] scores = new float[3];
            for (int call = 0; call < 3; call++) {
                router.cosine(workspace, MemorySegment.ofArray(QUERY), 2, MemorySegment.ofArray(MATRIX), 0, 3, null,
                        MemorySegment.ofArray(scores));
            }
            assertArrayEquals(new float[] {1, 0, -1}, scores, 1e-6f);

            ArenaMetrics metrics = workspace.metrics();
            assertEquals("the three calls the delegate served: " + metrics, 3, metrics.resets());
            if (!zigKernelsProvisioned()) {
                assertTrue("the router lists the java kernel's delegate among the kernels' workspaces: "
                        + router.arenaMetrics(), router.arenaMetrics().stream()
                                .anyMatch(m -> m.kernelId().equals(JAVA_ID) && m.workspace().startsWith("workspace-")
                                        && m.resets() == 3));
            }
        }
        try (KernelWorkspace kernels = kernelNamed("java").newWorkspace()) {
            assertThrows("a workspace the router did not make is refused", IllegalArgumentException.class,
                    () -> router.cosine(kernels, MemorySegment.ofArray(QUERY), 2, MemorySegment.ofArray(MATRIX), 0,
                            3, null, MemorySegment.ofArray(new float[3])));
        }
    }

    @Test
    public void everyKnownAnswerTestPassesOnEveryKernelInRankingOrder() {
        List<SelfTestResult> results = routerListingEveryKernel().selfTest();

        int perKernel = results.size() / expectedKernelNames().size();
        assertTrue("the self-test ran tests", perKernel > 0);
        assertEquals("as many tests on each kernel", perKernel * expectedKernelNames().size(), results.size());
        List<String> kernels = new ArrayList<>();
        for (String name : expectedKernelNames()) {
            kernels.addAll(Collections.nCopies(perKernel, name));
        }
        assertEquals("each kernel's tests, best kernel first", kernels,
                results.stream().map(SelfTestResult::kernel).toList());
        for (SelfTestResult result : results) {
            assertTrue(result.kernel() + ": " + result.test() + ": " + result.detail(), result.passed());
        }
    }
}
