package engram.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import engram.api.ArenaMetrics;
import engram.api.KernelService;
import engram.api.KernelStatus;
import engram.api.KernelWorkspace;
import engram.api.KnownAnswers;
import engram.api.SelfTestResult;
import engram.api.WorkspaceOptions;

/** What the router reports over its ranked kernels: kernels(), selfTest() and arenaMetrics(). */
class RouterKernelsTest {
    private final RouterComponent router = new RouterComponent();
    private final Registrations registry = new Registrations(router);

    @Test
    void theRouterIsNoKernelOfItsOwnAndSaysSo() {
        assertEquals("engram.core/router", router.info().id());
        assertTrue(router.kernels().isEmpty());
        assertTrue(router.selfTest().isEmpty());
        assertTrue(router.arenaMetrics().isEmpty());
    }

    @Test
    void kernelsListsEveryKernelBestFirstWithItsIdentityAndOnlyTheFirstActive() {
        KernelService java = Calls.referenceKernels();
        registry.register(java, 0);
        registry.register(new FakeKernel("zig", 2f), 100);
        Calls.cosine(router);

        List<KernelStatus> kernels = router.kernels();
        assertEquals(2, kernels.size());
        assertEquals(new KernelStatus("zig", "zig", "1.0.0", 100, "fake (zig)", 1, 0, "", true), kernels.get(0));
        KernelStatus javaStatus = kernels.get(1);
        assertEquals(java.info().id(), javaStatus.id());
        assertEquals(java.info().name(), javaStatus.name());
        assertEquals(java.info().version(), javaStatus.version());
        assertEquals(java.info().instructionSet(), javaStatus.instructionSet());
        assertEquals(0, javaStatus.ranking());
        assertFalse(javaStatus.active());
    }

    @Test
    void selfTestRunsTheKnownAnswersOnEveryKernelInRankingOrder() {
        KernelService java = Calls.referenceKernels();
        registry.register(java, 0);
        registry.register(new FakeKernel("computes-nothing", 2f), 100);

        List<SelfTestResult> results = router.selfTest();

        int perKernel = KnownAnswers.run(java).size();
        assertEquals(2 * perKernel, results.size());
        List<String> expectedKernels = new ArrayList<>();
        for (int i = 0; i < perKernel; i++) {
            expectedKernels.add("computes-nothing");
        }
        for (int i = 0; i < perKernel; i++) {
            expectedKernels.add("reference");
        }
        assertEquals(expectedKernels, results.stream().map(SelfTestResult::kernel).toList());
        // The router runs the tests and reports each outcome as it is; whether they pass is the kernels' matter.
        assertEquals(KnownAnswers.run(java), results.subList(perKernel, 2 * perKernel),
                "the Java kernels' outcomes, as running the tests on them directly gives them");
        assertTrue(results.subList(0, perKernel).stream().anyMatch(r -> !r.passed()),
                "a kernel that computes nothing fails");
    }

    @Test
    void arenaMetricsIsTheUnionOfTheKernelsListsInRankingOrder() {
        FakeKernel zig = new FakeKernel("zig", 2f);
        FakeKernel java = new FakeKernel("java", 1f);
        FakeKernel gone = new FakeKernel("gone", 3f);
        registry.register(java, 0);
        registry.register(zig, 100);
        long goneId = registry.register(gone, 50);
        try (KernelWorkspace a = zig.newWorkspace(); KernelWorkspace b = zig.newWorkspace(
                WorkspaceOptions.ofMebibytes(2, WorkspaceOptions.DEFAULT_OVERFLOW));
                KernelWorkspace c = java.newWorkspace(); KernelWorkspace d = gone.newWorkspace()) {
            registry.unregister(gone, goneId, 50);
            Calls.cosine(router);

            List<ArenaMetrics> expected = new ArrayList<>(zig.arenaMetrics());
            expected.addAll(java.arenaMetrics());
            List<ArenaMetrics> metrics = router.arenaMetrics();
            assertEquals(expected, metrics);
            assertEquals(4, metrics.size(), "zig's two and its pool's one, java's one: " + metrics);
            assertTrue(metrics.stream().noneMatch(m -> m.kernelId().equals("gone")), "no kernel that left");
            assertTrue(a.isOpen() && b.isOpen() && c.isOpen() && d.isOpen());
        }
    }
}
