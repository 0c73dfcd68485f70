package engram.api;

/**
 * How big a workspace's native arena is and what it does when a call needs more.
 *
 * <p>Capacity covers the scratch of one call plus what spreading keeps between calls (its
 * node tables, about 30 bytes per node of the largest graph spread over): the default of
 * 1 MiB holds graphs of about 34,000 nodes; a graph of 1,000,000 nodes needs about 30 MiB.
 * The Java kernels keep their scratch on the heap and grow it as needed; they report it
 * but never overflow.
 *
 * @param capacityBytes {@value #MIN_CAPACITY_BYTES} (1 MiB) to {@value #MAX_CAPACITY_BYTES} (100 MiB)
 * @param overflow what a call that needs more does
 */
public record WorkspaceOptions(long capacityBytes, OverflowStrategy overflow) {
    /** 1 MiB. */
    public static final long MIN_CAPACITY_BYTES = 1L << 20;
    /** 100 MiB. */
    public static final long MAX_CAPACITY_BYTES = 100L << 20;
    /** 1 MiB. */
    public static final long DEFAULT_CAPACITY_BYTES = MIN_CAPACITY_BYTES;
    /** Serve an overflow from the general allocator: no call fails for want of scratch. */
    public static final OverflowStrategy DEFAULT_OVERFLOW = OverflowStrategy.FALLBACK;
    /** 1 MiB, {@link OverflowStrategy#FALLBACK}. */
    public static final WorkspaceOptions DEFAULT = new WorkspaceOptions(DEFAULT_CAPACITY_BYTES, DEFAULT_OVERFLOW);

    public WorkspaceOptions {
        if (capacityBytes < MIN_CAPACITY_BYTES || capacityBytes > MAX_CAPACITY_BYTES) {
            throw new IllegalArgumentException("capacityBytes is " + capacityBytes + "; it must be in "
                    + MIN_CAPACITY_BYTES + ".." + MAX_CAPACITY_BYTES + " (1 MiB to 100 MiB)");
        }
        if (overflow == null) {
            throw new IllegalArgumentException("overflow is null; use OverflowStrategy.ERROR, FALLBACK or PANIC");
        }
    }

    /** A capacity of {@code mebibytes} MiB (1 to 100). */
    public static WorkspaceOptions ofMebibytes(int mebibytes, OverflowStrategy overflow) {
        if (mebibytes < 1 || mebibytes > 100) {
            throw new IllegalArgumentException("capacity is " + mebibytes + " MiB; it must be 1 to 100 MiB");
        }
        return new WorkspaceOptions((long) mebibytes << 20, overflow);
    }

    /** The same options with another overflow strategy. */
    public WorkspaceOptions withOverflow(OverflowStrategy strategy) {
        return new WorkspaceOptions(capacityBytes, strategy);
    }

    @Override
    public String toString() {
        return capacityBytes % (1L << 20) == 0 ? (capacityBytes >> 20) + " MiB, " + overflow.configName()
                : capacityBytes + " bytes, " + overflow.configName();
    }
}
