package engram.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import engram.api.ArenaMetrics;
import engram.api.KernelUnavailableException;
import engram.api.KernelWorkspace;
import engram.api.OverflowStrategy;
import engram.api.WorkspaceOptions;

/** {@link Workspaces} and {@link AbstractWorkspace}: one call at a time, the pool, closing and stopping. */
class WorkspacesTest {

    /** A workspace that counts how often it was freed. */
    static final class CountingWorkspace extends AbstractWorkspace {
        int freed;

        CountingWorkspace(String kernelId, String name, WorkspaceOptions options) {
            super(kernelId, name, options);
        }

        @Override
        public ArenaMetrics metrics() {
            return new ArenaMetrics(kernelId(), name(), "heap", 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        protected void free() {
            freed++;
        }
    }

    private static Workspaces<CountingWorkspace> workspaces(String kernelId) {
        return new Workspaces<>(kernelId, CountingWorkspace.class, WorkspaceOptions.DEFAULT,
                (name, options) -> new CountingWorkspace(kernelId, name, options));
    }

    @Test
    void createdWorkspacesAreNamedAndTracked() {
        Workspaces<CountingWorkspace> all = workspaces("test/k");
        WorkspaceOptions options = WorkspaceOptions.ofMebibytes(4, OverflowStrategy.ERROR);
        CountingWorkspace first = all.create(options);
        CountingWorkspace second = all.create(WorkspaceOptions.DEFAULT);
        assertEquals("workspace-1", first.name());
        assertEquals("workspace-2", second.name());
        assertEquals("test/k", first.kernelId());
        assertSame(options, first.options());
        assertEquals(2, all.openCount());
        assertEquals(List.of("workspace-1", "workspace-2"), all.metrics().stream().map(ArenaMetrics::workspace)
                .toList());
        first.close();
        assertEquals(1, all.openCount(), "closing forgets it");
        assertEquals(List.of("workspace-2"), all.metrics().stream().map(ArenaMetrics::workspace).toList());
        assertSame(WorkspaceOptions.DEFAULT, all.defaults());
    }

    @Test
    void createRefusesMissingOptions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> workspaces("k").create(null));
        assertTrue(e.getMessage().contains("options is null"), e.getMessage());
    }

    @Test
    void aWorkspaceServesOneCallAtATime() {
        CountingWorkspace w = workspaces("test/k").create(WorkspaceOptions.DEFAULT);
        w.enter();
        IllegalStateException busy = assertThrows(IllegalStateException.class, w::enter);
        assertTrue(busy.getMessage().contains("in use by another call"), busy.getMessage());
        IllegalStateException closing = assertThrows(IllegalStateException.class, w::close);
        assertTrue(closing.getMessage().contains("in use by a call"), closing.getMessage());
        assertTrue(w.isOpen(), "not closed under a call");
        assertEquals(0, w.freed);
        w.exit();
        w.enter();
        w.exit();
        w.close();
        assertFalse(w.isOpen());
        assertEquals(1, w.freed);
        w.close();
        assertEquals(1, w.freed, "closing a closed workspace does nothing");
        IllegalArgumentException closed = assertThrows(IllegalArgumentException.class, w::enter);
        assertTrue(closed.getMessage().contains("is closed"), closed.getMessage());
        assertFalse(w.isClosedByStop());
        assertTrue(w.toString().contains("closed"), w.toString());
    }

    @Test
    void theOwnersWorkspaceIsTakenAsItIsAndOthersAreRefused() {
        Workspaces<CountingWorkspace> mine = workspaces("test/k");
        Workspaces<CountingWorkspace> sameKernelOtherInstance = workspaces("test/k");
        Workspaces<CountingWorkspace> otherKernel = workspaces("test/other");
        CountingWorkspace w = mine.create(WorkspaceOptions.DEFAULT);
        assertSame(w, mine.ownOrBorrow(w));
        IllegalArgumentException instance = assertThrows(IllegalArgumentException.class,
                () -> sameKernelOtherInstance.ownOrBorrow(w));
        assertTrue(instance.getMessage().contains("another instance of it"), instance.getMessage());
        IllegalArgumentException kernel = assertThrows(IllegalArgumentException.class,
                () -> otherKernel.ownOrBorrow(w));
        assertTrue(kernel.getMessage().contains("made by kernel test/k"), kernel.getMessage());
        assertTrue(kernel.getMessage().contains("not by test/other"), kernel.getMessage());
        KernelWorkspace foreign = new CountingWorkspace("test/k", "stray", WorkspaceOptions.DEFAULT);
        assertThrows(IllegalArgumentException.class, () -> mine.ownOrBorrow(foreign), "made by no registry");
    }

    @Test
    void callsWithoutAWorkspaceReuseThePool() {
        Workspaces<CountingWorkspace> all = workspaces("test/k");
        CountingWorkspace borrowed = all.ownOrBorrow(null);
        assertEquals("pool-1", borrowed.name());
        all.giveBackIfBorrowed(null, borrowed);
        assertSame(borrowed, all.ownOrBorrow(null), "given back and borrowed again");
        all.giveBackIfBorrowed(null, borrowed);
        assertEquals(1, all.openCount());
        CountingWorkspace own = all.create(WorkspaceOptions.DEFAULT);
        all.giveBackIfBorrowed(own, own);
        assertNotSame(own, all.ownOrBorrow(null), "a caller's workspace never goes to the pool");
    }

    @Test
    void thePoolKeepsEightAndClosesTheRest() {
        Workspaces<CountingWorkspace> all = workspaces("test/k");
        List<CountingWorkspace> borrowed = new ArrayList<>();
        for (int i = 0; i < Workspaces.POOL_SIZE + 2; i++) {
            borrowed.add(all.ownOrBorrow(null));
        }
        Set<CountingWorkspace> distinct = new HashSet<>(borrowed);
        assertEquals(Workspaces.POOL_SIZE + 2, distinct.size(), "concurrent borrowers get workspaces of their own");
        for (CountingWorkspace w : borrowed) {
            all.giveBackIfBorrowed(null, w);
        }
        assertEquals(Workspaces.POOL_SIZE, all.openCount());
        assertEquals(2, borrowed.stream().filter(w -> !w.isOpen()).count(), "the two beyond the pool are closed");
        Set<CountingWorkspace> again = new HashSet<>();
        for (int i = 0; i < Workspaces.POOL_SIZE; i++) {
            again.add(all.ownOrBorrow(null));
        }
        assertTrue(distinct.containsAll(again), "the pool serves its own again");
        assertTrue(again.stream().allMatch(CountingWorkspace::isOpen));
    }

    @Test
    void closeAllFreesEveryWorkspaceAndRefusesNewOnes() {
        Workspaces<CountingWorkspace> all = workspaces("test/k");
        CountingWorkspace own = all.create(WorkspaceOptions.DEFAULT);
        CountingWorkspace pooled = all.ownOrBorrow(null);
        all.giveBackIfBorrowed(null, pooled);
        assertEquals(2, all.closeAll());
        assertEquals(0, all.openCount());
        assertEquals(List.of(), all.metrics());
        assertEquals(1, own.freed);
        assertEquals(1, pooled.freed);
        assertTrue(own.isClosedByStop());
        KernelUnavailableException stopped = assertThrows(KernelUnavailableException.class, own::enter);
        assertTrue(stopped.getMessage().contains("freed when its kernel stopped"), stopped.getMessage());
        assertThrows(KernelUnavailableException.class, () -> all.create(WorkspaceOptions.DEFAULT));
        assertThrows(KernelUnavailableException.class, () -> all.ownOrBorrow(null));
        assertEquals(0, all.openCount(), "what it refused to make it did not keep");
    }

    @Test
    void closeAllLeavesAWorkspaceInUseToItsCall() {
        Workspaces<CountingWorkspace> all = workspaces("test/k");
        CountingWorkspace busy = all.create(WorkspaceOptions.DEFAULT);
        busy.enter();
        assertEquals(0, all.closeAll(), "never freed under a running call");
        assertEquals(0, busy.freed);
        busy.exit();
        busy.close();
        assertEquals(1, busy.freed);
    }

    /** A workspace whose free() waits until the test lets it finish. */
    static final class SlowWorkspace extends AbstractWorkspace {
        final CountDownLatch freeing = new CountDownLatch(1);
        final CountDownLatch mayFinish = new CountDownLatch(1);
        volatile boolean freed;

        SlowWorkspace(String kernelId, String name, WorkspaceOptions options) {
            super(kernelId, name, options);
        }

        @Override
        public ArenaMetrics metrics() {
            return new ArenaMetrics(kernelId(), name(), "native", 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        protected void free() {
            freeing.countDown();
            try {
                mayFinish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            freed = true;
        }
    }

    @Test
    void aStopWaitsForAnOwnerWhoIsFreeingItsWorkspaceAtTheSameMoment() throws Exception {
        Workspaces<SlowWorkspace> all = new Workspaces<>("test/slow", SlowWorkspace.class, WorkspaceOptions.DEFAULT,
                (name, options) -> new SlowWorkspace("test/slow", name, options));
        SlowWorkspace workspace = all.create(WorkspaceOptions.DEFAULT);
        Thread owner = Thread.ofPlatform().start(workspace::close);
        workspace.freeing.await();
        assertFalse(workspace.isOpen(), "being freed: no call may take it");
        AtomicBoolean stopReturned = new AtomicBoolean();
        Thread stop = Thread.ofPlatform().start(() -> {
            all.closeAll();
            stopReturned.set(true);
        });
        // The stop must not return (and the kernel unload what free() is using) before free() ends.
        stop.join(200);
        assertFalse(stopReturned.get(), "closeAll returned while the owner's free() was running");
        workspace.mayFinish.countDown();
        stop.join();
        owner.join();
        assertTrue(stopReturned.get());
        assertTrue(workspace.freed);
        assertEquals(0, all.openCount());
    }

    @Test
    void aWorkspaceInUseWhenTheKernelStopsIsFreedWhenItsCallEnds() {
        Workspaces<CountingWorkspace> all = workspaces("test/busy");
        CountingWorkspace workspace = all.create(WorkspaceOptions.DEFAULT);
        CountingWorkspace taken = all.take(workspace);
        assertEquals(0, all.closeAll(), "a workspace in use is not freed under its call");
        assertTrue(taken.isOpen());
        all.release(workspace, taken);
        assertFalse(taken.isOpen(), "freed when its call ended");
        assertEquals(1, taken.freed);
        assertThrows(KernelUnavailableException.class, taken::enter, "later calls are told the kernel stopped");
    }
}
