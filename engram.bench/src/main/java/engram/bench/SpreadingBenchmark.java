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
import engram.api.SpreadParams;

/**
 * Activation spreading over a random CSR graph with five out-edges per node on average
 * (the profiling workload: 10,000 nodes, 50,000 edges), from a rotating set of 1,000 seed
 * queries of three seeds each.
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

    @Param({"10000"})
    int nodes;

    @Param({"java", "zig"})
    String kernel;

    private Arena arena;
    private KernelService service;
    private CsrGraph graph;
    private SpreadParams params;
    private MemorySegment seedNodes;
    private MemorySegment seedActivations;
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
        seedNodes = arena.allocate(ValueLayout.JAVA_INT, (long) QUERIES * SEEDS_PER_QUERY);
        seedActivations = arena.allocate(ValueLayout.JAVA_FLOAT, (long) QUERIES * SEEDS_PER_QUERY);
        for (int i = 0; i < QUERIES * SEEDS_PER_QUERY; i++) {
            seedNodes.setAtIndex(ValueLayout.JAVA_INT, i, random.nextInt(nodes));
            seedActivations.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextDouble(0.5, 1));
        }
        activation = arena.allocate(ValueLayout.JAVA_FLOAT, nodes);
        firstHop = arena.allocate(ValueLayout.JAVA_INT, nodes);
        service = Kernels.named(kernel);
        Verify.spread(service, Kernels.named("java"), graph,
                seedNodes.asSlice(0, SEEDS_PER_QUERY * 4L).toArray(ValueLayout.JAVA_INT),
                seedActivations.asSlice(0, SEEDS_PER_QUERY * 4L).toArray(ValueLayout.JAVA_FLOAT), params);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        graph.close();
        arena.close();
    }

    @Benchmark
    public int spread() {
        long offset = (long) query * SEEDS_PER_QUERY;
        query = (query + 1) % QUERIES;
        return service.spread(graph, seedNodes.asSlice(offset * Integer.BYTES),
                seedActivations.asSlice(offset * Float.BYTES), SEEDS_PER_QUERY, params, activation, firstHop);
    }
}
