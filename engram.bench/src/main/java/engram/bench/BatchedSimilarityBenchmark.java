package engram.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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

import engram.api.KernelService;
import engram.api.KernelWorkspace;

/**
 * Batched fused top-10: one {@code cosineTopK} call with {@code queries} queries (Q = 1, 4, 16)
 * over 100,000 rows of 768 floats with stored norms. The score is the time of one call for all
 * Q queries; the report divides it by Q for the time per query, and compares a Q = 16 call with
 * 16 calls of Q = 1 (16 x the Q = 1 time over the Q = 16 time: how many times the throughput).
 * A batch reads each row once for all its queries, so it should approach Q times the throughput.
 *
 * <p>Setup checks each query's top-10 against the reference's top-10 for that query alone.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// See SimilarityBenchmark for the forks and flags.
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class BatchedSimilarityBenchmark {
    private static final int TOP_K = SimilarityBenchmark.TOP_K;

    @Param({"768"})
    int dimensions;

    @Param({"100000"})
    int rows;

    @Param({"1", "4", "16"})
    int queries;

    @Param({"reference", "java", "zig"})
    String kernel;

    private Arena arena;
    private KernelService service;
    private KernelWorkspace workspace;
    private MemorySegment query;
    private MemorySegment matrix;
    private MemorySegment norms;
    private MemorySegment topIndex;
    private MemorySegment topScore;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        SplittableRandom random = new SplittableRandom(42);
        matrix = Data.uniformFloats(arena, random, (long) rows * dimensions);
        query = Data.uniformFloats(arena, random, (long) queries * dimensions);
        norms = Data.norms(arena, matrix, rows, dimensions);
        topIndex = Verify.ints(arena, (long) queries * TOP_K);
        topScore = Verify.floats(arena, (long) queries * TOP_K);
        service = Kernels.named(kernel);
        // A batch keeps a top-k heap per query.
        workspace = Kernels.workspace(service, queries * (TOP_K * 8L + 64));
        Verify.topKBatch(service, workspace, Kernels.named("reference"), query, queries, dimensions, matrix, rows, norms,
                TOP_K);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workspace.close();
        arena.close();
    }

    @Benchmark
    public MemorySegment cosineTopK() {
        service.cosineTopK(workspace, query, queries, dimensions, matrix, 0, rows, norms, TOP_K, topIndex, topScore);
        return topScore;
    }
}
