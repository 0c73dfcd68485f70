package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelWorkspace;
import engram.api.SpreadParams;

/**
 * A warm call of every segment entry point of the Zig kernels allocates nothing on the Java
 * heap, with a workspace of the caller's and with one borrowed from the pool: measured with
 * the thread's allocated-bytes counter over windows of 1,000 calls after a warm-up.
 */
class ZigAllocationTest {
    private static final int WARM_UP_CALLS = 20_000;
    private static final int MEASURED_CALLS = 1_000;
    private static final int WINDOWS = 5;
    private static final int D = 64;
    private static final int ROWS = 200;
    private static final int NODES = 2_000;

    private static ZigKernels zig;
    private static Arena arena;
    private static CsrGraph graph;
    private static MemorySegment query;
    private static MemorySegment matrix;
    private static MemorySegment scores;
    private static MemorySegment index;
    private static MemorySegment seeds;
    private static MemorySegment seedActivations;
    private static MemorySegment activation;
    private static MemorySegment firstHop;
    private static MemorySegment nodes;
    private static MemorySegment strength;
    private static MemorySegment age;
    private static MemorySegment lastAccess;
    private static MemorySegment indices;
    private static MemorySegment decayed;
    private static final SpreadParams SPREAD = SpreadParams.exponential(4, 0.5, 0.01);
    private static final DecayParams DECAY = DecayParams.of(new DecayCurve.PowerLaw());

    @BeforeAll
    static void setUp() {
        NativeLibraries.assumeBuilt();
        zig = NativeLibraries.load();
        arena = Arena.ofShared();
        query = arena.allocate((long) 4 * D * Float.BYTES, 64);
        matrix = arena.allocate((long) ROWS * D * Float.BYTES, 64);
        for (long i = 0; i < 4L * D; i++) {
            query.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) Math.sin(i));
        }
        for (long i = 0; i < (long) ROWS * D; i++) {
            matrix.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) Math.cos(i * 0.37));
        }
        scores = arena.allocate(ValueLayout.JAVA_FLOAT, ROWS * 4L);
        index = arena.allocate(ValueLayout.JAVA_INT, ROWS * 4L);
        int[] offsets = new int[NODES + 1];
        int[] targets = new int[NODES * 3];
        float[] weights = new float[NODES * 3];
        for (int u = 0; u < NODES; u++) {
            offsets[u + 1] = 3 * (u + 1);
            for (int e = 0; e < 3; e++) {
                targets[3 * u + e] = (u * 31 + e * 977 + 1) % NODES;
                weights[3 * u + e] = 0.3f + 0.2f * e;
            }
        }
        graph = CsrGraph.of(offsets, targets, weights);
        seeds = arena.allocateFrom(ValueLayout.JAVA_INT, 5, 900, 1700);
        seedActivations = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f, 0.6f, 0.3f);
        activation = arena.allocate(ValueLayout.JAVA_FLOAT, NODES);
        firstHop = arena.allocate(ValueLayout.JAVA_INT, NODES);
        nodes = arena.allocate(ValueLayout.JAVA_INT, NODES);
        strength = arena.allocate(ValueLayout.JAVA_FLOAT, 1000);
        age = arena.allocate(ValueLayout.JAVA_FLOAT, 1000);
        lastAccess = arena.allocate(ValueLayout.JAVA_DOUBLE, 1000);
        indices = arena.allocate(ValueLayout.JAVA_INT, 1000);
        decayed = arena.allocate(ValueLayout.JAVA_FLOAT, 1000);
        for (int i = 0; i < 1000; i++) {
            strength.setAtIndex(ValueLayout.JAVA_FLOAT, i, 0.5f);
            age.setAtIndex(ValueLayout.JAVA_FLOAT, i, i * 60f);
            lastAccess.setAtIndex(ValueLayout.JAVA_DOUBLE, i, 1e6 - i * 60.0);
            indices.setAtIndex(ValueLayout.JAVA_INT, i, (i * 7) % 1000);
        }
    }

    @AfterAll
    static void tearDown() {
        if (zig != null) {
            graph.close();
            arena.close();
            zig.close();
        }
    }

    private interface Call {
        void run(KernelWorkspace workspace);
    }

    private static Map<String, Call> entryPoints() {
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("cosine", w -> zig.cosine(w, query, D, matrix, 0, ROWS, null, scores));
        calls.put("cosine over a row range", w -> zig.cosine(w, query, D, matrix, 50, 100, null, scores));
        calls.put("cosineTopK", w -> zig.cosineTopK(w, query, 1, D, matrix, 0, ROWS, null, 10, index, scores));
        calls.put("cosineTopK, 4 queries", w -> zig.cosineTopK(w, query, 4, D, matrix, 0, ROWS, null, 10, index, scores));
        calls.put("spread", w -> zig.spread(w, graph, seeds, seedActivations, 3, SPREAD, activation, firstHop));
        calls.put("spreadSparse", w -> zig.spreadSparse(w, graph, seeds, seedActivations, 3, SPREAD, nodes, activation,
                firstHop, NODES));
        calls.put("decay", w -> zig.decay(w, strength, age, null, 1000, DECAY, decayed));
        calls.put("decayGather", w -> zig.decayGather(w, indices, 1000, 1000, strength, lastAccess, null, 1e6, DECAY,
                decayed));
        return calls;
    }

    @Test
    void aWarmCallAllocatesNothingWithAWorkspaceOrFromThePool() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<String, Long> allocated = new LinkedHashMap<>();
        try (KernelWorkspace workspace = zig.newWorkspace()) {
            for (Map.Entry<String, Call> entry : entryPoints().entrySet()) {
                for (KernelWorkspace w : new KernelWorkspace[] {workspace, null}) {
                    Call call = entry.getValue();
                    for (int i = 0; i < WARM_UP_CALLS; i++) {
                        call.run(w);
                    }
                    allocated.put(entry.getKey() + (w == null ? " (pool)" : " (workspace)"),
                            leastOverWindows(threads, call, w));
                }
            }
        }
        System.out.println("zig allocation over " + MEASURED_CALLS + " warm calls, bytes: " + allocated);
        for (Map.Entry<String, Long> entry : allocated.entrySet()) {
            assertEquals(0, entry.getValue(), entry.getKey() + " allocated on the Java heap: " + allocated);
        }
    }

    /**
     * The least that any of {@value #WINDOWS} windows of {@value #MEASURED_CALLS} calls allocated,
     * less what the counter itself costs. A call that allocated would show in every window;
     * the least keeps out a one-time allocation of the JVM's own (a class's first compilation
     * stores its string literals, charged to the thread that asked for it).
     */
    private static long leastOverWindows(com.sun.management.ThreadMXBean threads, Call call, KernelWorkspace w) {
        long counterCost = measure(threads, () -> {
        });
        long least = Long.MAX_VALUE;
        for (int window = 0; window < WINDOWS; window++) {
            least = Math.min(least, measure(threads, () -> {
                for (int i = 0; i < MEASURED_CALLS; i++) {
                    call.run(w);
                }
            }) - counterCost);
        }
        return least;
    }

    private static long measure(com.sun.management.ThreadMXBean threads, Runnable work) {
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
