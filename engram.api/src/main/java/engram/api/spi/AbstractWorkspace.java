package engram.api.spi;

import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.annotation.versioning.ConsumerType;

import engram.api.KernelUnavailableException;
import engram.api.KernelWorkspace;
import engram.api.WorkspaceOptions;

/**
 * A workspace that serves one call at a time: {@link #enter()} takes it for a call (and
 * refuses a second call, or a closed workspace, before anything is touched), {@link #exit()}
 * gives it back, and {@link #close()} frees it once, never under a running call. Made and
 * tracked by {@link Workspaces}.
 */
@ConsumerType
public abstract class AbstractWorkspace implements KernelWorkspace {
    private static final int IDLE = 0;
    private static final int BUSY = 1;
    /** Being freed by whoever closed it; {@link #awaitClosed()} waits for the end of it. */
    private static final int FREEING = 2;
    private static final int CLOSED = 3;

    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final String kernelId;
    private final String name;
    private final WorkspaceOptions options;
    private volatile boolean closedByStop;
    volatile Workspaces<?> owner;

    protected AbstractWorkspace(String kernelId, String name, WorkspaceOptions options) {
        this.kernelId = kernelId;
        this.name = name;
        this.options = options;
    }

    /** Its name, such as {@code workspace-3} or {@code pool-1}. */
    public final String name() {
        return name;
    }

    @Override
    public final String kernelId() {
        return kernelId;
    }

    @Override
    public final WorkspaceOptions options() {
        return options;
    }

    /**
     * Takes the workspace for one call; pair with {@link #exit()}.
     *
     * @throws KernelUnavailableException if its kernel stopped and freed it
     * @throws IllegalArgumentException if its owner closed it
     * @throws IllegalStateException if another call is using it
     */
    public final void enter() {
        if (state.compareAndSet(IDLE, BUSY)) {
            return;
        }
        int now = state.get();
        if (now == CLOSED || now == FREEING) {
            if (closedByStop) {
                throw new KernelUnavailableException(name + " of " + kernelId + " was freed when its kernel stopped;"
                        + " make a new workspace (a router workspace does so by itself)");
            }
            throw new IllegalArgumentException(name + " of " + kernelId + " is closed; make a new one with"
                    + " newWorkspace()");
        }
        throw new IllegalStateException(name + " of " + kernelId + " is in use by another call; a workspace serves"
                + " one call at a time, so give each thread its own");
    }

    /**
     * Ends the call that {@link #enter()} began. A release store, not a volatile one: it
     * publishes the call's writes to whoever takes the workspace next (their compare-and-set
     * reads it), and nothing this thread does afterwards has to wait for it, so the fence of a
     * volatile store (on x86 a locked instruction, a sizeable part of a small call) is not paid.
     * A stop that polls {@link #isBusy()} sees it a moment later at most.
     */
    public final void exit() {
        state.setRelease(IDLE);
    }

    @Override
    public final boolean isOpen() {
        int now = state.get();
        return now == IDLE || now == BUSY;
    }

    /** Whether a call holds it now (between {@link #enter()} and {@link #exit()}). */
    public final boolean isBusy() {
        return state.get() == BUSY;
    }

    /** Whether its kernel freed it on stopping. */
    public final boolean isClosedByStop() {
        return !isOpen() && closedByStop;
    }

    @Override
    public final void close() {
        if (!tryClose()) {
            throw new IllegalStateException(name + " of " + kernelId + " is in use by a call; close it when the call"
                    + " has returned");
        }
    }

    /** Closes the workspace unless a call is using it; true if it is closed now (or being freed by another thread). */
    final boolean tryClose() {
        return tryClose(false);
    }

    private boolean tryClose(boolean byStop) {
        while (true) {
            int s = state.get();
            if (s == CLOSED || s == FREEING) {
                return true;
            }
            if (s == BUSY) {
                return false;
            }
            if (state.compareAndSet(IDLE, FREEING)) {
                closedByStop = byStop;
                try {
                    free();
                } finally {
                    synchronized (state) {
                        state.set(CLOSED);
                        state.notifyAll();
                    }
                    Workspaces<?> workspaces = owner;
                    if (workspaces != null) {
                        workspaces.forget(this);
                    }
                }
                return true;
            }
        }
    }

    /**
     * Closes on behalf of the kernel, which is stopping and has no call in flight, and waits
     * until the workspace's memory is freed, also when its owner is closing it at the same time.
     *
     * @return false if a call is using it
     */
    final boolean closeForStop() {
        if (!tryClose(true)) {
            return false;
        }
        awaitClosed();
        return true;
    }

    /** Waits while another thread frees the workspace: the kernel must not unload what it is freeing with. */
    private void awaitClosed() {
        boolean interrupted = false;
        synchronized (state) {
            while (state.get() == FREEING) {
                try {
                    state.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Frees the workspace's memory; runs once, with no call using it. */
    protected abstract void free();

    @Override
    public String toString() {
        return name + " of " + kernelId + " (" + options + (isOpen() ? "" : ", closed") + ")";
    }
}
