package engram.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a native arena does when a kernel call asks for more scratch than it holds. The
 * strategy is chosen per workspace ({@link WorkspaceOptions}) and, for the workspaces a
 * kernel bundle creates itself, in its configuration (for the Zig kernels, the property
 * {@code arenaOverflow} of the configuration {@code engram.kernels.zig}).
 */
public enum OverflowStrategy {
    /**
     * The call fails with an {@link ArenaOverflowException} naming the capacity and the
     * bytes asked for, having written nothing; a router serves it from the next kernel.
     */
    ERROR,
    /**
     * The overflow is served by the general-purpose allocator for that call only, released
     * when the call ends, and counted ({@link ArenaMetrics#fallbackBytes()}).
     */
    FALLBACK,
    /**
     * Fail fast: the call fails as with {@link #ERROR}, and the kernel withdraws its service
     * with a logged reason, so that traffic moves to the next kernel until an operator
     * restarts it. Never aborts the JVM.
     */
    PANIC;

    /** The name used in configurations and on the shell: {@code error}, {@code fallback}, {@code panic}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The strategy named {@code name} (any case), or an exception that lists the names. */
    public static OverflowStrategy named(String name) {
        for (OverflowStrategy strategy : values()) {
            if (strategy.configName().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return strategy;
            }
        }
        throw new IllegalArgumentException("overflow strategy '" + name + "' is not one of "
                + Arrays.stream(values()).map(OverflowStrategy::configName).collect(Collectors.joining(", ")));
    }
}
