package engram.bench;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import engram.api.ArenaMetrics;
import engram.api.KernelArguments;
import engram.api.WorkspaceOptions;
import engram.api.spi.AbstractWorkspace;
import engram.api.spi.Workspaces;

/**
 * The guards every kernel call passes before it computes, each alone, on the inputs of
 * {@link CallOverheadBenchmark}'s smallest calls (from a confined arena): the contract's argument
 * checks ({@link KernelArguments}) of a cosine, a top-1, a decay and a spread; the take and
 * give-back of the caller's workspace ({@link Workspaces#take}, {@link Workspaces#release}: a
 * compare-and-set and a release store), which both the Java and the Zig kernels make; a graph's
 * hold and release (two atomic operations), which a spread adds; and a bare compare-and-set with
 * its release store, the part of the workspace no design of the stop protocol can drop (a call
 * must publish that it runs before it reads whether the kernel is stopping).
 *
 * <p>Measured alone, each guard waits out its own latency; in a call, much of it overlaps
 * with the work around it, so the guards and the library's part ({@link DowncallBenchmark})
 * measured apart add up to more than a whole call (docs/performance.md, "A fifth round").
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
public class GuardBenchmark {
    private Arena arena;
    private SmallestCalls in;
    private Workspaces<Scratch> workspaces;
    private Scratch workspace;
    private final AtomicInteger word = new AtomicInteger();

    /** A workspace with no memory: what taking one costs, without anything to free. */
    static final class Scratch extends AbstractWorkspace {
        Scratch(String kernelId, String name, WorkspaceOptions options) {
            super(kernelId, name, options);
        }

        @Override
        public ArenaMetrics metrics() {
            return new ArenaMetrics(kernelId(), name(), "none", 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        protected void free() {
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofConfined();
        in = new SmallestCalls(arena);
        workspaces = new Workspaces<>("guards", Scratch.class, WorkspaceOptions.DEFAULT, (name, options) -> new Scratch("guards", name, options));
        workspace = workspaces.create(WorkspaceOptions.DEFAULT);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workspace.close();
        in.close();
        arena.close();
    }

    @Benchmark
    public void checksCosine() {
        KernelArguments.checkCosine(in.query, 1, in.matrix, 0, 1, in.norms, in.out);
    }

    @Benchmark
    public void checksCosineTopK() {
        KernelArguments.checkCosineTopK(in.query, 1, 1, in.matrix, 0, 1, in.norms, 1, in.topIndex, in.out);
    }

    @Benchmark
    public void checksDecay() {
        KernelArguments.checkDecay(in.strength, in.age, in.count, 1, in.decayParams, in.out);
    }

    @Benchmark
    public void checksSpread() {
        KernelArguments.checkSpread(in.graph, in.seed, in.seedActivation, 1, in.spreadParams, in.activation,
                in.firstHop);
    }

    @Benchmark
    public Scratch workspace() {
        Scratch w = workspaces.take(workspace);
        workspaces.release(workspace, w);
        return w;
    }

    @Benchmark
    public boolean graphHold() {
        boolean held = in.graph.acquire();
        in.graph.release();
        return held;
    }

    @Benchmark
    public boolean compareAndSet() {
        boolean taken = word.compareAndSet(0, 1);
        word.setRelease(0);
        return taken;
    }
}
