package engram.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import engram.api.CsrGraph;
import engram.api.KernelLookup;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.SpreadParams;

/**
 * Runs spreads over the profiling graph (10,000 nodes, 50,000 edges) between two marker lines
 * on standard output, so that a system-call tracer can count what the calls do after warm-up:
 * <pre>
 * strace -f -e trace=mmap,munmap,write -o trace.txt java ... engram.bench.SyscallProbe zig 1000
 * </pre>
 * and count the {@code mmap}/{@code munmap} lines of the calling thread between the marker
 * writes ({@code scripts/count-spread-syscalls} in this module does it).
 *
 * <p>Arguments: the kernel name ({@code zig} or {@code java}), the number of measured calls,
 * and {@code pool} to call without a workspace.
 */
public final class SyscallProbe {
    private static final int NODES = 10_000;
    private static final int EDGES_PER_NODE = 5;
    private static final int WARM_UP_CALLS = 20_000;

    private SyscallProbe() {
    }

    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "zig";
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        boolean pooled = args.length > 2 && args[2].equals("pool");
        KernelLookup lookup = KernelLookup.find();
        KernelService kernel = lookup.named(name).orElseThrow(
                () -> new IllegalStateException("no kernel " + name + " can serve: " + lookup));
        SplittableRandom random = new SplittableRandom(7);
        int[] offsets = new int[NODES + 1];
        int[] targets = new int[NODES * EDGES_PER_NODE];
        float[] weights = new float[targets.length];
        for (int u = 0; u < NODES; u++) {
            offsets[u + 1] = offsets[u] + EDGES_PER_NODE;
            for (int e = offsets[u]; e < offsets[u + 1]; e++) {
                targets[e] = random.nextInt(NODES);
                weights[e] = (float) random.nextDouble(0.2, 1);
            }
        }
        SpreadParams params = SpreadParams.exponential(4, 0.5, 0.01);
        try (CsrGraph graph = CsrGraph.of(offsets, targets, weights); Arena arena = Arena.ofConfined();
                KernelWorkspace workspace = kernel.newWorkspace()) {
            KernelWorkspace used = pooled ? null : workspace;
            MemorySegment seeds = arena.allocate(ValueLayout.JAVA_INT, 3);
            MemorySegment activations = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f, 0.7f, 0.4f);
            MemorySegment activation = arena.allocate(ValueLayout.JAVA_FLOAT, NODES);
            MemorySegment firstHop = arena.allocate(ValueLayout.JAVA_INT, NODES);
            long activated = 0;
            for (int i = 0; i < WARM_UP_CALLS + calls; i++) {
                if (i == WARM_UP_CALLS) {
                    System.out.println("probe: start of " + calls + " spreads on " + kernel.info().id()
                            + (pooled ? " (pool)" : " (workspace)"));
                }
                for (int s = 0; s < 3; s++) {
                    seeds.setAtIndex(ValueLayout.JAVA_INT, s, (i * 3 + s) * 7919 % NODES);
                }
                activated += kernel.spread(used, graph, seeds, activations, 3, params, activation, firstHop);
            }
            System.out.println("probe: end (" + activated + " activations)");
        }
    }
}
