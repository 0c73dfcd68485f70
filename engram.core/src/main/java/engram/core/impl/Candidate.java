package engram.core.impl;

import java.util.concurrent.atomic.LongAdder;

import engram.api.KernelInfo;
import engram.api.KernelService;
import engram.api.KernelStatus;

/**
 * One registered kernel as the router calls it: the service, its ranking and service id, and
 * the counts of what it served and failed. A registration keeps its one candidate (and so its
 * counters) for as long as it lasts, whatever else registers or leaves.
 */
final class Candidate {
    /** How long after logging a kernel's failure the router counts further ones before logging again. */
    static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

    final KernelService kernel;
    final long serviceId;
    private final LongAdder served = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile int ranking;
    private volatile String lastFailure = "";
    private long lastLoggedNanos;
    private long unlogged;
    private boolean everLogged;

    Candidate(KernelService kernel, int ranking, long serviceId) {
        this.kernel = kernel;
        this.ranking = ranking;
        this.serviceId = serviceId;
    }

    int ranking() {
        return ranking;
    }

    void ranking(int newRanking) {
        ranking = newRanking;
    }

    void served() {
        served.increment();
    }

    /**
     * Counts a failure that the router hands on and says what to log: the message, with the
     * failures held back since the last line, or null while within {@link #LOG_INTERVAL_NANOS}.
     */
    String failed(String message, long nowNanos) {
        failures.increment();
        lastFailure = message;
        synchronized (this) {
            if (everLogged && nowNanos - lastLoggedNanos < LOG_INTERVAL_NANOS) {
                unlogged++;
                return null;
            }
            String line = message + (unlogged > 0 ? " (and " + unlogged + " more failures of this kernel since"
                    + " the last report)" : "");
            everLogged = true;
            lastLoggedNanos = nowNanos;
            unlogged = 0;
            return line;
        }
    }

    KernelStatus status(boolean active) {
        KernelInfo info = kernel.info();
        return new KernelStatus(info.id(), info.name(), info.version(), ranking, info.instructionSet(), served.sum(),
                failures.sum(), lastFailure, active);
    }
}
