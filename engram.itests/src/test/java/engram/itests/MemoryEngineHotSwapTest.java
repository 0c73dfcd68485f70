package engram.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import org.junit.Test;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;

import engram.api.KernelRouter;
import engram.api.memory.Cue;
import engram.api.memory.MemoryEngine;
import engram.api.memory.NewMemory;
import engram.api.memory.RecallMode;
import engram.api.memory.RecallOptions;
import engram.api.memory.Recalled;

/**
 * Recalls under 4 threads while the Zig bundle stops and starts: no recall fails, and every
 * result equals the result of the same recall with the Java kernels alone (the same memories
 * in the same order, scores within the contract's tolerance; memories whose scores tie within
 * it may trade places). The memories are created at the recall's time, so decay and the
 * recalls' own access updates leave every strength at its stored value and the expected
 * results stay the same from one recall to the next.
 */
public class MemoryEngineHotSwapTest extends EngramTestSupport {
    private static final int DIMENSIONS = 64;
    private static final int MEMORIES = 3_000;
    private static final int CUES = 40;
    private static final int CYCLES = 20;
    private static final int CALLING_THREADS = 4;
    private static final long NOW = 1_767_225_600_000L;
    /** Two kernels' scores differ by at most 2e-6 (twice the contract's 1e-6); ties within it may swap. */
    private static final float TOLERANCE = 2e-6f;

    @Override
    protected Option[] extraOptions() {
        String data;
        try {
            data = Files.createTempDirectory("engram-itests-data").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Option[] {projectBundle("dev.engram", "engram.store.sqlite"),
                projectBundle("org.xerial", "sqlite-jdbc"), systemProperty("engram.data.dir").value(data)};
    }

    @Test
    public void recallsUnderFourThreadsWhileZigStopsAndStartsAllEqualTheJavaOnlyResults() throws Exception {
        KernelRouter router = routerListing(preferred());
        MemoryEngine engine = service(MemoryEngine.class);
        String space = "swap-" + System.nanoTime();
        engine.createSpace(space, DIMENSIONS);
        SplittableRandom random = new SplittableRandom(42);
        List<NewMemory> memories = new ArrayList<>();
        for (int i = 0; i < MEMORIES; i++) {
            memories.add(new NewMemory(vector(random), "memory " + i, 1f, NOW, Map.of()));
        }
        long[] ids = engine.rememberAll(space, memories);
        for (int i = 1; i < ids.length; i++) {
            engine.link(space, ids[i - 1], ids[i], 0.6f);
            engine.link(space, ids[i], ids[random.nextInt(ids.length)], 0.3f);
        }
        engine.flush(space);
        RecallOptions spreading = RecallOptions.DEFAULT.withNowMillis(NOW);
        RecallOptions similarity = spreading.withMode(RecallMode.SIMILARITY);

        Bundle zig = bundle(ZIG_HOST);
        zig.stop();
        await("java serves alone", () -> activeKernel(router).equals("java"));
        // Cues whose 11 most similar memories are 1e-4 or more apart: with a near-tie among
        // them, another kernel could pick another 10th seed, which is allowed, and spread from it.
        RecallOptions eleven = similarity.withSeeds(11).withLimit(11);
        List<float[]> cues = new ArrayList<>();
        List<List<Recalled>> expected = new ArrayList<>();
        while (cues.size() < CUES) {
            float[] cue = vector(random);
            List<Recalled> nearest = engine.recall(space, Cue.of(cue), eleven);
            boolean apart = nearest.size() == 11;
            for (int i = 1; i < nearest.size(); i++) {
                apart &= nearest.get(i - 1).score() - nearest.get(i).score() >= 1e-4f;
            }
            if (apart) {
                cues.add(cue);
                expected.add(engine.recall(space, Cue.of(cue), spreading));
                expected.add(engine.recall(space, Cue.of(cue), similarity));
            }
        }
        zig.start();
        await(preferred() + " serves again", () -> activeKernel(router).equals(preferred()));

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLongArray recalls = new AtomicLongArray(CALLING_THREADS);
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < CALLING_THREADS; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().name("recaller-" + t).start(() -> {
                SplittableRandom pick = new SplittableRandom(thread);
                while (running.get()) {
                    int cue = pick.nextInt(CUES);
                    boolean spread = pick.nextBoolean();
                    try {
                        List<Recalled> got = engine.recall(space, Cue.of(cues.get(cue)), spread ? spreading
                                : similarity);
                        String mismatch = compare(expected.get(2 * cue + (spread ? 0 : 1)), got);
                        if (mismatch != null) {
                            failures.add("cue " + cue + (spread ? " spreading" : " similarity") + ": " + mismatch);
                        }
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                    recalls.incrementAndGet(thread);
                }
            }));
        }
        long zigServed = -served(router, "zig");
        try {
            for (int cycle = 0; cycle < CYCLES && failures.isEmpty(); cycle++) {
                long before = sum(recalls);
                await("recalls while zig runs", () -> sum(recalls) >= before + 20 || !failures.isEmpty());
                zigServed += served(router, "zig");
                zig.stop();
                await("zig left", () -> activeKernel(router).equals("java"));
                long stopped = sum(recalls);
                await("recalls while zig is stopped", () -> sum(recalls) >= stopped + 20 || !failures.isEmpty());
                zig.start();
                await("zig is back", () -> activeKernel(router).equals(preferred()));
                zigServed -= served(router, "zig");
            }
        } finally {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(WAIT_TIMEOUT.toMillis());
            }
        }
        zigServed += served(router, "zig");
        assertTrue("no recall failed or differed from the Java-only result, of " + sum(recalls) + ": "
                + failures.stream().limit(5).toList(), failures.isEmpty());
        if (zigKernelsProvisioned()) {
            assertTrue("zig served some of the recalls' kernel calls: " + zigServed, zigServed > 0);
        }
        System.out.printf("memory engine hot swap: %d stop/start cycles, %d recalls from %d threads, none failed or"
                + " differed%n", CYCLES, sum(recalls), CALLING_THREADS);
        assertTrue(engine.dropSpace(space));
    }

    /** Null if {@code got} equals {@code expected} as the class comment says, else how it differs. */
    static String compare(List<Recalled> expected, List<Recalled> got) {
        if (expected.size() != got.size()) {
            return got.size() + " results, expected " + expected.size();
        }
        for (int i = 0; i < expected.size(); i++) {
            Recalled e = expected.get(i);
            Recalled g = got.get(i);
            if (Math.abs(e.score() - g.score()) > TOLERANCE) {
                return "rank " + i + " scores " + g.score() + ", expected " + e.score();
            }
            if (e.id() != g.id() && !tiedWithANeighbour(expected, i)) {
                return "rank " + i + " is memory " + g.id() + ", expected " + e.id();
            }
        }
        return null;
    }

    private static boolean tiedWithANeighbour(List<Recalled> results, int i) {
        float score = results.get(i).score();
        boolean before = i > 0 && Math.abs(results.get(i - 1).score() - score) <= TOLERANCE;
        boolean after = i + 1 < results.size() && Math.abs(results.get(i + 1).score() - score) <= TOLERANCE;
        // The last result also ties with the first one left out, which the list does not show.
        return before || after || i == results.size() - 1;
    }

    private static float[] vector(SplittableRandom random) {
        float[] v = new float[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static long sum(AtomicLongArray values) {
        long total = 0;
        for (int i = 0; i < values.length(); i++) {
            total += values.get(i);
        }
        return total;
    }
}
