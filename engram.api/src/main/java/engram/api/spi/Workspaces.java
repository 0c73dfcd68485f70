package engram.api.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.osgi.annotation.versioning.ProviderType;

import engram.api.ArenaMetrics;
import engram.api.KernelUnavailableException;
import engram.api.KernelWorkspace;
import engram.api.WorkspaceOptions;

/**
 * Every open workspace of one kernel instance: those its callers made, and a small pool that
 * calls without a workspace borrow from and give back to. Borrowing and giving back allocate
 * nothing once the pool holds a workspace per concurrent caller (up to {@link #POOL_SIZE}).
 * {@link #closeAll()} frees them all when the kernel stops.
 *
 * @param <W> the kernel's workspace class
 */
@ProviderType
public final class Workspaces<W extends AbstractWorkspace> {
    /** Workspaces kept for calls without one; more concurrent callers get fresh ones, closed after the call. */
    public static final int POOL_SIZE = 8;

    /** Makes one workspace of the kernel. */
    @FunctionalInterface
    public interface Factory<W> {
        W create(String name, WorkspaceOptions options);
    }

    private final String kernelId;
    private final Class<W> type;
    private final Factory<W> factory;
    private final WorkspaceOptions defaults;
    private final Set<W> open = ConcurrentHashMap.newKeySet();
    private final AtomicReferenceArray<W> pool = new AtomicReferenceArray<>(POOL_SIZE);
    private final AtomicLong workspaceNumbers = new AtomicLong();
    private final AtomicLong poolNumbers = new AtomicLong();
    private volatile boolean closed;

    public Workspaces(String kernelId, Class<W> type, WorkspaceOptions defaults, Factory<W> factory) {
        this.kernelId = kernelId;
        this.type = type;
        this.defaults = defaults;
        this.factory = factory;
    }

    /** The options of the pool's workspaces and of {@code newWorkspace()} without options. */
    public WorkspaceOptions defaults() {
        return defaults;
    }

    /** A new workspace for a caller, named {@code workspace-N}. */
    public W create(WorkspaceOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options is null; use WorkspaceOptions.DEFAULT or newWorkspace()");
        }
        return register(factory.create("workspace-" + workspaceNumbers.incrementAndGet(), options));
    }

    private W register(W workspace) {
        workspace.owner = this;
        open.add(workspace);
        if (closed) {
            // A workspace made while the kernel stopped: free it at once; its first call says why.
            workspace.closeForStop();
            throw new KernelUnavailableException("kernel " + kernelId + " is stopping; it makes no new workspace");
        }
        return workspace;
    }

    /**
     * {@code workspace} as this kernel's own, or, for {@code null}, one borrowed from the
     * pool: give a borrowed one back with {@link #giveBack}.
     *
     * @throws IllegalArgumentException if another kernel made {@code workspace}
     */
    public W ownOrBorrow(KernelWorkspace workspace) {
        if (workspace == null) {
            return borrow();
        }
        if (workspace instanceof AbstractWorkspace w && w.owner == this) {
            return type.cast(w);
        }
        throw new IllegalArgumentException("workspace " + workspace + " was made by kernel " + workspace.kernelId()
                + (workspace.kernelId().equals(kernelId) ? " (another instance of it)" : "")
                + ", not by " + kernelId + "; pass one this kernel's newWorkspace() made, or null");
    }

    /**
     * The workspace of one call, taken for it ({@link AbstractWorkspace#enter()}): {@code given}
     * if this kernel made it, else one borrowed from the pool. Pair with {@link #release}.
     *
     * @throws IllegalArgumentException if another kernel made {@code given}, or it is closed
     * @throws IllegalStateException if another call is using {@code given}
     */
    public W take(KernelWorkspace given) {
        W workspace = ownOrBorrow(given);
        try {
            workspace.enter();
        } catch (RuntimeException e) {
            giveBackIfBorrowed(given, workspace);
            throw e;
        }
        return workspace;
    }

    /** Ends the call that {@link #take} began: frees the workspace for the next call, or gives it back to the pool. */
    public void release(KernelWorkspace given, W workspace) {
        workspace.exit();
        if (closed) {
            // The kernel stopped while this call ran (a kernel without a call gate): free it now.
            workspace.closeForStop();
        } else {
            giveBackIfBorrowed(given, workspace);
        }
    }

    /** Gives back what {@link #ownOrBorrow} borrowed for a {@code null} workspace; does nothing otherwise. */
    public void giveBackIfBorrowed(KernelWorkspace given, W used) {
        if (given == null) {
            giveBack(used);
        }
    }

    private W borrow() {
        for (int i = 0; i < POOL_SIZE; i++) {
            if (pool.get(i) != null) {
                W workspace = pool.getAndSet(i, null);
                if (workspace != null) {
                    return workspace;
                }
            }
        }
        return register(factory.create("pool-" + poolNumbers.incrementAndGet(), defaults));
    }

    private void giveBack(W workspace) {
        if (!closed && workspace.isOpen()) {
            for (int i = 0; i < POOL_SIZE; i++) {
                if (pool.get(i) == null && pool.compareAndSet(i, null, workspace)) {
                    return;
                }
            }
        }
        workspace.tryClose();
    }

    /** The metrics of every open workspace. */
    public List<ArenaMetrics> metrics() {
        List<ArenaMetrics> metrics = new ArrayList<>();
        for (W workspace : open) {
            if (workspace.isOpen()) {
                metrics.add(workspace.metrics());
            }
        }
        // pool-N before workspace-N, and workspace-2 before workspace-10.
        metrics.sort(Comparator.comparingInt((ArenaMetrics m) -> m.workspace().length())
                .thenComparing(ArenaMetrics::workspace));
        return metrics;
    }

    /**
     * How many of this kernel's workspaces a call holds now. A kernel that marks itself
     * stopping and then waits until this is 0 knows that no call it admitted still runs, if
     * each call takes its workspace ({@link #take}) before it reads the stopping mark: the
     * workspace's state and the mark are both volatile, so either the call sees the mark or
     * this sees the call.
     */
    public int busyCount() {
        int busy = 0;
        for (W workspace : open) {
            if (workspace.isBusy()) {
                busy++;
            }
        }
        return busy;
    }

    /** The number of open workspaces, the pool's included. */
    public int openCount() {
        return open.size();
    }

    /**
     * Frees every workspace, for a kernel that is stopping; from now on it makes none. Later
     * calls on its workspaces throw {@link KernelUnavailableException}. A workspace a call is
     * using is freed when that call ends ({@link #release}); one its owner is closing at this
     * moment is waited for.
     *
     * @return the workspaces freed
     */
    public int closeAll() {
        closed = true;
        for (int i = 0; i < POOL_SIZE; i++) {
            pool.set(i, null);
        }
        int freed = 0;
        for (W workspace : List.copyOf(open)) {
            if (workspace.closeForStop()) {
                freed++;
            }
        }
        return freed;
    }

    void forget(AbstractWorkspace workspace) {
        open.remove(workspace);
    }
}
