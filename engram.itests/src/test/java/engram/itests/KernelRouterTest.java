package engram.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;

import engram.api.KernelRouter;
import engram.api.KernelStatus;
import engram.api.SelfTestResult;

/** The router service as the engine sees it, with the Java kernel registered. */
public class KernelRouterTest extends EngramTestSupport {

    @Test
    public void routerListsTheJavaKernelAndTheHighestRankingOneIsActive() {
        List<KernelStatus> kernels = routerListing("java").kernels();

        KernelStatus java = kernels.stream().filter(k -> k.name().equals("java")).findFirst()
                .orElseThrow(() -> new AssertionError("no java kernel among " + kernels));
        assertEquals("ranking of the java kernel", 0, java.ranking());
        assertEquals("kernels marked active in " + kernels, 1, kernels.stream().filter(KernelStatus::active).count());
        assertTrue("the first, highest ranking kernel is active: " + kernels, kernels.get(0).active());
        if (!zigKernelsProvisioned()) {
            assertEquals("kernels without the Zig bundle", List.of(java), kernels);
            assertTrue("the java kernel is active when it is alone", java.active());
        }
    }

    @Test
    public void routerComputesThroughTheActiveKernel() {
        float[] scores = routerListing("java").cosine(new float[] {1, 0}, new float[] {1, 0, 0, 1, -1, 0}, null);

        assertArrayEquals(new float[] {1, 0, -1}, scores, 1e-6f);
    }

    @Test
    public void everyKnownAnswerTestPasses() {
        List<SelfTestResult> results = routerListing("java").selfTest();

        assertFalse("the self-test ran no test", results.isEmpty());
        assertTrue("the java kernel ran the self-test: " + results,
                results.stream().anyMatch(r -> r.kernel().equals("java")));
        for (SelfTestResult result : results) {
            assertTrue(result.kernel() + ": " + result.test() + ": " + result.detail(), result.passed());
        }
    }
}
