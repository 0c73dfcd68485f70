package engram.core.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import engram.api.ArenaMetrics;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.WorkspaceOptions;
import engram.api.spi.AbstractWorkspace;

/**
 * A workspace of the router: one workspace of each kernel a call has gone to, made on the
 * first call there with the router workspace's options, and made anew when a kernel freed it
 * (it stopped, and came back). Serves one call at a time, like every workspace.
 */
final class RouterWorkspace extends AbstractWorkspace {
    static final String KERNEL_ID = RouterComponent.INFO.id();

    private final RouterComponent router;
    /** Whether each kernel's own defaults apply ({@link #options()} then stands for them). */
    private final boolean kernelDefaults;
    // Written only by the call that holds the workspace; read by metrics under this lock.
    private KernelService[] kernels = new KernelService[2];
    private KernelWorkspace[] delegates = new KernelWorkspace[2];
    private int count;

    /** A workspace whose delegates get {@code options}, or each kernel's own defaults for null. */
    RouterWorkspace(RouterComponent router, String name, WorkspaceOptions options) {
        super(KERNEL_ID, name, options == null ? WorkspaceOptions.DEFAULT : options);
        this.router = router;
        this.kernelDefaults = options == null;
    }

    boolean ownedBy(RouterComponent owner) {
        return router == owner;
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
        return kernelDefaults ? kernel.newWorkspace() : kernel.newWorkspace(options());
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
    public synchronized ArenaMetrics metrics() {
        List<ArenaMetrics> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (delegates[i].isOpen()) {
                parts.add(delegates[i].metrics());
            }
        }
        ArenaMetrics total = ArenaMetrics.total(parts);
        return new ArenaMetrics(KERNEL_ID, name(), "per kernel", total.capacityBytes(), total.inUseBytes(),
                total.highWaterBytes(), total.overflows(), total.fallbackBytes(), total.resets(), total.retainedBytes());
    }

    /** Closes the delegates that their kernels have not freed already. */
    @Override
    protected synchronized void free() {
        for (int i = 0; i < count; i++) {
            if (delegates[i].isOpen()) {
                delegates[i].close();
            }
        }
        count = 0;
    }

    @Override
    public String toString() {
        return name() + " of the router (" + (kernelDefaults ? "each kernel's defaults" : options())
                + (isOpen() ? "" : ", closed") + ")";
    }
}
