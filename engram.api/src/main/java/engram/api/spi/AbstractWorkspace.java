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
    private static final int CLOSED = 2;

    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final String kernelId;
    private final String name;
    private final WorkspaceOptions options;
    private volatile boolean closedByStop;
    Workspaces<?> owner;

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
        if (state.get() == CLOSED) {
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

    /** Ends the call that {@link #enter()} began. */
    public final void exit() {
        state.set(IDLE);
    }

    @Override
    public final boolean isOpen() {
        return state.get() != CLOSED;
    }

    /** Whether its kernel freed it on stopping. */
    public final boolean isClosedByStop() {
        return state.get() == CLOSED && closedByStop;
    }

    @Override
    public final void close() {
        if (!tryClose()) {
            throw new IllegalStateException(name + " of " + kernelId + " is in use by a call; close it when the call"
                    + " has returned");
        }
    }

    /** Closes the workspace unless a call is using it; true if it is closed now. */
    final boolean tryClose() {
        while (true) {
            int s = state.get();
            if (s == CLOSED) {
                return true;
            }
            if (s == BUSY) {
                return false;
            }
            if (state.compareAndSet(IDLE, CLOSED)) {
                try {
                    free();
                } finally {
                    if (owner != null) {
                        owner.forget(this);
                    }
                }
                return true;
            }
        }
    }

    /** Closes on behalf of the kernel, which is stopping and has no call in flight. */
    final boolean closeForStop() {
        closedByStop = true;
        return tryClose();
    }

    /** Frees the workspace's memory; runs once, with no call using it. */
    protected abstract void free();

    @Override
    public String toString() {
        return name + " of " + kernelId + " (" + options + (isOpen() ? "" : ", closed") + ")";
    }
}
