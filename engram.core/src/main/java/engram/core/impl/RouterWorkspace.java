package engram.core.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import engram.api.ArenaMetrics;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.WorkspaceOptions;

/**
 * A workspace of the router: one workspace of each kernel a call has gone to, made on the
 * first call there with the router workspace's options, and made anew when a kernel freed it
 * (it stopped, and came back). Serves one call at a time, like every workspace.
 */
final class RouterWorkspace implements KernelWorkspace {
    static final String KERNEL_ID = RouterComponent.INFO.id();
    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int CLOSED = 2;

    private final RouterComponent router;
    private final String name;
    /** The options for every kernel, or null for each kernel's own defaults. */
    private final WorkspaceOptions options;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    // Written only by the call that holds the workspace; read by metrics under this lock.
    private KernelService[] kernels = new KernelService[2];
    private KernelWorkspace[] delegates = new KernelWorkspace[2];
    private int count;

    RouterWorkspace(RouterComponent router, String name, WorkspaceOptions options) {
        this.router = router;
        this.name = name;
        this.options = options;
    }

    boolean ownedBy(RouterComponent owner) {
        return router == owner;
    }

    void enter() {
        if (state.compareAndSet(IDLE, BUSY)) {
            return;
        }
        if (state.get() == CLOSED) {
            throw new IllegalArgumentException(name + " of the router is closed; make a new one with newWorkspace()");
        }
        throw new IllegalStateException(name + " of the router is in use by another call; a workspace serves one call"
                + " at a time, so give each thread its own");
    }

    void exit() {
        state.set(IDLE);
    }

    /** This workspace's workspace of {@code kernel}, made now if it has none or its kernel freed it. */
    KernelWorkspace delegate(KernelService kernel) {
        for (int i = 0; i < count; i++) {
            if (kernels[i] == kernel) {
                if (delegates[i].isOpen()) {
                    return delegates[i];
                }
                KernelWorkspace fresh = make(kernel);
                synchronized (this) {
                    delegates[i] = fresh;
                }
                return fresh;
            }
        }
        KernelWorkspace fresh = make(kernel);
        synchronized (this) {
            dropClosed();
            if (count == kernels.length) {
                kernels = Arrays.copyOf(kernels, count * 2);
                delegates = Arrays.copyOf(delegates, count * 2);
            }
            kernels[count] = kernel;
            delegates[count++] = fresh;
        }
        return fresh;
    }

    private KernelWorkspace make(KernelService kernel) {
        return options == null ? kernel.newWorkspace() : kernel.newWorkspace(options);
    }

    /** Forgets the workspaces that their kernels freed: those kernels have gone. */
    private void dropClosed() {
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (delegates[i].isOpen()) {
                kernels[kept] = kernels[i];
                delegates[kept++] = delegates[i];
            }
        }
        for (int i = kept; i < count; i++) {
            kernels[i] = null;
            delegates[i] = null;
        }
        count = kept;
    }

    @Override
    public String kernelId() {
        return KERNEL_ID;
    }

    @Override
    public WorkspaceOptions options() {
        return options == null ? WorkspaceOptions.DEFAULT : options;
    }

    @Override
    public synchronized ArenaMetrics metrics() {
        List<ArenaMetrics> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (delegates[i].isOpen()) {
                parts.add(delegates[i].metrics());
            }
        }
        ArenaMetrics total = ArenaMetrics.total(parts);
        return new ArenaMetrics(KERNEL_ID, name, "per kernel", total.capacityBytes(), total.inUseBytes(),
                total.highWaterBytes(), total.overflows(), total.fallbackBytes(), total.resets(), total.retainedBytes());
    }

    @Override
    public boolean isOpen() {
        return state.get() != CLOSED;
    }

    @Override
    public void close() {
        while (true) {
            int s = state.get();
            if (s == CLOSED) {
                return;
            }
            if (s == BUSY) {
                throw new IllegalStateException(name + " of the router is in use by a call; close it when the call"
                        + " has returned");
            }
            if (state.compareAndSet(IDLE, CLOSED)) {
                break;
            }
        }
        synchronized (this) {
            for (int i = 0; i < count; i++) {
                if (delegates[i].isOpen()) {
                    delegates[i].close();
                }
            }
            count = 0;
        }
    }

    @Override
    public String toString() {
        return name + " of the router (" + (options == null ? "each kernel's defaults" : options)
                + (isOpen() ? "" : ", closed") + ")";
    }
}
