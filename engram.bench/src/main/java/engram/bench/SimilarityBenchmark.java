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

import engram.api.KernelService;
import engram.api.KernelWorkspace;

/**
 * 1:N cosine similarity and fused top-k over an off-heap slab with precomputed norms, as the
 * store keeps it (64-byte aligned), each call with a workspace made once. Every kernel runs in
 * the same JVM run, so the figure that matters is the ratio between them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// One fork per kernel and size, all in one run, so machine noise hits them alike. The forked
// JVM needs native access (and JMH itself touches sun.misc.Unsafe); a fixed heap keeps GC
// out of the figures.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class SimilarityBenchmark {
    private static final int TOP_K = 10;

    @Param({"384", "768", "1536"})
    int dimensions;

    @Param({"1000", "1023", "10000"})
    int rows;

    @Param({"java", "zig"})
    String kernel;

    private Arena arena;
    private KernelService service;
    private KernelWorkspace workspace;
    private MemorySegment query;
    private MemorySegment matrix;
    private MemorySegment norms;
    private MemorySegment out;
    private MemorySegment topIndex;
    private MemorySegment topScore;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        SplittableRandom random = new SplittableRandom(42);
        query = randomFloats(random, dimensions);
        matrix = randomFloats(random, (long) rows * dimensions);
        norms = Verify.floats(arena, rows);
        for (int row = 0; row < rows; row++) {
            double sum = 0;
            for (int j = 0; j < dimensions; j++) {
                double v = matrix.getAtIndex(ValueLayout.JAVA_FLOAT, (long) row * dimensions + j);
                sum += v * v;
            }
            norms.setAtIndex(ValueLayout.JAVA_FLOAT, row, (float) Math.sqrt(sum));
        }
        out = Verify.floats(arena, rows);
        topIndex = Verify.ints(arena, TOP_K);
        topScore = Verify.floats(arena, TOP_K);
        service = Kernels.named(kernel);
        // Scratch of a call: one top-k heap (row and score) and the query's norm.
        workspace = Kernels.workspace(service, TOP_K * 8L + 8);
        Verify.cosine(service, workspace, Kernels.named("java"), query, dimensions, matrix, rows, norms, TOP_K);
    }

    private MemorySegment randomFloats(SplittableRandom random, long count) {
        MemorySegment segment = Verify.floats(arena, count);
        for (long i = 0; i < count; i++) {
            segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextDouble(-1, 1));
        }
        return segment;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workspace.close();
        arena.close();
    }

    @Benchmark
    public MemorySegment cosine() {
        service.cosine(workspace, query, dimensions, matrix, 0, rows, norms, out);
        return out;
    }

    @Benchmark
    public MemorySegment cosineTopK() {
        service.cosineTopK(workspace, query, 1, dimensions, matrix, 0, rows, norms, TOP_K, topIndex, topScore);
        return topScore;
    }
}
