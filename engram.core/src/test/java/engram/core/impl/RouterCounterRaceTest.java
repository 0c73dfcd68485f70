package engram.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;

import engram.api.KernelStatus;

/**
 * The counter race: calls run through the router while other threads bind, re-rank and
 * unbind extra kernels. A kernel that registers in the middle of it and stays registered
 * must end with the router's count of its calls equal to its own count. (In the first design
 * a call re-ranked the snapshot of registrations it had read and kept only the counters of
 * that snapshot's kernels, so a call holding a snapshot from before a kernel registered
 * deleted that newer kernel's counter, and its calls went uncounted.)
 *
 * <p>The overlap is not left to chance: steady registers only once the churners have made
 * {@value #STEADY_REGISTERS_AFTER_CYCLES} registration changes with calls running; the
 * callers keep calling until the churners have made {@value #MIN_CHURN_CYCLES} and steady
 * has served {@value #MIN_STEADY_CALLS} calls itself; and the churners keep changing
 * registrations until every caller is done.
 */
class RouterCounterRaceTest {
    private static final int CALLERS = 8;
    private static final int CHURNERS = 3;
    private static final int MIN_CALLS_PER_CALLER = 20_000;
    private static final int MIN_CHURN_CYCLES = 3_000;
    private static final int STEADY_REGISTERS_AFTER_CYCLES = 500;
    /** How many extra kernels each churner keeps registered at once, at most. */
    private static final int KEPT_PER_CHURNER = 3;
    /** Steady ranks 50; an extra of 100 takes the calls while it is registered, so it comes rarely. */
    private static final int[] RANKINGS = {-10, 0, 0, 50, 50, 50, 75, 100};
    /** The callers also go on until steady has served this many calls itself. */
    private static final int MIN_STEADY_CALLS = 10_000;
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aKernelThatRegistersDuringTheChurnCountsEveryCallItServedWhileOthersComeAndGo() throws Exception {
        RouterComponent router = new RouterComponent();
        Registrations registry = new Registrations(router);
        FakeKernel steady = new FakeKernel("steady", 1f);
        // A kernel from the start, so that the first calls are served while steady is not there yet.
        FakeKernel early = new FakeKernel("early", 0f);
        registry.register(early, -20);
        CountDownLatch churned = new CountDownLatch(1);

        List<FakeKernel> extras = new CopyOnWriteArrayList<>();
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicLong churnCycles = new AtomicLong();
        AtomicBoolean callersDone = new AtomicBoolean();
        AtomicBoolean abort = new AtomicBoolean();
        LongAdder callsMade = new LongAdder();
        CyclicBarrier start = new CyclicBarrier(CALLERS + CHURNERS);
        List<Thread> callers = new ArrayList<>();
        List<Thread> churners = new ArrayList<>();

        for (int t = 0; t < CALLERS; t++) {
            callers.add(Thread.ofPlatform().name("caller-" + t).start(() -> {
                try {
                    start.await();
                    long made = 0;
                    while ((made < MIN_CALLS_PER_CALLER || churnCycles.get() < MIN_CHURN_CYCLES
                            || steady.served.sum() < MIN_STEADY_CALLS) && !abort.get()) {
                        Calls.cosine(router);
                        made++;
                    }
                    callsMade.add(made);
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (int t = 0; t < CHURNERS; t++) {
            int churner = t;
            churners.add(Thread.ofPlatform().name("churner-" + t).start(() -> {
                SplittableRandom random = new SplittableRandom(churner);
                Deque<long[]> kept = new ArrayDeque<>();
                Deque<FakeKernel> keptKernels = new ArrayDeque<>();
                try {
                    start.await();
                    for (int cycle = 0; !callersDone.get(); cycle++) {
                        FakeKernel extra = new FakeKernel("extra-" + churner + "-" + cycle, 10f + churner);
                        extras.add(extra);
                        int ranking = RANKINGS[random.nextInt(RANKINGS.length)];
                        long id = registry.register(extra, ranking);
                        kept.addLast(new long[] {id, ranking});
                        keptKernels.addLast(extra);
                        if (random.nextBoolean()) {
                            long[] some = kept.peekFirst();
                            int newRanking = RANKINGS[random.nextInt(RANKINGS.length)];
                            registry.update(keptKernels.peekFirst(), some[0], newRanking);
                            some[1] = newRanking;
                        }
                        if (kept.size() > KEPT_PER_CHURNER) {
                            long[] oldest = kept.removeFirst();
                            registry.unregister(keptKernels.removeFirst(), oldest[0], (int) oldest[1]);
                        }
                        if (churnCycles.incrementAndGet() == STEADY_REGISTERS_AFTER_CYCLES) {
                            churned.countDown();
                        }
                    }
                    while (!kept.isEmpty()) {
                        long[] oldest = kept.removeFirst();
                        registry.unregister(keptKernels.removeFirst(), oldest[0], (int) oldest[1]);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }

        try {
            assertTrue(churned.await(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "the churn began");
            registry.register(steady, 50);
            for (Thread caller : callers) {
                assertTrue(caller.join(JOIN_TIMEOUT), () -> "the callers did not finish within " + JOIN_TIMEOUT
                        + ": steady served " + steady.served.sum() + " calls of the " + MIN_STEADY_CALLS
                        + " they wait for, and the router lists " + router.kernels().stream().map(KernelStatus::id)
                                .toList());
            }
        } finally {
            abort.set(true);
            for (Thread caller : callers) {
                caller.join(JOIN_TIMEOUT);
            }
            callersDone.set(true);
            for (Thread churner : churners) {
                assertTrue(churner.join(JOIN_TIMEOUT), churner.getName() + " finished");
            }
        }

        assertTrue(errors.isEmpty(), "no thread failed: " + errors);
        assertTrue(churnCycles.get() >= MIN_CHURN_CYCLES, "registrations changed while the calls ran: "
                + churnCycles.get());
        List<KernelStatus> kernels = router.kernels();
        assertEquals(List.of("steady", "early"), kernels.stream().map(KernelStatus::id).toList(),
                "only steady and early are left");
        long steadyOwn = steady.served.sum();
        assertTrue(steadyOwn >= MIN_STEADY_CALLS, "steady served calls: " + steadyOwn);
        assertEquals(steadyOwn, kernels.getFirst().callsServed(),
                "the router counted exactly the calls steady served, of " + callsMade.sum());
        assertEquals(0, kernels.getFirst().failures());
        assertEquals(early.served.sum(), kernels.get(1).callsServed(), "and for early, registered from the start");
        long extrasOwn = extras.stream().mapToLong(k -> k.served.sum()).sum();
        assertEquals(callsMade.sum(), steadyOwn + early.served.sum() + extrasOwn, "every call was served once");
        assertFalse(extras.isEmpty());
    }
}
