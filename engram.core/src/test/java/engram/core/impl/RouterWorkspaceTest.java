package engram.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import engram.api.ArenaMetrics;
import engram.api.KernelFailureException;
import engram.api.KernelWorkspace;
import engram.api.OverflowStrategy;
import engram.api.WorkspaceOptions;

/**
 * A router workspace: one delegate workspace for each kernel a call reaches, made on first
 * use with the router workspace's options (or each kernel's defaults), made anew when its
 * kernel closed it; one call at a time; closing it closes its delegates.
 */
class RouterWorkspaceTest {
    private static final WorkspaceOptions OPTIONS = WorkspaceOptions.ofMebibytes(3, OverflowStrategy.ERROR);

    private final RouterComponent router = new RouterComponent();
    private final Registrations registry = new Registrations(router);
    private final FakeKernel broken = FakeKernel.failing("broken", 3f, new KernelFailureException("no scratch"));
    private final FakeKernel java = new FakeKernel("java", 1f);
    private final FakeKernel idle = new FakeKernel("idle", 0f);

    private void registerAll() {
        registry.register(broken, 200);
        registry.register(java, 100);
        registry.register(idle, 0);
    }

    @Test
    void aCallMakesOneDelegateForEachKernelItReachesOnFirstUseWithTheRouterWorkspacesOptions() {
        registerAll();
        try (KernelWorkspace workspace = router.newWorkspace(OPTIONS)) {
            assertEquals(RouterComponent.INFO.id(), workspace.kernelId());
            assertEquals(OPTIONS, workspace.options());
            assertTrue(broken.made.isEmpty() && java.made.isEmpty(), "no delegate before the first call");

            assertEquals(1f, Calls.cosine(router, workspace));
            assertEquals(1f, Calls.cosine(router, workspace));
            assertEquals(1f, Calls.cosine(router, workspace));

            assertEquals(List.of(OPTIONS), broken.optionWorkspaces, "one delegate for the kernel that failed");
            assertEquals(List.of(OPTIONS), java.optionWorkspaces, "one delegate for the kernel that served");
            assertEquals(0, broken.defaultWorkspaces.get() + java.defaultWorkspaces.get());
            assertTrue(idle.made.isEmpty(), "no delegate for a kernel no call reached");
            assertEquals(1, java.made.size(), "the calls used the delegate, not the kernel's pool");
            assertEquals(3, java.made.getFirst().calls);
        }
    }

    @Test
    void withoutOptionsEachKernelMakesItsDelegateWithItsOwnDefaults() {
        registerAll();
        try (KernelWorkspace workspace = router.newWorkspace()) {
            assertEquals(WorkspaceOptions.DEFAULT, workspace.options());
            Calls.cosine(router, workspace);

            assertEquals(1, broken.defaultWorkspaces.get());
            assertEquals(1, java.defaultWorkspaces.get());
            assertTrue(broken.optionWorkspaces.isEmpty() && java.optionWorkspaces.isEmpty());
        }
    }

    @Test
    void theMetricsOfARouterWorkspaceAreTheSumOfItsDelegates() {
        registerAll();
        try (KernelWorkspace workspace = router.newWorkspace(OPTIONS)) {
            ArenaMetrics before = workspace.metrics();
            assertEquals(0, before.capacityBytes(), "no delegate yet: " + before);

            Calls.cosine(router, workspace);
            Calls.cosine(router, workspace);

            ArenaMetrics metrics = workspace.metrics();
            ArenaMetrics delegates = ArenaMetrics.total(List.of(broken.made.getFirst().metrics(),
                    java.made.getFirst().metrics()));
            assertEquals(RouterComponent.INFO.id(), metrics.kernelId());
            assertEquals(2 * OPTIONS.capacityBytes(), metrics.capacityBytes());
            assertEquals(delegates.capacityBytes(), metrics.capacityBytes());
            assertEquals(2, metrics.resets(), "the two calls java served; broken served none");
            assertEquals(delegates.resets(), metrics.resets());
        }
    }

    @Test
    void aDelegateItsKernelClosedIsReplacedByAFreshOne() {
        registry.register(java, 0);
        try (KernelWorkspace workspace = router.newWorkspace()) {
            Calls.cosine(router, workspace);
            KernelWorkspace first = java.made.getFirst();
            java.closeWorkspacesMade();
            assertFalse(first.isOpen());

            assertEquals(1f, Calls.cosine(router, workspace));

            assertEquals(2, java.made.size(), "a fresh delegate");
            KernelWorkspace fresh = java.made.get(1);
            assertNotSame(first, fresh);
            assertTrue(fresh.isOpen());
            assertEquals(1, java.made.get(1).calls);
            assertEquals(2, Calls.listed(router, "java").callsServed());
            assertEquals(1, workspace.metrics().resets(), "the closed delegate no longer counts");
        }
    }

    @Test
    void whenAKernelStopsAndAnotherInstanceRegistersTheCallsGetADelegateOfTheNewOne() {
        long javaId = registry.register(java, 0);
        FakeKernel zig = new FakeKernel("zig", 2f);
        long zigId = registry.register(zig, 100);
        try (KernelWorkspace workspace = router.newWorkspace()) {
            assertEquals(2f, Calls.cosine(router, workspace));

            registry.unregister(zig, zigId, 100);
            zig.stop();
            assertFalse(zig.made.getFirst().isOpen(), "the stopping kernel freed its workspaces");
            assertEquals(1f, Calls.cosine(router, workspace), "java serves");

            FakeKernel restarted = new FakeKernel("zig", 2f);
            registry.register(restarted, 100);
            assertEquals(2f, Calls.cosine(router, workspace), "the new instance serves");
            assertEquals(1, restarted.made.size());
            assertEquals(1, restarted.made.getFirst().calls);
            assertEquals(1, zig.made.size(), "the stopped instance was not asked again");
            assertEquals(2 * WorkspaceOptions.DEFAULT.capacityBytes(), workspace.metrics().capacityBytes(),
                    "java's and the new zig's delegates; the freed one is gone");
            registry.unregister(java, javaId, 0);
        }
    }

    @Test
    void aForeignWorkspaceIsRefusedBeforeAnyKernelIsCalled() {
        registry.register(java, 0);
        try (KernelWorkspace otherRouters = new RouterComponent().newWorkspace();
                KernelWorkspace kernels = java.newWorkspace()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Calls.cosine(router, otherRouters));
            assertTrue(e.getMessage().contains("not made by this router"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Calls.cosine(router, kernels));
            assertEquals(0, java.calls.sum());
        }
    }

    @Test
    void aBusyRouterWorkspaceRefusesASecondCallAndItsClosing() {
        registry.register(java, 0);
        KernelWorkspace workspace = router.newWorkspace();
        AtomicReference<Throwable> secondCall = new AtomicReference<>();
        AtomicReference<Throwable> closing = new AtomicReference<>();
        java.before = () -> {
            secondCall.set(assertThrows(IllegalStateException.class, () -> Calls.cosine(router, workspace)));
            closing.set(assertThrows(IllegalStateException.class, workspace::close));
        };

        assertEquals(1f, Calls.cosine(router, workspace));

        assertNotNull(secondCall.get(), "the second call ran");
        assertTrue(secondCall.get().getMessage().contains("in use"), secondCall.get().getMessage());
        assertNotNull(closing.get(), "the close ran");
        assertTrue(workspace.isOpen(), "a refused close leaves it open");
        assertEquals(1, java.calls.sum(), "the refused call reached no kernel");
        java.before = () -> { };
        assertEquals(1f, Calls.cosine(router, workspace), "free again once the call returned");
        workspace.close();
    }

    @Test
    void closingARouterWorkspaceClosesItsDelegatesAndRefusesLaterCalls() {
        registerAll();
        KernelWorkspace workspace = router.newWorkspace(OPTIONS);
        Calls.cosine(router, workspace);
        KernelWorkspace brokenDelegate = broken.made.getFirst();
        KernelWorkspace javaDelegate = java.made.getFirst();
        assertTrue(brokenDelegate.isOpen() && javaDelegate.isOpen());

        workspace.close();

        assertFalse(workspace.isOpen());
        assertFalse(brokenDelegate.isOpen(), "the failed kernel's delegate is closed");
        assertFalse(javaDelegate.isOpen(), "the serving kernel's delegate is closed");
        workspace.close();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Calls.cosine(router, workspace));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertEquals(0, workspace.metrics().capacityBytes());
    }

    @Test
    void newWorkspaceRefusesNullOptions() {
        assertThrows(IllegalArgumentException.class, () -> router.newWorkspace(null));
    }
}
