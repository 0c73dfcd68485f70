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
 * Fused 1:N cosine top-10 ({@code cosineTopK}, one query, k = 10) over an off-heap slab of
 * {@code rows} rows of {@code dimensions} floats with precomputed norms, as the store keeps it
 * (64-byte aligned), each call with a workspace made once. The kernels {@code reference},
 * {@code java} and {@code zig} run in the same JMH run, and {@code lucene}, the outside peer:
 * Lucene's {@code VectorUtil.dotProduct} over the same rows (as Lucene holds them, one
 * {@code float[]} per row), divided by the same stored norms, into a top-10 heap
 * ({@link LucenePeer}). The figure that matters is the ratio between them, and the ratio of
 * the bytes read ({@code rows * dimensions * 4}) per second to the machine's own read
 * bandwidth over as many bytes ({@link BandwidthBenchmark}).
 *
 * <p>Setup checks each kernel's top-10 (and, for the kernels, the full score vector) against
 * the reference once, by {@code KernelTolerance}, and fails on a mismatch.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// Three forks per kernel and size, all in one run, so machine noise hits them alike; equal
// -Xms/-Xmx with the heap touched up front (as Lucene's vector benchmarks do) keep heap growth
// and page faults out of the figures. The heap holds Lucene's copy of the rows (614 MB at
// d = 1536, n = 100,000). The flags: native access for the Zig kernel, JMH's sun.misc.Unsafe,
// and the Vector API for the java kernel and Lucene's vectorised VectorUtil.
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class SimilarityBenchmark {
    static final int TOP_K = 10;

    @Param({"384", "768", "1536"})
    int dimensions;

    @Param({"1000", "10000", "100000"})
    int rows;

    @Param({"reference", "java", "zig", "lucene"})
    String kernel;

    private Arena arena;
    private KernelService service;
    private KernelWorkspace workspace;
    private LucenePeer lucene;
    private MemorySegment query;
    private MemorySegment matrix;
    private MemorySegment norms;
    private MemorySegment topIndex;
    private MemorySegment topScore;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        SplittableRandom random = new SplittableRandom(42);
        query = Data.uniformFloats(arena, random, dimensions);
        matrix = Data.uniformFloats(arena, random, (long) rows * dimensions);
        norms = Data.norms(arena, matrix, rows, dimensions);
        topIndex = Verify.ints(arena, TOP_K);
        topScore = Verify.floats(arena, TOP_K);
        KernelService reference = Kernels.named("reference");
        if (kernel.equals("lucene")) {
            lucene = new LucenePeer(query, dimensions, matrix, rows, norms, TOP_K);
            lucene.search();
            Verify.topK("lucene", lucene.result(), 0, reference, query, 1, dimensions, matrix, rows, norms, TOP_K);
            return;
        }
        service = Kernels.named(kernel);
        workspace = Kernels.workspace(service, TOP_K * 8L + 8);
        Verify.cosine(service, workspace, reference, query, dimensions, matrix, rows, norms, TOP_K);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (workspace != null) {
            workspace.close();
        }
        arena.close();
    }

    @Benchmark
    public Object cosineTopK() {
        if (lucene != null) {
            return lucene.search();
        }
        service.cosineTopK(workspace, query, 1, dimensions, matrix, 0, rows, norms, TOP_K, topIndex, topScore);
        return topScore;
    }
}
