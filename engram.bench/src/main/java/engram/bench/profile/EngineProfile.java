package engram.bench.profile;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelLookup;
import engram.api.KernelService;
import engram.api.memory.Cue;
import engram.api.memory.NewMemory;
import engram.api.memory.RecallMode;
import engram.api.memory.RecallOptions;
import engram.core.memory.Engine;
import one.profiler.AsyncProfiler;

/**
 * The profiling harness of the memory engine (plan task 001): 10,000 memories of d = 768 and
 * 50,000 links in an engine without a store, then 1,000 spreading recalls, 1,000
 * similarity-only recalls and 1,000 decay passes over every memory, once per kernel named on
 * the command line (default {@code java zig}). Prints recalls per second, p50 and p99, and the
 * share of the time in each kernel entry point and in the engine; with async-profiler (from
 * Maven Central) writes a CPU flame graph of each kernel's run as HTML.
 *
 * <p>Usage: {@code engram.bench/profile [KERNEL...]} (see that script).
 */
public final class EngineProfile {
    static final int MEMORIES = 10_000;
    static final int DIMENSIONS = 768;
    static final int LINKS = 50_000;
    static final int RECALLS = 1_000;
    static final int WARMUP = 300;
    private static final long NOW = 1_767_225_600_000L;

    private EngineProfile() {
    }

    public static void main(String[] args) throws Exception {
        List<String> kernels = args.length == 0 ? List.of("java", "zig") : List.of(args);
        Path out = Path.of(System.getProperty("engram.profile.dir", "engram.bench/target/profile"));
        Files.createDirectories(out);
        KernelLookup lookup = KernelLookup.find();
        AsyncProfiler profiler = profiler();
        for (String name : kernels) {
            KernelService kernel = lookup.named(name).orElseThrow(() -> new IllegalStateException("no kernel " + name
                    + " can serve: " + lookup));
            System.out.println("profile: " + name + " (" + kernel.info().id() + ", " + kernel.info().instructionSet()
                    + ")");
            run(name, new TimedKernels(kernel), profiler, out);
        }
    }

    private static AsyncProfiler profiler() {
        try {
            return AsyncProfiler.getInstance();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            System.out.println("profile: async-profiler did not load (" + e + "); no flame graph");
            return null;
        }
    }

    private static void run(String name, TimedKernels kernels, AsyncProfiler profiler, Path out) throws Exception {
        SplittableRandom random = new SplittableRandom(2026);
        try (Engine engine = new Engine(kernels)) {
            engine.createSpace("profile", DIMENSIONS);
            List<NewMemory> batch = new ArrayList<>();
            long[] ids = new long[MEMORIES];
            for (int i = 0; i < MEMORIES; i++) {
                batch.add(new NewMemory(vector(random), "memory " + i, 1f, NOW - random.nextLong(86_400_000L * 30),
                        Map.of()));
                if (batch.size() == 1_000) {
                    System.arraycopy(engine.rememberAll("profile", batch), 0, ids, i + 1 - 1_000, 1_000);
                    batch.clear();
                }
            }
            for (int i = 0; i < LINKS; i++) {
                engine.link("profile", ids[random.nextInt(MEMORIES)], ids[random.nextInt(MEMORIES)],
                        (float) random.nextDouble());
            }
            engine.flush("profile");
            float[][] cues = new float[RECALLS][];
            for (int i = 0; i < RECALLS; i++) {
                cues[i] = vector(random);
            }
            RecallOptions spreading = RecallOptions.DEFAULT.withNowMillis(NOW);
            RecallOptions similarity = spreading.withMode(RecallMode.SIMILARITY);
            for (int i = 0; i < WARMUP; i++) {
                engine.recall("profile", Cue.of(cues[i]), spreading);
                engine.recall("profile", Cue.of(cues[i]), similarity);
            }
            DecayPasses decay = new DecayPasses(kernels, random);
            decay.run(WARMUP);
            kernels.reset();
            Path flame = out.resolve("engine-" + name + ".html");
            if (profiler != null) {
                profiler.execute("start,event=cpu,interval=1ms");
            }
            Phase spread = phase(engine, cues, spreading, kernels);
            Phase similar = phase(engine, cues, similarity, kernels);
            long decayStart = System.nanoTime();
            decay.run(RECALLS);
            long decayNanos = System.nanoTime() - decayStart;
            if (profiler != null) {
                Path flat = out.resolve("engine-" + name + "-top.txt");
                profiler.execute("dump,flat=25,file=" + flat.toAbsolutePath());
                profiler.execute("stop,file=" + flame.toAbsolutePath());
                System.out.println("profile: flame graph " + flame + ", hottest methods " + flat);
            }
            decay.close();
            print("spreading recall", spread);
            print("similarity recall", similar);
            System.out.printf(Locale.ROOT, "  decay pass over %,d memories: %.1f us each%n", MEMORIES,
                    decayNanos / 1e3 / RECALLS);
        }
    }

    /** One kind of recall, timed: latencies and the kernels' time by entry point. */
    record Phase(long[] latencies, long[] kernelNanos, long[] kernelCalls, long totalNanos) {
    }

    private static Phase phase(Engine engine, float[][] cues, RecallOptions options, TimedKernels kernels) {
        kernels.reset();
        long[] latencies = new long[cues.length];
        long start = System.nanoTime();
        for (int i = 0; i < cues.length; i++) {
            long t = System.nanoTime();
            engine.recall("profile", Cue.of(cues[i]), options);
            latencies[i] = System.nanoTime() - t;
        }
        long total = System.nanoTime() - start;
        return new Phase(latencies, kernels.nanos.clone(), kernels.calls.clone(), total);
    }

    private static void print(String what, Phase p) {
        long[] sorted = p.latencies().clone();
        Arrays.sort(sorted);
        double p50 = sorted[sorted.length / 2] / 1e3;
        double p99 = sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e3;
        System.out.printf(Locale.ROOT, "  %s: %,.0f recalls/s, p50 %.1f us, p99 %.1f us%n", what,
                p.latencies().length / (p.totalNanos() / 1e9), p50, p99);
        long kernelTotal = 0;
        StringBuilder shares = new StringBuilder();
        for (int k = 0; k < TimedKernels.NAMES.length; k++) {
            kernelTotal += p.kernelNanos()[k];
            if (p.kernelCalls()[k] > 0) {
                shares.append(String.format(Locale.ROOT, "%s %.1f %% (%d calls), ", TimedKernels.NAMES[k],
                        100.0 * p.kernelNanos()[k] / p.totalNanos(), p.kernelCalls()[k]));
            }
        }
        System.out.printf(Locale.ROOT, "    time: %sengine %.1f %%%n", shares,
                100.0 * (p.totalNanos() - kernelTotal) / p.totalNanos());
    }

    private static float[] vector(SplittableRandom random) {
        float[] v = new float[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** Decay of every memory's strength from its age, as a pass over a whole space would. */
    private static final class DecayPasses implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final KernelService kernels;
        private final MemorySegment strength;
        private final MemorySegment age;
        private final MemorySegment access;
        private final MemorySegment out;
        private final DecayParams params = DecayParams.of(new DecayCurve.TwoComponent());

        DecayPasses(KernelService kernels, SplittableRandom random) {
            this.kernels = kernels;
            strength = arena.allocate((long) MEMORIES * Float.BYTES, 64);
            age = arena.allocate((long) MEMORIES * Float.BYTES, 64);
            access = arena.allocate((long) MEMORIES * Integer.BYTES, 64);
            out = arena.allocate((long) MEMORIES * Float.BYTES, 64);
            for (int i = 0; i < MEMORIES; i++) {
                strength.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextDouble());
                age.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) Math.exp(random.nextDouble() * Math.log(3e8)));
                access.setAtIndex(ValueLayout.JAVA_INT, i, random.nextInt(6));
            }
        }

        void run(int passes) {
            for (int i = 0; i < passes; i++) {
                kernels.decay(null, strength, age, access, MEMORIES, params, out);
            }
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
