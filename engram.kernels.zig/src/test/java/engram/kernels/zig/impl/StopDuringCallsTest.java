package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelUnavailableException;
import engram.api.KernelWorkspace;

/**
 * A stop while calls run on the caller's own workspaces (which take no lease of the call
 * gate) and on borrowed ones (which do): every call either completes with the right answer or
 * is refused with {@link KernelUnavailableException}, and the stop frees every arena before
 * it unloads the library, also those a call took just as the gate closed.
 */
class StopDuringCallsTest {
    private static final int ROUNDS = 40;
    private static final int OWNED_THREADS = 3;
    private static final int BORROWING_THREADS = 1;
    private static final DecayParams HALF_LIFE_10_S = DecayParams.of(new DecayCurve.Exponential(10));

    @Test
    void everyCallAnswersOrIsRefusedAndTheStopFreesEveryArena() throws Exception {
        int completed = 0;
        int refused = 0;
        for (int round = 0; round < ROUNDS; round++) {
            ZigKernels zig = NativeLibraries.load();
            AtomicReference<Throwable> wrong = new AtomicReference<>();
            AtomicInteger done = new AtomicInteger();
            AtomicInteger refusals = new AtomicInteger();
            int threads = OWNED_THREADS + BORROWING_THREADS;
            CountDownLatch running = new CountDownLatch(threads);
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                boolean owned = t < OWNED_THREADS;
                callers.add(Thread.ofPlatform().start(() -> call(zig, owned, running, done, refusals, wrong)));
            }
            running.await();
            zig.close();
            for (Thread caller : callers) {
                caller.join();
            }
            if (wrong.get() != null) {
                throw new AssertionError("round " + round + ": a call failed otherwise than refused", wrong.get());
            }
            ZigKernels.CloseReport report = zig.closeReport();
            assertNotNull(report, "round " + round);
            assertEquals(0, report.liveArenas(), "round " + round + ": arenas left mapped as the library went");
            assertEquals(0, zig.openWorkspaces(), "round " + round);
            completed += done.get();
            refused += refusals.get();
        }
        assertTrue(completed > 0 && refused >= ROUNDS * OWNED_THREADS, completed + " calls completed, " + refused
                + " refused: every caller must have been running when its kernel stopped");
    }

    /** Decays one memory of age 10 s until the kernel refuses, checking each answer. */
    private static void call(ZigKernels zig, boolean owned, CountDownLatch running, AtomicInteger done,
            AtomicInteger refusals, AtomicReference<Throwable> wrong) {
        KernelWorkspace workspace = null;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment strength = arena.allocate(ValueLayout.JAVA_FLOAT);
            MemorySegment age = arena.allocate(ValueLayout.JAVA_FLOAT);
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT);
            strength.set(ValueLayout.JAVA_FLOAT, 0, 1f);
            age.set(ValueLayout.JAVA_FLOAT, 0, 10f);
            workspace = owned ? zig.newWorkspace() : null;
            running.countDown();
            while (true) {
                out.set(ValueLayout.JAVA_FLOAT, 0, -1f);
                zig.decay(workspace, strength, age, null, 1, HALF_LIFE_10_S, out);
                if (out.get(ValueLayout.JAVA_FLOAT, 0) != 0.5f) {
                    throw new AssertionError("decay gave " + out.get(ValueLayout.JAVA_FLOAT, 0) + ", not 0.5");
                }
                done.incrementAndGet();
            }
        } catch (KernelUnavailableException e) {
            refusals.incrementAndGet();
        } catch (Throwable e) {
            wrong.compareAndSet(null, e);
        } finally {
            if (workspace != null) {
                try {
                    workspace.close();
                } catch (RuntimeException e) {
                    wrong.compareAndSet(null, e);
                }
            }
        }
    }
}
