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

import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelService;
import engram.api.KernelWorkspace;

/**
 * Batch decay of memory strengths by each forgetting curve, ages from 0 to 10 years, over
 * off-heap arrays (64-byte aligned), each call with a workspace made once.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// See SimilarityBenchmark for why one fork with native access and a fixed heap.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class DecayBenchmark {
    private static final double TEN_YEARS_SECONDS = 10 * 365 * 86_400.0;

    @Param({"10000", "1000000"})
    int memories;

    @Param({"exponential", "power", "two-component", "ebbinghaus"})
    String curve;

    @Param({"java", "zig"})
    String kernel;

    private Arena arena;
    private KernelService service;
    private KernelWorkspace workspace;
    private DecayParams params;
    private MemorySegment strength;
    private MemorySegment ageSeconds;
    private MemorySegment accessCount;
    private MemorySegment out;

    @Setup(Level.Trial)
    public void setUp() {
        params = DecayParams.of(switch (curve) {
            case "exponential" -> new DecayCurve.Exponential();
            case "power" -> new DecayCurve.PowerLaw();
            case "two-component" -> new DecayCurve.TwoComponent();
            case "ebbinghaus" -> new DecayCurve.Ebbinghaus();
            default -> throw new IllegalArgumentException("curve " + curve
                    + " is none of exponential, power, two-component, ebbinghaus");
        });
        SplittableRandom random = new SplittableRandom(11);
        arena = Arena.ofShared();
        strength = Verify.floats(arena, memories);
        ageSeconds = Verify.floats(arena, memories);
        accessCount = Verify.ints(arena, memories);
        out = Verify.floats(arena, memories);
        for (int i = 0; i < memories; i++) {
            strength.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextDouble());
            ageSeconds.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextDouble(TEN_YEARS_SECONDS));
            accessCount.setAtIndex(ValueLayout.JAVA_INT, i, random.nextInt(6));
        }
        service = Kernels.named(kernel);
        // Decay takes no scratch: the least arena.
        workspace = Kernels.workspace(service, 0);
        Verify.decay(service, workspace, Kernels.named("java"), strength, ageSeconds, accessCount,
                Math.min(memories, 10_000), params);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workspace.close();
        arena.close();
    }

    @Benchmark
    public MemorySegment decay() {
        service.decay(workspace, strength, ageSeconds, accessCount, memories, params, out);
        return out;
    }
}
