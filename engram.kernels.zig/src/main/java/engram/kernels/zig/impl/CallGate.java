package engram.kernels.zig.impl;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the calls in flight on a kernel and, once closed, refuses new ones, so the
 * native library is unloaded only when no call is using it.
 */
final class CallGate {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object drained = new Object();
    private volatile boolean closed;

    /** Takes a lease for one call; false once the gate is closed. Pair a true result with {@link #exit()}. */
    boolean enter() {
        inFlight.incrementAndGet();
        if (closed) {
            exit();
            return false;
        }
        return true;
    }

    void exit() {
        if (inFlight.decrementAndGet() == 0 && closed) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    int inFlight() {
        return inFlight.get();
    }

    /**
     * Refuses new calls, then waits until the calls in flight have finished, reporting each
     * {@code reportEveryMillis} to {@code progress} while it waits.
     */
    void closeAndDrain(long reportEveryMillis, java.util.function.IntConsumer progress) throws InterruptedException {
        closed = true;
        synchronized (drained) {
            while (inFlight.get() > 0) {
                long before = System.nanoTime();
                drained.wait(reportEveryMillis);
                if (inFlight.get() > 0
                        && System.nanoTime() - before >= TimeUnit.MILLISECONDS.toNanos(reportEveryMillis)) {
                    progress.accept(inFlight.get());
                }
            }
        }
    }
}
