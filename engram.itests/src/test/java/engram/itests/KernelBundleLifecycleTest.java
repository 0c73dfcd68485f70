package engram.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

import engram.api.KernelRouter;
import engram.api.KernelService;
import engram.api.KernelStatus;
import engram.api.KernelUnavailableException;
import engram.api.KernelWorkspace;

/**
 * Stopping and starting the kernel bundles (Java and Zig) while the router stays registered:
 * with both stopped no kernel is left (neither java nor the reference, which share
 * engram.kernels.java, nor zig), calls say so, and the kernels' workspaces are freed; a router
 * workspace made before serves again once they are back.
 */
public class KernelBundleLifecycleTest extends EngramTestSupport {
    private static final float[] QUERY = {1, 0};
    private static final float[] MATRIX = {1, 0, 0, 1};
    private static final float[] EXPECTED_SCORES = {1, 0};

    private static float[] cosine(KernelRouter router, KernelWorkspace workspace) {
        float[] out = new float[2];
        router.cosine(workspace, MemorySegment.ofArray(QUERY), 2, MemorySegment.ofArray(MATRIX), 0, 2, null,
                MemorySegment.ofArray(out));
        return out;
    }

    @Test
    public void stoppingTheKernelBundlesLeavesNoKernelAndStartingThemRestoresService() throws Exception {
        KernelRouter router = routerListingEveryKernel();
        KernelService java = kernelNamed("java");
        KernelService reference = kernelNamed("reference");
        List<Bundle> kernelBundles = List.of(bundle("engram.kernels.java"), bundle(ZIG_HOST));
        try (KernelWorkspace workspace = router.newWorkspace()) {
            assertArrayEquals(EXPECTED_SCORES, router.cosine(QUERY, MATRIX, null), 1e-6f);
            assertArrayEquals(EXPECTED_SCORES, cosine(router, workspace), 1e-6f);
            // Directly too: with the Zig library the router's calls went to zig.
            java.cosine(QUERY, MATRIX, null);
            reference.cosine(QUERY, MATRIX, null);
            assertTrue("the java kernel has a workspace in its pool: " + java.arenaMetrics(),
                    java.arenaMetrics().stream().anyMatch(m -> m.workspace().startsWith("pool-")));
            assertTrue("so has the reference: " + reference.arenaMetrics(),
                    reference.arenaMetrics().stream().anyMatch(m -> m.workspace().startsWith("pool-")));

            try {
                for (Bundle bundle : kernelBundles) {
                    bundle.stop();
                }
                await("the router lists no kernel", () -> router.kernels().isEmpty());
                assertEquals("the router reports no workspace", List.of(), router.arenaMetrics());
                assertEquals("the stopped java kernel freed its workspaces", List.of(), java.arenaMetrics());
                assertEquals("the stopped reference freed its workspaces", List.of(), reference.arenaMetrics());
                assertEquals("the router workspace holds no live delegate", 0, workspace.metrics().capacityBytes());
                KernelUnavailableException e = assertThrows(KernelUnavailableException.class,
                        () -> router.cosine(QUERY, MATRIX, null));
                assertTrue(e.getMessage(), e.getMessage().contains("start the bundle engram.kernels.java"));
                assertThrows(KernelUnavailableException.class, () -> cosine(router, workspace));
            } finally {
                startAll(kernelBundles);
            }

            routerListingEveryKernel();
            List<KernelStatus> kernels = router.kernels();
            assertTrue("one active kernel after the restart: " + kernels,
                    kernels.get(0).active() && kernels.stream().filter(KernelStatus::active).count() == 1);
            assertEquals("every kernel is back, best first", expectedKernelNames(),
                    kernels.stream().map(KernelStatus::name).toList());
            assertArrayEquals(EXPECTED_SCORES, router.cosine(QUERY, MATRIX, null), 1e-6f);
            assertArrayEquals("the router workspace made before the stop serves again", EXPECTED_SCORES,
                    cosine(router, workspace), 1e-6f);
            assertEquals("with a fresh delegate of the restarted kernel", 1, workspace.metrics().resets());
        }
    }

    private static void startAll(List<Bundle> bundles) throws BundleException {
        for (Bundle bundle : bundles) {
            bundle.start();
        }
    }
}
