package engram.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Scratch memory that a caller owns and reuses across kernel calls: native arenas for the
 * Zig kernels, heap arrays for the Java ones. Make one per thread with
 * {@link KernelService#newWorkspace()} (or from the router, which then keeps one for each
 * kernel it routes to), pass it to every call, and close it when done. A call then maps,
 * unmaps and allocates nothing.
 *
 * <p>A workspace serves one call at a time: a call on a workspace another call is using
 * fails with {@link IllegalStateException}. It works only with the kernel that made it. When
 * that kernel stops (its bundle stops), it frees its workspaces; later calls with them are
 * refused with {@link KernelUnavailableException}, and a router workspace simply makes a
 * new one for the kernel that comes next.
 */
@ProviderType
public interface KernelWorkspace extends AutoCloseable {

    /** The {@link KernelInfo#id()} of the kernel that made this workspace. */
    String kernelId();

    /**
     * Its capacity and overflow strategy. A router workspace made with {@code newWorkspace()}
     * gives each kernel's workspace that kernel's own defaults, and reports
     * {@link WorkspaceOptions#DEFAULT} here.
     */
    WorkspaceOptions options();

    /** What its scratch memory is doing now; for a router workspace, the sum over its kernels. */
    ArenaMetrics metrics();

    /** False once closed, by its owner or because its kernel stopped. */
    boolean isOpen();

    /**
     * Frees the workspace's memory. Closing a closed workspace does nothing.
     *
     * @throws IllegalStateException if a call is using the workspace now
     */
    @Override
    void close();
}
