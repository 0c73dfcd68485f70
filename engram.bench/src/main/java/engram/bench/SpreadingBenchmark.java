package engram.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import engram.api.CsrGraph;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.SpreadParams;

/**
 * Activation spreading over a random CSR graph with five out-edges per node on average
 * (the profiling workload: 10,000 nodes, 50,000 edges), from a rotating set of 1,000 seed
 * queries of three seeds each, each call with a workspace made once whose arena holds the
 * graph's node tables.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// See SimilarityBenchmark for why one fork with native access and a fixed heap.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class SpreadingBenchmark {
    private static final int QUERIES = 1000;
    private static final int SEEDS_PER_QUERY = 3;
    private static final int EDGES_PER_NODE = 5;
    /** A spread's scratch per node of the graph: about 30 bytes by the contract, and room for alignment. */
    private static final long SPREAD_BYTES_PER_NODE = 32;
    /** The queries the Verify step checks against the reference. */
    private static final int VERIFIED_QUERIES = 8;

    @Param({"10000"})
    int nodes;

    @Param({"java", "zig"})
    String kernel;

    private Arena arena;
    private KernelService service;
    private KernelWorkspace workspace;
    private CsrGraph graph;
    private SpreadParams params;
    private MemorySegment[] seedNodes;
    private MemorySegment[] seedActivations;
    private MemorySegment activation;
    private MemorySegment firstHop;
    private int query;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        int edges = nodes * EDGES_PER_NODE;
        int[] offsets = new int[nodes + 1];
        int[] targets = new int[edges];
        float[] weights = new float[edges];
        for (int u = 0; u < nodes; u++) {
            offsets[u + 1] = offsets[u] + EDGES_PER_NODE;
            for (int e = offsets[u]; e < offsets[u + 1]; e++) {
                targets[e] = random.nextInt(nodes);
                weights[e] = (float) random.nextDouble(0.2, 1);
            }
        }
        graph = CsrGraph.of(offsets, targets, weights);
        params = SpreadParams.exponential(4, 0.5, 0.01f);
        arena = Arena.ofShared();
        // One slice per query, made here: slicing in the benchmark method would measure the slices.
        MemorySegment allNodes = Verify.ints(arena, (long) QUERIES * SEEDS_PER_QUERY);
        MemorySegment allActivations = Verify.floats(arena, (long) QUERIES * SEEDS_PER_QUERY);
        for (int i = 0; i < QUERIES * SEEDS_PER_QUERY; i++) {
            allNodes.setAtIndex(ValueLayout.JAVA_INT, i, random.nextInt(nodes));
            allActivations.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextDouble(0.5, 1));
        }
        seedNodes = new MemorySegment[QUERIES];
        seedActivations = new MemorySegment[QUERIES];
        for (int q = 0; q < QUERIES; q++) {
            seedNodes[q] = allNodes.asSlice((long) q * SEEDS_PER_QUERY * Integer.BYTES,
                    (long) SEEDS_PER_QUERY * Integer.BYTES);
            seedActivations[q] = allActivations.asSlice((long) q * SEEDS_PER_QUERY * Float.BYTES,
                    (long) SEEDS_PER_QUERY * Float.BYTES);
        }
        activation = Verify.floats(arena, nodes);
        firstHop = Verify.ints(arena, nodes);
        service = Kernels.named(kernel);
        workspace = Kernels.workspace(service, nodes * SPREAD_BYTES_PER_NODE);
        KernelService reference = Kernels.named("java");
        for (int q = 0; q < VERIFIED_QUERIES; q++) {
            Verify.spread(service, workspace, reference, graph, seedNodes[q], seedActivations[q], SEEDS_PER_QUERY,
                    params);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workspace.close();
        graph.close();
        arena.close();
    }

    @Benchmark
    public int spread() {
        int q = query;
        query = (q + 1) % QUERIES;
        return service.spread(workspace, graph, seedNodes[q], seedActivations[q], SEEDS_PER_QUERY, params, activation,
                firstHop);
    }
}
