package engram.kernels.java.impl;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.ThreadMXBean;

import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.SpreadParams;

/**
 * The contract's "no allocation": a warm call of each segment entry point of each Java kernel
 * (the reference and the Vector API kernel), on off-heap memory, with a workspace of the
 * caller's and with none (the pool's), allocates nothing on the Java heap, by the thread's
 * allocated-bytes counter over 1,000 calls. (The Vector API kernel allocates nothing only once
 * the JIT has compiled its loops, vectors in registers: interpreted, every vector is an object;
 * the warm-up reaches C2.)
 *
 * <p>Runs in a JVM of its own with {@code -Xbatch} (the surefire execution {@code allocation}
 * of this module's pom). The kernels allocate nothing even when interpreted, but HotSpot
 * allocates on the calling thread when that thread first asks for a C2 compile of a method: it
 * interns all the string constants of the method's class then ({@code CompileBroker::compile_method},
 * {@code resolve_string_constants}), once per class, a few hundred bytes. With background
 * compilation, when a thread asks depends on how fast the compiler threads installed the
 * C1 code before; with {@code -Xbatch} only on call counts, so the warm-up covers it every run.
 */
@Tag("allocation")
class AllocationTest {
    /**
     * Four times HotSpot's {@code Tier4InvocationThreshold} (5,000): a method called once per
     * kernel call, such as the pool's borrow, asks for its C2 compile after about 5,000 calls,
     * and must have done so before the calls that are measured.
     */
    private static final int WARM_UP_CALLS = 20_000;
    private static final int MEASURED_CALLS = 1_000;
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** One fold block of the Vector API kernel's widest vectors (128), a vector more and a scalar tail. */
    private static final int DIMENSIONS = 150;
    private static final int ROWS = 200;
    private static final int QUERIES = 4;
    private static final int K = 10;
    private static final int NODES = 2_000;
    private static final int MEMORIES = 1_000;
    private static final int GATHERED = 300;

    /** The kernel under test. */
    enum Kernel {
        REFERENCE(new ReferenceKernels()), VECTOR(VectorSupport.create());

        final KernelService service;
        KernelWorkspace workspace;

        Kernel(KernelService service) {
            this.service = service;
        }
    }

    private static Arena arena;
    private static CsrGraph graph;
    private static MemorySegment queries;
    private static MemorySegment matrix;
    private static MemorySegment norms;
    private static MemorySegment scores;
    private static MemorySegment topIndex;
    private static MemorySegment topScore;
    private static MemorySegment seedNodes;
    private static MemorySegment seedActivations;
    private static MemorySegment activation;
    private static MemorySegment firstHop;
    private static MemorySegment reachedNodes;
    private static MemorySegment strength;
    private static MemorySegment ageSeconds;
    private static MemorySegment accessCount;
    private static MemorySegment decayed;
    private static MemorySegment indices;
    private static MemorySegment lastAccessSeconds;
    private static final SpreadParams SPREAD_PARAMS = SpreadParams.exponential(6, 0.3, 0.001).withRefractoryHops(1);
    private static final DecayParams DECAY_PARAMS = new DecayParams(new DecayCurve.TwoComponent(), 0.01f);

    /** One call of a segment entry point. */
    enum EntryPoint {
        COSINE {
            @Override
            void call(KernelService kernel, KernelWorkspace w) {
                kernel.cosine(w, queries, DIMENSIONS, matrix, 0, ROWS, norms, scores);
            }
        },
        COSINE_RANGE {
            @Override
            void call(KernelService kernel, KernelWorkspace w) {
                kernel.cosine(w, queries, DIMENSIONS, matrix, 50, 100, null, scores);
            }
        },
        TOP_K {
            @Override
            void call(KernelService kernel, KernelWorkspace w) {
                kernel.cosineTopK(w, queries, 1, DIMENSIONS, matrix, 0, ROWS, null, K, topIndex, topScore);
            }
        },
        TOP_K_BATCH {
            @Override
            void call(KernelService kernel, KernelWorkspace w) {
                kernel.cosineTopK(w, queries, QUERIES, DIMENSIONS, matrix, 10, ROWS - 10, norms, K, topIndex,
                        topScore);
            }
        },
        SPREAD {
            @Override
            void call(KernelService kernel, KernelWorkspace w) {
                kernel.spread(w, graph, seedNodes, seedActivations, 3, SPREAD_PARAMS, activation, firstHop);
            }
        },
        SPREAD_SPARSE {
            @Override
            void call(KernelService kernel, KernelWorkspace w) {
                kernel.spreadSparse(w, graph, seedNodes, seedActivations, 3, SPREAD_PARAMS, reachedNodes, activation,
                        firstHop, NODES);
            }
        },
        DECAY {
            @Override
            void call(KernelService kernel, KernelWorkspace w) {
                kernel.decay(w, strength, ageSeconds, accessCount, MEMORIES, DECAY_PARAMS, decayed);
            }
        },
        DECAY_IN_PLACE {
            @Override
            void call(KernelService kernel, KernelWorkspace w) {
                kernel.decay(w, decayed, ageSeconds, null, MEMORIES, DECAY_PARAMS, decayed);
            }
        },
        DECAY_GATHER {
            @Override
            void call(KernelService kernel, KernelWorkspace w) {
                kernel.decayGather(w, indices, GATHERED, MEMORIES, strength, lastAccessSeconds, accessCount,
                        1.7e9 + 5e6, DECAY_PARAMS, decayed);
            }
        };

        abstract void call(KernelService kernel, KernelWorkspace w);
    }

    /** Whether the call gets the caller's workspace or borrows one from the pool. */
    enum Scratch {
        OWN_WORKSPACE, POOL
    }

    @BeforeAll
    static void offHeapInputs() {
        assertTrue(THREADS.isThreadAllocatedMemorySupported(), "this JVM counts no allocated bytes per thread");
        assertTrue(THREADS.isThreadAllocatedMemoryEnabled(), "the allocated-bytes counter is off");
        String background = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("BackgroundCompilation").getValue();
        assertEquals("false", background, "run this test with -Xbatch, as the Maven build does (see the class"
                + " comment): with background compilation its result depends on the compiler threads' timing");
        Random random = new Random(71);
        arena = Arena.ofShared();
        for (Kernel kernel : Kernel.values()) {
            kernel.workspace = kernel.service.newWorkspace();
        }
        queries = gaussians(random, QUERIES * DIMENSIONS);
        matrix = gaussians(random, ROWS * DIMENSIONS);
        norms = arena.allocate(JAVA_FLOAT, ROWS);
        for (int i = 0; i < ROWS; i++) {
            norms.setAtIndex(JAVA_FLOAT, i, 0.5f + random.nextFloat());
        }
        scores = arena.allocate(JAVA_FLOAT, ROWS);
        topIndex = arena.allocate(JAVA_INT, (long) QUERIES * K);
        topScore = arena.allocate(JAVA_FLOAT, (long) QUERIES * K);
        int[][] structure = Oracle.randomStructure(random, NODES, 5);
        int edges = structure[1].length;
        MemorySegment offsets = arena.allocateFrom(JAVA_INT, structure[0]);
        MemorySegment targets = arena.allocateFrom(JAVA_INT, structure[1]);
        MemorySegment weights = arena.allocate(JAVA_FLOAT, edges);
        for (int j = 0; j < edges; j++) {
            weights.setAtIndex(JAVA_FLOAT, j, random.nextFloat());
        }
        graph = CsrGraph.wrap(NODES, edges, offsets, targets, weights, null);
        seedNodes = arena.allocateFrom(JAVA_INT, 5, 600, 1_999);
        seedActivations = arena.allocateFrom(JAVA_FLOAT, 1f, 0.5f, 0.8f);
        activation = arena.allocate(JAVA_FLOAT, NODES);
        firstHop = arena.allocate(JAVA_INT, NODES);
        reachedNodes = arena.allocate(JAVA_INT, NODES);
        strength = arena.allocate(JAVA_FLOAT, MEMORIES);
        ageSeconds = arena.allocate(JAVA_FLOAT, MEMORIES);
        accessCount = arena.allocate(JAVA_INT, MEMORIES);
        lastAccessSeconds = arena.allocate(JAVA_DOUBLE, MEMORIES);
        decayed = arena.allocate(JAVA_FLOAT, MEMORIES);
        for (int m = 0; m < MEMORIES; m++) {
            strength.setAtIndex(JAVA_FLOAT, m, random.nextFloat());
            ageSeconds.setAtIndex(JAVA_FLOAT, m, random.nextFloat() * 1e7f);
            accessCount.setAtIndex(JAVA_INT, m, random.nextInt(6));
            lastAccessSeconds.setAtIndex(JAVA_DOUBLE, m, 1.7e9 + random.nextDouble() * 5e6);
            decayed.setAtIndex(JAVA_FLOAT, m, 1f);
        }
        indices = arena.allocate(JAVA_INT, GATHERED);
        for (int i = 0; i < GATHERED; i++) {
            indices.setAtIndex(JAVA_INT, i, random.nextInt(MEMORIES));
        }
    }

    private static MemorySegment gaussians(Random random, int count) {
        MemorySegment segment = arena.allocate(JAVA_FLOAT, count);
        for (int i = 0; i < count; i++) {
            segment.setAtIndex(JAVA_FLOAT, i, (float) random.nextGaussian());
        }
        return segment;
    }

    @AfterAll
    static void freeInputs() {
        graph.close();
        for (Kernel kernel : Kernel.values()) {
            kernel.workspace.close();
        }
        arena.close();
    }

    /** The bytes this thread allocates while making {@code calls} calls; the same loop for warm-up and measuring. */
    private static long allocatedBy(KernelService kernel, EntryPoint entryPoint, KernelWorkspace w, int calls) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
            entryPoint.call(kernel, w);
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    static Stream<Arguments> calls() {
        return Arrays.stream(Kernel.values())
                .flatMap(kernel -> Arrays.stream(EntryPoint.values()).map(entryPoint -> Arguments.of(kernel, entryPoint)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("calls")
    void aWarmCallWithTheCallersWorkspaceAllocatesNothing(Kernel kernel, EntryPoint entryPoint) {
        assertWarmCallsAllocateNothing(kernel, entryPoint, Scratch.OWN_WORKSPACE);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("calls")
    void aWarmCallWithThePoolsWorkspaceAllocatesNothing(Kernel kernel, EntryPoint entryPoint) {
        assertWarmCallsAllocateNothing(kernel, entryPoint, Scratch.POOL);
    }

    private static void assertWarmCallsAllocateNothing(Kernel kernel, EntryPoint entryPoint, Scratch scratch) {
        KernelWorkspace w = scratch == Scratch.OWN_WORKSPACE ? kernel.workspace : null;
        allocatedBy(kernel.service, entryPoint, w, WARM_UP_CALLS);
        long counterCost = allocatedBy(kernel.service, entryPoint, w, 0);
        long allocated = allocatedBy(kernel.service, entryPoint, w, MEASURED_CALLS) - counterCost;
        assertEquals(0, allocated, () -> kernel + " " + entryPoint + " with " + scratch + ": " + MEASURED_CALLS
                + " warm calls allocated " + allocated + " bytes (the counter itself costs " + counterCost + ")");
    }
}
