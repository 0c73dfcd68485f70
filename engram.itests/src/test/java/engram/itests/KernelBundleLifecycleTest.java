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
 * with both stopped no kernel is left, calls say so, and the kernels' workspaces are freed; a
 * router workspace made before serves again once they are back.
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
        KernelRouter router = routerListing("java");
        KernelService java = kernelNamed("java");
        List<Bundle> kernelBundles = List.of(bundle("engram.kernels.java"), bundle(ZIG_HOST));
        try (KernelWorkspace workspace = router.newWorkspace()) {
            assertArrayEquals(EXPECTED_SCORES, router.cosine(QUERY, MATRIX, null), 1e-6f);
            assertArrayEquals(EXPECTED_SCORES, cosine(router, workspace), 1e-6f);
            // Directly too: with the Zig library the router's calls went to zig.
            java.cosine(QUERY, MATRIX, null);
            assertTrue("the java kernels have a workspace in their pool: " + java.arenaMetrics(),
                    java.arenaMetrics().stream().anyMatch(m -> m.workspace().startsWith("pool-")));

            try {
                for (Bundle bundle : kernelBundles) {
                    bundle.stop();
                }
                await("the router lists no kernel", () -> router.kernels().isEmpty());
                assertEquals("the router reports no workspace", List.of(), router.arenaMetrics());
                assertEquals("the stopped java kernels freed their workspaces", List.of(), java.arenaMetrics());
                assertEquals("the router workspace holds no live delegate", 0, workspace.metrics().capacityBytes());
                KernelUnavailableException e = assertThrows(KernelUnavailableException.class,
                        () -> router.cosine(QUERY, MATRIX, null));
                assertTrue(e.getMessage(), e.getMessage().contains("start the bundle engram.kernels.java"));
                assertThrows(KernelUnavailableException.class, () -> cosine(router, workspace));
            } finally {
                startAll(kernelBundles);
            }

            routerListing("java");
            List<KernelStatus> kernels = router.kernels();
            assertTrue("one active kernel after the restart: " + kernels,
                    kernels.get(0).active() && kernels.stream().filter(KernelStatus::active).count() == 1);
            if (!zigKernelsProvisioned()) {
                assertTrue("the java kernel alone is active after the restart: " + kernels,
                        kernels.size() == 1 && kernels.get(0).name().equals("java"));
            }
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
