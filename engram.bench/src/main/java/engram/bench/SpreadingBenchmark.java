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
 * Dense activation spreading, depth 4, from 10 seeds, over two random CSR graphs: 10,000 nodes
 * and 50,000 edges (the profiling workload) and 1,000,000 nodes and 16,000,000 edges. Each node
 * has the same out-degree (5 and 16), its targets uniform over all nodes and its weights uniform
 * in [0.2, 1), from a fixed seed; the graph lives in 64-byte aligned segments the benchmark owns,
 * wrapped without a copy ({@link CsrGraph#wrap}), as an engine's snapshot is. Calls rotate over
 * 1,000 seed sets (10 seeds each, activations in [0.5, 1)) so no call repeats the last one's
 * frontier; hop factors exponential (rate 0.5), threshold 0.01. Each call has a workspace made
 * once whose arena holds the graph's node tables.
 *
 * <p>Setup checks the first seed sets against the reference, bit for bit.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// See SimilarityBenchmark for the forks and flags.
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class SpreadingBenchmark {
    private static final int QUERIES = 1000;
    private static final int SEEDS_PER_QUERY = 10;
    private static final int DEPTH = 4;
    /** A spread's scratch per node of the graph: about 30 bytes by the contract, and room for alignment. */
    private static final long SPREAD_BYTES_PER_NODE = 32;

    /** Nodes and edges, {@code nodes:edges}. */
    @Param({"10000:50000", "1000000:16000000"})
    String graph;

    @Param({"reference", "java", "zig"})
    String kernel;

    private Arena arena;
    private KernelService service;
    private KernelWorkspace workspace;
    private CsrGraph csr;
    private SpreadParams params;
    private MemorySegment[] seedNodes;
    private MemorySegment[] seedActivations;
    private MemorySegment activation;
    private MemorySegment firstHop;
    private int query;

    @Setup(Level.Trial)
    public void setUp() {
        String[] shape = graph.split(":");
        int nodes = Integer.parseInt(shape[0]);
        int edges = Integer.parseInt(shape[1]);
        if (shape.length != 2 || edges % nodes != 0) {
            throw new IllegalArgumentException("graph " + graph + " is not nodes:edges with edges a multiple of nodes");
        }
        int degree = edges / nodes;
        arena = Arena.ofShared();
        SplittableRandom random = new SplittableRandom(7);
        MemorySegment offsets = Verify.ints(arena, nodes + 1L);
        MemorySegment targets = Verify.ints(arena, edges);
        MemorySegment weights = Verify.floats(arena, edges);
        for (int u = 0; u <= nodes; u++) {
            offsets.setAtIndex(ValueLayout.JAVA_INT, u, u * degree);
        }
        for (int e = 0; e < edges; e++) {
            targets.setAtIndex(ValueLayout.JAVA_INT, e, random.nextInt(nodes));
            weights.setAtIndex(ValueLayout.JAVA_FLOAT, e, (float) random.nextDouble(0.2, 1));
        }
        csr = CsrGraph.wrap(nodes, edges, offsets, targets, weights, null);
        params = SpreadParams.exponential(DEPTH, 0.5, 0.01);
        // One slice per seed set, made here: slicing in the benchmark method would measure the slices.
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
        KernelService reference = Kernels.named("reference");
        int verified = nodes > 100_000 ? 2 : 8;
        for (int q = 0; q < verified; q++) {
            Verify.spread(service, workspace, reference, csr, seedNodes[q], seedActivations[q], SEEDS_PER_QUERY,
                    params);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workspace.close();
        csr.close();
        arena.close();
    }

    @Benchmark
    public int spread() {
        int q = query;
        query = (q + 1) % QUERIES;
        return service.spread(workspace, csr, seedNodes[q], seedActivations[q], SEEDS_PER_QUERY, params, activation,
                firstHop);
    }
}
