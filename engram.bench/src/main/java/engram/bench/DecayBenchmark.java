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
 * Batch decay of {@code memories} strengths (10,000 and 1,000,000) by each forgetting curve of
 * {@link DecayCurve} with its default constants, over 64-byte aligned off-heap arrays, each call
 * with a workspace made once.
 *
 * <p>Inputs, from a fixed seed: ages <b>log-uniform from 1 second to 10 years</b>
 * ({@code exp(uniform(ln 1, ln 3.156e8))} seconds), so each decade of age (seconds, minutes,
 * hours, days, months, years) holds about an equal share of the memories and every branch of
 * every curve is taken (Ebbinghaus's t &lt; 60 s included, about 22 %); strengths uniform in
 * [0, 1); access counts uniform in 0..5 (so the two-component curve splits about half and
 * half between its hippocampal and neocortical branches).
 *
 * <p>Setup checks the kernel's output for every memory against the reference, within the
 * contract's relative tolerance.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// See SimilarityBenchmark for the forks and flags.
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class DecayBenchmark {
    static final double TEN_YEARS_SECONDS = 10 * 365.25 * 86_400.0;

    @Param({"10000", "1000000"})
    int memories;

    @Param({"exponential", "power", "two-component", "ebbinghaus"})
    String curve;

    @Param({"reference", "java", "zig"})
    String kernel;

    private Arena arena;
    private KernelService service;
    private KernelWorkspace workspace;
    private DecayParams params;
    private MemorySegment strength;
    private MemorySegment ageSeconds;
    private MemorySegment accessCount;
    private MemorySegment out;

    static DecayCurve curve(String name) {
        return switch (name) {
            case "exponential" -> new DecayCurve.Exponential();
            case "power" -> new DecayCurve.PowerLaw();
            case "two-component" -> new DecayCurve.TwoComponent();
            case "ebbinghaus" -> new DecayCurve.Ebbinghaus();
            default -> throw new IllegalArgumentException("curve " + name
                    + " is none of exponential, power, two-component, ebbinghaus");
        };
    }

    @Setup(Level.Trial)
    public void setUp() {
        params = DecayParams.of(curve(curve));
        SplittableRandom random = new SplittableRandom(11);
        arena = Arena.ofShared();
        strength = Verify.floats(arena, memories);
        ageSeconds = Verify.floats(arena, memories);
        accessCount = Verify.ints(arena, memories);
        out = Verify.floats(arena, memories);
        double logMaxAge = Math.log(TEN_YEARS_SECONDS);
        for (int i = 0; i < memories; i++) {
            strength.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextDouble());
            ageSeconds.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) Math.exp(random.nextDouble(0, logMaxAge)));
            accessCount.setAtIndex(ValueLayout.JAVA_INT, i, random.nextInt(6));
        }
        service = Kernels.named(kernel);
        // Decay takes no scratch: the least arena.
        workspace = Kernels.workspace(service, 0);
        Verify.decay(service, workspace, Kernels.named("reference"), strength, ageSeconds, accessCount, memories,
                params);
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
