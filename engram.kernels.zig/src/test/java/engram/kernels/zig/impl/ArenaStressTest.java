package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import engram.api.ArenaOverflowException;
import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelTolerance;
import engram.api.KernelWorkspace;
import engram.api.OverflowStrategy;
import engram.api.SpreadParams;
import engram.api.SpreadResult;
import engram.api.TopK;
import engram.api.WorkspaceOptions;
import engram.kernels.java.impl.ReferenceKernels;

/**
 * 32 threads (and more) call every kernel at once, each with a workspace of its own capacity
 * and overflow strategy, and some through the pool; every result is checked against the
 * reference. Afterwards every arena is freed and the library's count of mapped bytes is back
 * where it started; the process's resident memory is printed beside it.
 */
class ArenaStressTest {
    private static final int THREADS = 34;
    private static final int ROUNDS = 40;
    private static final ReferenceKernels REFERENCE = new ReferenceKernels();

    @Test
    void thirtyTwoThreadsOnEveryKernelEveryStrategyAndSizeCorruptNothingAndLeakNothing() throws Exception {
        ZigKernels zig = NativeLibraries.load();
        try {
            long[] before = zig.totals();
            long rssBefore = residentBytes();
            AtomicLong checked = new AtomicLong();
            AtomicLong overflowed = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int id = t;
                threads.add(Thread.ofPlatform().name("stress-" + t).start(() -> {
                    try {
                        run(zig, id, checked, overflowed);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            if (!failures.isEmpty()) {
                AssertionError error = new AssertionError(failures.size() + " of " + THREADS + " threads failed; the first: "
                        + failures.peek());
                failures.forEach(error::addSuppressed);
                throw error;
            }
            long[] during = zig.totals();
            zig.close();
            ZigKernels.CloseReport report = zig.closeReport();
            long rssAfter = residentBytes();
            System.out.printf("arena stress: %d threads, %d results checked against the reference, %d error-strategy"
                    + " overflows refused as expected; arenas created %d, live after the run %d (pool), after close %d;"
                    + " library mapped bytes before %d, after close %d; process RSS before %d MiB, after %d MiB%n",
                    THREADS, checked.get(), overflowed.get(), during[2] - before[2], during[0], report.liveArenas(),
                    before[1], report.mappedBytes(), rssBefore >> 20, rssAfter >> 20);
            assertEquals(0, report.liveArenas(), "every arena freed");
            assertEquals(0, report.mappedBytes(), "the library maps nothing any more");
            assertEquals((long) THREADS * ROUNDS * 5, checked.get() + overflowed.get(),
                    "every call was checked, or refused by the error strategy");
            assertTrue(overflowed.get() > 0, "the error strategy was exercised");
        } finally {
            zig.close();
        }
    }

    private static void run(ZigKernels zig, int id, AtomicLong checked, AtomicLong overflowed) {
        SplittableRandom random = new SplittableRandom(0x5eed0032L + id);
        OverflowStrategy strategy = id % 3 == 0 ? OverflowStrategy.ERROR
                : id % 3 == 1 ? OverflowStrategy.FALLBACK : OverflowStrategy.PANIC;
        int mebibytes = 1 + id % 5;
        // Every fourth thread uses the pool (no workspace of its own).
        boolean pooled = id % 4 == 3;
        KernelWorkspace workspace = pooled ? null : zig.newWorkspace(WorkspaceOptions.ofMebibytes(mebibytes, strategy));
        try {
            for (int round = 0; round < ROUNDS; round++) {
                try (Arena arena = Arena.ofConfined()) {
                    round(zig, workspace, random, arena, strategy, pooled, checked, overflowed);
                }
            }
        } finally {
            if (workspace != null) {
                workspace.close();
            }
        }
    }

    private static void round(ZigKernels zig, KernelWorkspace workspace, SplittableRandom random, Arena arena,
            OverflowStrategy strategy, boolean pooled, AtomicLong checked, AtomicLong overflowed) {
        similarity(zig, workspace, random, arena);
        checked.addAndGet(2);
        // Panic withdraws the kernels: panicking threads, and the pool's, keep within their arenas.
        int nodes = strategy == OverflowStrategy.PANIC || pooled ? 200 + random.nextInt(20_000)
                : 200 + random.nextInt(80_000);
        if (spread(zig, workspace, random, arena, nodes)) {
            checked.incrementAndGet();
        } else {
            overflowed.incrementAndGet();
        }
        decay(zig, workspace, random, arena);
        checked.addAndGet(2);
    }

    private static void similarity(ZigKernels zig, KernelWorkspace workspace, SplittableRandom random, Arena arena) {
        int d = 1 + random.nextInt(200);
        int rows = 1 + random.nextInt(300);
        int queries = 1 + random.nextInt(8);
        int k = 1 + random.nextInt(rows);
        float[] query = values(random, queries * d);
        float[] matrix = values(random, rows * d);
        MemorySegment q = arena.allocateFrom(ValueLayout.JAVA_FLOAT, query);
        MemorySegment m = arena.allocateFrom(ValueLayout.JAVA_FLOAT, matrix);
        MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, rows);
        zig.cosine(workspace, q, d, m, 0, rows, null, out);
        float[] first = Arrays.copyOf(query, d);
        assertTrue(KernelTolerance.cosine(REFERENCE.cosine(first, matrix, null), out.toArray(ValueLayout.JAVA_FLOAT))
                .agrees());
        MemorySegment index = arena.allocate(ValueLayout.JAVA_INT, (long) queries * k);
        MemorySegment score = arena.allocate(ValueLayout.JAVA_FLOAT, (long) queries * k);
        zig.cosineTopK(workspace, q, queries, d, m, 0, rows, null, k, index, score);
        for (int i = 0; i < queries; i++) {
            TopK expected = REFERENCE.cosineTopK(Arrays.copyOfRange(query, i * d, i * d + d), matrix, null, k);
            TopK actual = new TopK(index.asSlice((long) i * k * 4, k * 4L).toArray(ValueLayout.JAVA_INT),
                    score.asSlice((long) i * k * 4, k * 4L).toArray(ValueLayout.JAVA_FLOAT));
            KernelTolerance.Verdict verdict = KernelTolerance.topK(expected, actual);
            assertTrue(verdict.agrees(), verdict.difference());
        }
    }

    /** True when checked; false when the error strategy refused a graph too large for the arena. */
    private static boolean spread(ZigKernels zig, KernelWorkspace workspace, SplittableRandom random, Arena arena,
            int nodes) {
        int degree = 1 + random.nextInt(4);
        int[] offsets = new int[nodes + 1];
        int[] targets = new int[nodes * degree];
        float[] weights = new float[nodes * degree];
        for (int u = 0; u < nodes; u++) {
            offsets[u + 1] = offsets[u] + degree;
            for (int e = offsets[u]; e < offsets[u + 1]; e++) {
                targets[e] = random.nextInt(nodes);
                weights[e] = (float) random.nextDouble();
            }
        }
        int[] seeds = {random.nextInt(nodes), random.nextInt(nodes), random.nextInt(nodes)};
        float[] activations = {1f, 0.5f, (float) random.nextDouble(0.01, 1)};
        SpreadParams params = SpreadParams.exponential(1 + random.nextInt(6), random.nextDouble(), random.nextDouble(0.02))
                .withRefractoryHops(random.nextInt(3));
        try (CsrGraph graph = CsrGraph.of(offsets, targets, weights)) {
            SpreadResult expected = REFERENCE.spread(graph, seeds, activations, params);
            MemorySegment s = arena.allocateFrom(ValueLayout.JAVA_INT, seeds);
            MemorySegment a = arena.allocateFrom(ValueLayout.JAVA_FLOAT, activations);
            MemorySegment activation = arena.allocate(ValueLayout.JAVA_FLOAT, nodes);
            MemorySegment firstHop = arena.allocate(ValueLayout.JAVA_INT, nodes);
            int count;
            try {
                count = zig.spread(workspace, graph, s, a, 3, params, activation, firstHop);
            } catch (ArenaOverflowException e) {
                assertEquals(OverflowStrategy.ERROR, workspace.options().overflow(), e.getMessage());
                return false;
            }
            assertArrayEquals(expected.activations(), activation.toArray(ValueLayout.JAVA_FLOAT));
            assertArrayEquals(expected.firstHops(), firstHop.toArray(ValueLayout.JAVA_INT));
            assertEquals(expected.activatedCount(), count);
            int capacity = random.nextInt(count + 1);
            MemorySegment nodesOut = arena.allocate(ValueLayout.JAVA_INT, Math.max(capacity, 1));
            MemorySegment activationOut = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(capacity, 1));
            MemorySegment hopOut = arena.allocate(ValueLayout.JAVA_INT, Math.max(capacity, 1));
            assertEquals(count, zig.spreadSparse(workspace, graph, s, a, 3, params, nodesOut, activationOut, hopOut,
                    capacity));
            for (int i = 0; i < capacity; i++) {
                int v = nodesOut.getAtIndex(ValueLayout.JAVA_INT, i);
                assertEquals(Float.floatToRawIntBits(expected.activation(v)),
                        Float.floatToRawIntBits(activationOut.getAtIndex(ValueLayout.JAVA_FLOAT, i)));
                assertEquals(expected.firstHop(v), hopOut.getAtIndex(ValueLayout.JAVA_INT, i));
            }
            return true;
        }
    }

    private static void decay(ZigKernels zig, KernelWorkspace workspace, SplittableRandom random, Arena arena) {
        int count = 1 + random.nextInt(5_000);
        float[] strength = new float[count];
        float[] age = new float[count];
        int[] access = new int[count];
        double[] lastAccess = new double[count];
        for (int i = 0; i < count; i++) {
            strength[i] = (float) random.nextDouble();
            age[i] = (float) Math.exp(random.nextDouble(0, 20));
            access[i] = random.nextInt(6);
            lastAccess[i] = 1e9 - age[i];
        }
        DecayCurve[] curves = {new DecayCurve.Exponential(), new DecayCurve.PowerLaw(), new DecayCurve.TwoComponent(),
            new DecayCurve.Ebbinghaus()};
        DecayParams params = DecayParams.of(curves[random.nextInt(curves.length)]);
        float[] expected = REFERENCE.decay(strength, age, access, params);
        MemorySegment inPlace = arena.allocateFrom(ValueLayout.JAVA_FLOAT, strength);
        zig.decay(workspace, inPlace, arena.allocateFrom(ValueLayout.JAVA_FLOAT, age),
                arena.allocateFrom(ValueLayout.JAVA_INT, access), count, params, inPlace);
        assertTrue(KernelTolerance.decay(expected, inPlace.toArray(ValueLayout.JAVA_FLOAT)).agrees());
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = random.nextInt(count);
        }
        float[] gatheredExpected = REFERENCE.decayGather(indices, strength, lastAccess, access, 1e9, params);
        MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, count);
        zig.decayGather(workspace, arena.allocateFrom(ValueLayout.JAVA_INT, indices), count, count,
                arena.allocateFrom(ValueLayout.JAVA_FLOAT, strength), arena.allocateFrom(ValueLayout.JAVA_DOUBLE, lastAccess),
                arena.allocateFrom(ValueLayout.JAVA_INT, access), 1e9, params, out);
        assertTrue(KernelTolerance.decay(gatheredExpected, out.toArray(ValueLayout.JAVA_FLOAT)).agrees());
    }

    private static float[] values(SplittableRandom random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return values;
    }

    /** VmRSS of this process, from /proc/self/status. */
    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
