package engram.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

import engram.api.KernelRouter;
import engram.api.KernelStatus;
import engram.api.KernelUnavailableException;

/**
 * Stopping and starting the kernel bundles (Java and Zig) while the router stays registered:
 * with both stopped no kernel is left, and calls say so.
 */
public class KernelBundleLifecycleTest extends EngramTestSupport {
    private static final float[] QUERY = {1, 0};
    private static final float[] MATRIX = {1, 0, 0, 1};
    private static final float[] EXPECTED_SCORES = {1, 0};

    @Test
    public void stoppingTheKernelBundlesLeavesNoKernelAndStartingThemRestoresService() throws Exception {
        KernelRouter router = routerListing("java");
        List<Bundle> kernelBundles = List.of(bundle("engram.kernels.java"), bundle("engram.kernels.zig"));
        assertArrayEquals(EXPECTED_SCORES, router.cosine(QUERY, MATRIX, null), 1e-6f);

        try {
            for (Bundle bundle : kernelBundles) {
                bundle.stop();
            }
            await("the router lists no kernel", () -> router.kernels().isEmpty());
            assertThrows(KernelUnavailableException.class, () -> router.cosine(QUERY, MATRIX, null));
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
    }

    private static void startAll(List<Bundle> bundles) throws BundleException {
        for (Bundle bundle : bundles) {
            bundle.start();
        }
    }
}
