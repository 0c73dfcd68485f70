package engram.kernels.zig.impl;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;

/**
 * Admits calls to a kernel and, once closed, refuses new ones, so the native library is
 * unloaded only when no call is using it. A kernel call holds no lease of its own: it takes
 * its workspace first (a compare-and-set on the workspace's state) and then checks
 * {@link #isClosed()}, and {@link #closeAndDrain} waits until no workspace is held, so a call
 * costs no atomic operation here. The rarer calls that use the library without a workspace
 * (making one) take a counted lease with {@link #enter()} and {@link #exit()}.
 */
final class CallGate {
    /** How often a stop looks again whether the calls in flight have ended. */
    private static final long POLL_MILLIS = 1;

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    /** Takes a counted lease; false once the gate is closed. Pair a true result with {@link #exit()}. */
    boolean enter() {
        inFlight.incrementAndGet();
        if (closed) {
            exit();
            return false;
        }
        return true;
    }

    void exit() {
        inFlight.decrementAndGet();
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Refuses new calls, then waits until the counted leases are back and {@code callsRunning}
     * (the calls holding a workspace) is 0, reporting how many of both are still out each
     * {@code reportEveryMillis} to {@code progress} while it waits.
     */
    void closeAndDrain(long reportEveryMillis, IntSupplier callsRunning, IntConsumer progress)
            throws InterruptedException {
        closed = true;
        long reportEvery = TimeUnit.MILLISECONDS.toNanos(reportEveryMillis);
        long lastReport = System.nanoTime();
        while (true) {
            int running = inFlight.get() + callsRunning.getAsInt();
            if (running == 0) {
                return;
            }
            if (System.nanoTime() - lastReport >= reportEvery) {
                progress.accept(running);
                lastReport = System.nanoTime();
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
