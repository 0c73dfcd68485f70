package engram.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
import engram.api.DecayParams;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.SpreadParams;

/**
 * The smallest call of each entry point, where a call's fixed cost (validation, the workspace,
 * for the Zig kernel the downcall and its argument marshalling) is all there is: cosine of one
 * row of d = 1, top-1 of one row of d = 1, decay of one memory, a spread of depth 1 from one seed
 * on a graph of one node and no edge. Compare with {@link DowncallBenchmark}, a bare FFM downcall.
 *
 * <p>{@code memory} is the kind of arena the call's own segments (query, row, outputs, seeds)
 * come from. {@code confined}: one thread's arena, as a caller's per-thread scratch is; a
 * downcall's acquire of it is a plain increment. {@code shared}: an arena any thread may use, as
 * an engine's slabs are; a downcall acquires and releases each distinct shared arena among its
 * arguments with an atomic operation each, before and after the native code, which the Zig
 * kernel pays and the Java kernels (which read in place) do not. The graph has memory of its
 * own in both ({@link CsrGraph#of}), which the call's hold of the graph keeps alive without such
 * an acquire.
 *
 * <p>Setup checks each against the reference.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// See SimilarityBenchmark for the forks and flags.
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// Per thread, so that the confined arena made in setup belongs to the thread that calls.
@State(Scope.Thread)
public class CallOverheadBenchmark {
    @Param({"reference", "java", "zig"})
    String kernel;

    @Param({"confined", "shared"})
    String memory;

    private Arena arena;
    private KernelService service;
    private KernelWorkspace workspace;
    private SmallestCalls inputs;
    private MemorySegment query;
    private MemorySegment matrix;
    private MemorySegment norms;
    private MemorySegment out;
    private MemorySegment topIndex;
    private MemorySegment strength;
    private MemorySegment age;
    private MemorySegment count;
    private DecayParams decayParams;
    private CsrGraph graph;
    private SpreadParams spreadParams;
    private MemorySegment seed;
    private MemorySegment seedActivation;
    private MemorySegment activation;
    private MemorySegment firstHop;

    @Setup(Level.Trial)
    public void setUp() {
        arena = switch (memory) {
            case "confined" -> Arena.ofConfined();
            case "shared" -> Arena.ofShared();
            default -> throw new IllegalArgumentException("memory is " + memory + "; it must be confined or shared");
        };
        // Copied into fields of this state, so that a call reads them as before, without a hop.
        inputs = new SmallestCalls(arena);
        query = inputs.query;
        matrix = inputs.matrix;
        norms = inputs.norms;
        out = inputs.out;
        topIndex = inputs.topIndex;
        strength = inputs.strength;
        age = inputs.age;
        count = inputs.count;
        decayParams = inputs.decayParams;
        graph = inputs.graph;
        spreadParams = inputs.spreadParams;
        seed = inputs.seed;
        seedActivation = inputs.seedActivation;
        activation = inputs.activation;
        firstHop = inputs.firstHop;
        service = Kernels.named(kernel);
        workspace = Kernels.workspace(service, 0);
        KernelService reference = Kernels.named("reference");
        Verify.cosine(service, workspace, reference, query, 1, matrix, 1, norms, 1);
        Verify.decay(service, workspace, reference, strength, age, count, 1, decayParams);
        Verify.spread(service, workspace, reference, graph, seed, seedActivation, 1, spreadParams);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workspace.close();
        inputs.close();
        arena.close();
    }

    @Benchmark
    public MemorySegment cosine() {
        service.cosine(workspace, query, 1, matrix, 0, 1, norms, out);
        return out;
    }

    @Benchmark
    public MemorySegment cosineTopK() {
        service.cosineTopK(workspace, query, 1, 1, matrix, 0, 1, norms, 1, topIndex, out);
        return out;
    }

    @Benchmark
    public MemorySegment decay() {
        service.decay(workspace, strength, age, count, 1, decayParams, out);
        return out;
    }

    @Benchmark
    public int spread() {
        return service.spread(workspace, graph, seed, seedActivation, 1, spreadParams, activation, firstHop);
    }
}
