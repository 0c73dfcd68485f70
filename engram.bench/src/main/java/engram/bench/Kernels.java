package engram.bench;

import engram.api.KernelLookup;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.OverflowStrategy;
import engram.api.WorkspaceOptions;

/**
 * The kernels on the class path, found the way plain Java programs find them
 * ({@link KernelLookup}), and the workspaces the benchmarks give them.
 */
final class Kernels {
    private static final long MEBIBYTE = 1L << 20;

    private Kernels() {
    }

    /** Looked up once per JVM: the Zig provider loads its library once per class loader anyway. */
    private static final class Found {
        static final KernelLookup LOOKUP = KernelLookup.find();
    }

    /** What was found, and why any kernel cannot serve. */
    static KernelLookup lookup() {
        return Found.LOOKUP;
    }

    /**
     * The best available kernel named {@code name} ({@code java}, {@code zig}).
     *
     * @throws IllegalStateException if none can serve, with what the lookup found and why
     */
    static KernelService named(String name) {
        KernelLookup lookup = lookup();
        return lookup.named(name).orElseThrow(() -> new IllegalStateException("no kernel named " + name
                + " can serve: " + lookup));
    }

    /**
     * A workspace of {@code kernel} whose arena holds {@code scratchBytes} (at least 1 MiB, the
     * least an arena holds). An overflow fails the call: a benchmark that overflowed would
     * measure the fallback allocator, not the kernel.
     */
    static KernelWorkspace workspace(KernelService kernel, long scratchBytes) {
        long mebibytes = Math.max(1, (scratchBytes + MEBIBYTE - 1) / MEBIBYTE);
        if (mebibytes > WorkspaceOptions.MAX_CAPACITY_BYTES / MEBIBYTE) {
            throw new IllegalArgumentException("a workspace of " + scratchBytes + " bytes is more than an arena holds ("
                    + WorkspaceOptions.MAX_CAPACITY_BYTES + " bytes); make the benchmark's input smaller");
        }
        return kernel.newWorkspace(WorkspaceOptions.ofMebibytes((int) mebibytes, OverflowStrategy.ERROR));
    }
}
