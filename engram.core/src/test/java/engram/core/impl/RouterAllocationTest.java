package engram.core.impl;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelRouter;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.SpreadParams;

/**
 * The contract's "no allocation" through the router: a warm call of each segment entry point
 * allocates nothing on the Java heap, with a router workspace (and, once the kernel's pool
 * holds a workspace, without one).
 *
 * <p>Measured with the thread's allocated-bytes counter, less what reading it costs, over
 * windows of {@value #WINDOW_CALLS} calls after {@value #WARM_UP_CALLS} warm-up calls. The
 * least of {@value #WINDOWS} windows counts: a call that allocates does so in every window,
 * while the JVM's one-time work on the calling thread (linking a path the first time it
 * runs, a deoptimization) lands in one window at most.
 */
class RouterAllocationTest {
    private static final int WARM_UP_CALLS = 5_000;
    private static final int WINDOW_CALLS = 1_000;
    private static final int WINDOWS = 5;
    private static final int DIMENSIONS = 37;
    private static final int ROWS = 65;
    private static final int QUERIES = 3;
    private static final int K = 5;
    private static final int NODES = 300;
    private static final int SEEDS = 3;
    private static final int MEMORIES = 129;
    private static final int GATHERED = 64;

    /** The six segment entry points of a kernel. */
    enum EntryPoint {
        COSINE, COSINE_TOP_K, SPREAD, SPREAD_SPARSE, DECAY, DECAY_GATHER
    }

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final RouterComponent router = new RouterComponent();
    private Arena arena;
    private CsrGraph graph;
    private KernelWorkspace workspace;

    @BeforeEach
    void setUp() {
        assertTrue(threads.isThreadAllocatedMemorySupported(), "this JVM counts the bytes a thread allocates");
        threads.setThreadAllocatedMemoryEnabled(true);
        arena = Arena.ofConfined();
    }

    @AfterEach
    void tearDown() {
        if (workspace != null) {
            workspace.close();
        }
        if (graph != null) {
            graph.close();
        }
        arena.close();
    }

    static Stream<Arguments> entryPointsWithAndWithoutAWorkspace() {
        return Stream.of(EntryPoint.values()).filter(e -> e != EntryPoint.SPREAD)
                .flatMap(e -> Stream.of(Arguments.of(e, true), Arguments.of(e, false)));
    }

    @ParameterizedTest(name = "{0}, router workspace: {1}")
    @MethodSource("entryPointsWithAndWithoutAWorkspace")
    void aWarmCallThroughTheRouterToTheJavaKernelsAllocatesNothing(EntryPoint entryPoint, boolean withWorkspace) {
        KernelService java = Calls.referenceKernels();
        new Registrations(router).register(java, 0);
        workspace = withWorkspace ? router.newWorkspace() : null;

        long allocated = allocatedPerWindow(callOf(entryPoint, router, workspace));

        assertEquals(0, allocated, "bytes that " + WINDOW_CALLS + " warm " + entryPoint + " calls allocated");
        assertEquals(WARM_UP_CALLS + (long) WINDOWS * WINDOW_CALLS, Calls.listed(router, java.info().id())
                .callsServed(), "every call went to the Java kernels");
    }

    /**
     * The dense spread of the Java kernels, through the router: its outputs are cleared with
     * a loop, not {@code asSlice(..).fill(..)}, whose slices C2 did not eliminate here.
     */
    @Test
    void aWarmDenseSpreadThroughTheRouterToTheJavaKernelsAllocatesNothing() {
        new Registrations(router).register(Calls.referenceKernels(), 0);
        workspace = router.newWorkspace();

        assertEquals(0, allocatedPerWindow(callOf(EntryPoint.SPREAD, router, workspace)));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EntryPoint.class)
    void theRouterItselfAllocatesNothingOnACall(EntryPoint entryPoint) {
        new Registrations(router).register(new SilentKernel(), 0);
        workspace = router.newWorkspace();

        assertEquals(0, allocatedPerWindow(callOf(entryPoint, router, workspace)), "with a router workspace");
        assertEquals(0, allocatedPerWindow(callOf(entryPoint, router, null)), "without one");
    }

    /** The least any window of {@value #WINDOW_CALLS} calls allocated, after the warm-up. */
    private long allocatedPerWindow(Runnable call) {
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            call.run();
        }
        long counterCost = counterCost();
        long least = Long.MAX_VALUE;
        for (int window = 0; window < WINDOWS; window++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < WINDOW_CALLS; i++) {
                call.run();
            }
            long after = threads.getCurrentThreadAllocatedBytes();
            least = Math.min(least, after - before - counterCost);
        }
        return least;
    }

    /** What two readings of the counter in a row differ by: the least of a few tries. */
    private long counterCost() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 100; i++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            long after = threads.getCurrentThreadAllocatedBytes();
            least = Math.min(least, after - before);
        }
        return least;
    }

    /** One call of {@code entryPoint} on inputs made once, here, off-heap. */
    private Runnable callOf(EntryPoint entryPoint, KernelRouter target, KernelWorkspace w) {
        SplittableRandom random = new SplittableRandom(entryPoint.ordinal());
        return switch (entryPoint) {
            case COSINE -> {
                MemorySegment query = floats(random, DIMENSIONS, -1, 1);
                MemorySegment matrix = floats(random, ROWS * DIMENSIONS, -1, 1);
                MemorySegment norms = normsOf(matrix);
                MemorySegment out = arena.allocate(JAVA_FLOAT, ROWS);
                yield () -> target.cosine(w, query, DIMENSIONS, matrix, 1, ROWS - 1, norms, out);
            }
            case COSINE_TOP_K -> {
                MemorySegment queries = floats(random, QUERIES * DIMENSIONS, -1, 1);
                MemorySegment matrix = floats(random, ROWS * DIMENSIONS, -1, 1);
                MemorySegment index = arena.allocate(JAVA_INT, QUERIES * K);
                MemorySegment score = arena.allocate(JAVA_FLOAT, QUERIES * K);
                yield () -> target.cosineTopK(w, queries, QUERIES, DIMENSIONS, matrix, 0, ROWS, null, K, index, score);
            }
            case SPREAD -> {
                CsrGraph g = graph(random);
                SpreadParams params = SpreadParams.exponential(5, 0.3, 0.001);
                MemorySegment seeds = ints(random, SEEDS, NODES);
                MemorySegment activations = floats(random, SEEDS, 0.5, 1);
                MemorySegment activation = arena.allocate(JAVA_FLOAT, NODES);
                MemorySegment firstHop = arena.allocate(JAVA_INT, NODES);
                yield () -> target.spread(w, g, seeds, activations, SEEDS, params, activation, firstHop);
            }
            case SPREAD_SPARSE -> {
                CsrGraph g = graph(random);
                SpreadParams params = SpreadParams.exponential(5, 0.3, 0.001).withRefractoryHops(1);
                MemorySegment seeds = ints(random, SEEDS, NODES);
                MemorySegment activations = floats(random, SEEDS, 0.5, 1);
                MemorySegment nodes = arena.allocate(JAVA_INT, NODES);
                MemorySegment activation = arena.allocate(JAVA_FLOAT, NODES);
                MemorySegment firstHop = arena.allocate(JAVA_INT, NODES);
                yield () -> target.spreadSparse(w, g, seeds, activations, SEEDS, params, nodes, activation, firstHop,
                        NODES / 2);
            }
            case DECAY -> {
                DecayParams params = DecayParams.of(new DecayCurve.TwoComponent());
                MemorySegment strength = floats(random, MEMORIES, 0, 1);
                MemorySegment ageSeconds = floats(random, MEMORIES, 0, 1e7);
                MemorySegment accessCount = ints(random, MEMORIES, 6);
                // In place, as the engine decays its strengths.
                yield () -> target.decay(w, strength, ageSeconds, accessCount, MEMORIES, params, strength);
            }
            case DECAY_GATHER -> {
                DecayParams params = DecayParams.of(new DecayCurve.PowerLaw());
                MemorySegment indices = ints(random, GATHERED, MEMORIES);
                MemorySegment strength = floats(random, MEMORIES, 0, 1);
                MemorySegment lastAccess = arena.allocate(JAVA_DOUBLE, MEMORIES);
                for (int i = 0; i < MEMORIES; i++) {
                    lastAccess.setAtIndex(JAVA_DOUBLE, i, random.nextDouble(0, 1e9));
                }
                MemorySegment out = arena.allocate(JAVA_FLOAT, GATHERED);
                yield () -> target.decayGather(w, indices, GATHERED, MEMORIES, strength, lastAccess, null, 1e9, params,
                        out);
            }
        };
    }

    private CsrGraph graph(SplittableRandom random) {
        int[] offsets = new int[NODES + 1];
        int[] targets = new int[NODES * 4];
        float[] weights = new float[NODES * 4];
        for (int u = 0; u < NODES; u++) {
            offsets[u + 1] = offsets[u] + 4;
            for (int e = offsets[u]; e < offsets[u + 1]; e++) {
                targets[e] = random.nextInt(NODES);
                weights[e] = (float) random.nextDouble(0.1, 1);
            }
        }
        graph = CsrGraph.of(offsets, targets, weights);
        return graph;
    }

    private MemorySegment normsOf(MemorySegment matrix) {
        MemorySegment norms = arena.allocate(JAVA_FLOAT, ROWS);
        for (int row = 0; row < ROWS; row++) {
            double sum = 0;
            for (int j = 0; j < DIMENSIONS; j++) {
                double v = matrix.getAtIndex(JAVA_FLOAT, (long) row * DIMENSIONS + j);
                sum += v * v;
            }
            norms.setAtIndex(JAVA_FLOAT, row, (float) Math.sqrt(sum));
        }
        return norms;
    }

    private MemorySegment floats(SplittableRandom random, int count, double from, double to) {
        MemorySegment segment = arena.allocate(JAVA_FLOAT, count);
        for (int i = 0; i < count; i++) {
            segment.setAtIndex(JAVA_FLOAT, i, (float) random.nextDouble(from, to));
        }
        return segment;
    }

    private MemorySegment ints(SplittableRandom random, int count, int bound) {
        MemorySegment segment = arena.allocate(JAVA_INT, count);
        for (int i = 0; i < count; i++) {
            segment.setAtIndex(JAVA_INT, i, random.nextInt(bound));
        }
        return segment;
    }
}
