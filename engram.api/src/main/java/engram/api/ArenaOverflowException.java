package engram.api;

/**
 * A kernel call asked its workspace's arena for more scratch memory than the arena holds,
 * under the {@link OverflowStrategy#ERROR} or {@link OverflowStrategy#PANIC} strategy. The call
 * wrote nothing; a router serves it from the next kernel.
 */
public class ArenaOverflowException extends KernelFailureException {
    private static final long serialVersionUID = 1L;

    private final long capacityBytes;
    private final long requestedBytes;

    public ArenaOverflowException(String kernel, String workspace, long capacityBytes, long requestedBytes,
            OverflowStrategy strategy) {
        super("the " + kernel + " arena of " + workspace + " holds " + capacityBytes + " bytes, and a call asked it for "
                + requestedBytes + " bytes at once that did not fit (strategy " + strategy.configName() + "); "
                + (requestedBytes < WorkspaceOptions.MAX_CAPACITY_BYTES
                        ? "give the workspace a larger capacity (up to " + WorkspaceOptions.MAX_CAPACITY_BYTES
                                + " bytes, 100 MiB) or the fallback strategy"
                        : "no arena holds that much (the most is " + WorkspaceOptions.MAX_CAPACITY_BYTES
                                + " bytes, 100 MiB): use the fallback strategy"));
        this.capacityBytes = capacityBytes;
        this.requestedBytes = requestedBytes;
    }

    /** The arena's capacity. */
    public long capacityBytes() {
        return capacityBytes;
    }

    /** The size of the request that did not fit. */
    public long requestedBytes() {
        return requestedBytes;
    }
}
