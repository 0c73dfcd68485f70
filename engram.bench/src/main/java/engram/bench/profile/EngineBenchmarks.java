package engram.bench.profile;

import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import engram.api.KernelLookup;
import engram.api.KernelService;
import engram.api.memory.Cue;
import engram.api.memory.Link;
import engram.api.memory.NewMemory;
import engram.api.memory.RecallOptions;
import engram.api.memory.SpaceStats;
import engram.core.memory.Engine;
import engram.shell.impl.MemoryFiles;
import engram.store.sqlite.SqliteStore;

/**
 * The memory engine's benchmarks (a harness, not JMH: each figure is one timed run of many
 * operations, on the SQLite store in a temporary folder):
 *
 * <ul>
 * <li>ingestion: memories per second through batch {@code rememberAll} (1,000 a commit, d = 768), durable,
 *     and through {@code engram:import}'s reader (a JSON Lines file of 10,000 memories written for
 *     it, imported twice, and the same with 50,000 links);
 * <li>restart: the time to load a store of N memories and 5 N links into a new engine;
 * <li>recall at 10,000 / 50,000 and 100,000 / 500,000: p50, p99 and recalls per second on one
 *     thread and on 4, and the p50 of a recall against the p50 of its own kernel calls
 *     (similarity, spreading and decay, timed inside the recall);
 * <li>memory: heap and off-heap bytes per memory and per link while ingesting, and in all of the
 *     loaded engine;
 * <li>links at the contract's graph size, 1,000,000 memories and 16,000,000 links without a
 *     store: the rate, the bytes per link, how long a merge takes, and how long it keeps a writer
 *     waiting.
 * </ul>
 *
 * Usage: {@code engram.bench/engine [KERNEL] [--links-only]} (default: the best kernel, zig if it
 * loads; {@code --links-only} runs the last part alone).
 */
public final class EngineBenchmarks {
    private static final int DIMENSIONS = 768;
    private static final int BATCH = 1_000;
    private static final int RECALLS = 1_000;
    private static final int THREADS = 4;
    private static final long NOW = 1_767_225_600_000L;

    private EngineBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean linksOnly = rest.remove("--links-only");
        if (rest.size() > 1 || rest.stream().anyMatch(a -> a.startsWith("-"))) {
            throw new IllegalArgumentException("usage: engram.bench/engine [KERNEL] [--links-only]; got "
                    + String.join(" ", args));
        }
        KernelLookup lookup = KernelLookup.find();
        KernelService kernel = rest.isEmpty() ? lookup.best() : lookup.named(rest.get(0)).orElseThrow(
                () -> new IllegalStateException("no kernel " + rest.get(0) + ": " + lookup));
        System.out.println("engine benchmarks on " + kernel.info().id() + " (" + kernel.info().instructionSet() + "), "
                + Runtime.getRuntime().availableProcessors() + " CPUs, JDK " + Runtime.version());
        if (linksOnly) {
            linksAtScale(kernel, 1_000_000, 16_000_000);
            return;
        }
        for (int memories : new int[] {10_000, 100_000}) {
            Path dir = Files.createTempDirectory("engram-engine-bench");
            try {
                scale(kernel, dir, memories, memories * 5);
                if (memories == 10_000) {
                    importRate(kernel, dir.resolve("import"), memories, memories * 5);
                }
            } finally {
                deleteTree(dir);
            }
        }
        linksAtScale(kernel, 1_000_000, 16_000_000);
    }

    /**
     * Links at the contract's graph size, on an engine without a store: {@code memories}
     * memories of d = 8 (their embeddings are not what is measured here) and {@code links}
     * random links through {@code linkAll}, 100,000 a call. Prints the rate, the heap the links
     * take, the merge that {@code flush} makes after the last batch (the background thread has
     * merged earlier batches meanwhile), the merge after one new link (the median of five), and
     * the longest call of a writer that links on another thread all through that merge: how
     * long the merge kept it waiting for the space's lock; then the same for the merge after a
     * batch of 1,000,000 more links, which changes most rows (the merge copies them under the lock).
     */
    private static void linksAtScale(KernelService kernel, int memories, int links) throws InterruptedException {
        System.out.printf(Locale.ROOT, "%n%,d memories (d = 8, no store), %,d links%n", memories, links);
        SplittableRandom random = new SplittableRandom(links);
        long[] ids = new long[memories];
        try (Engine engine = new Engine(kernel)) {
            engine.createSpace("links", 8);
            List<NewMemory> batch = new ArrayList<>(10_000);
            for (int i = 0; i < memories; i++) {
                float[] embedding = new float[8];
                for (int j = 0; j < embedding.length; j++) {
                    embedding[j] = (float) random.nextGaussian();
                }
                batch.add(new NewMemory(embedding, "m" + i, 1f, NOW, Map.of()));
                if (batch.size() == 10_000) {
                    System.arraycopy(engine.rememberAll("links", batch), 0, ids, i + 1 - batch.size(), batch.size());
                    batch.clear();
                }
            }
            engine.flush("links");
            long heapMemories = usedHeap();
            long start = System.nanoTime();
            List<Link> linkBatch = new ArrayList<>(100_000);
            for (int i = 0; i < links; i++) {
                linkBatch.add(new Link(ids[random.nextInt(memories)], ids[random.nextInt(memories)],
                        (float) random.nextDouble()));
                if (linkBatch.size() == 100_000) {
                    engine.linkAll("links", linkBatch);
                    linkBatch.clear();
                    if ((i + 1) % 4_000_000 == 0) {
                        System.out.printf(Locale.ROOT, "  linked %,d of %,d%n", i + 1, links);
                    }
                }
            }
            if (!linkBatch.isEmpty()) {
                engine.linkAll("links", linkBatch);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            engine.flush("links");
            double lastMerge = (System.nanoTime() - start) / 1e6;
            linkBatch = null;
            long heapLinks = usedHeap();
            SpaceStats stats = engine.stats("links");
            double[] oneLink = new double[5];
            double[] writerWait = new double[oneLink.length];
            for (int i = 0; i < oneLink.length; i++) {
                engine.link("links", ids[random.nextInt(memories)], ids[random.nextInt(memories)], 0.5f);
                double[] timed = flushBesideAWriter(engine, ids, random.nextLong());
                oneLink[i] = timed[0];
                writerWait[i] = timed[1];
            }
            // A batch that changes most rows: the merge copies them all under the lock.
            linkBatch = new ArrayList<>(100_000);
            for (int i = 0; i < 1_000_000; i++) {
                linkBatch.add(new Link(ids[random.nextInt(memories)], ids[random.nextInt(memories)],
                        (float) random.nextDouble()));
                if (linkBatch.size() == 100_000) {
                    engine.linkAll("links", linkBatch);
                    linkBatch.clear();
                }
            }
            long unmerged = engine.stats("links").pendingLinks();
            double[] batchMerge = flushBesideAWriter(engine, ids, random.nextLong());
            Arrays.sort(oneLink);
            Arrays.sort(writerWait);
            System.out.printf(Locale.ROOT, "  links: %,.0f links/s (linkAll, 100,000 a call); bytes per link: %.0f (%.0f B"
                    + " on the heap, %.0f B off-heap graph)%n", links / seconds,
                    (heapLinks - heapMemories + stats.graphBytes()) / (double) links,
                    (heapLinks - heapMemories) / (double) links, stats.graphBytes() / (double) links);
            System.out.printf(Locale.ROOT, "  merge: %.0f ms after the last batch; %.0f ms after one new link (median"
                    + " of %d, %.0f to %.0f ms)%n", lastMerge, oneLink[oneLink.length / 2], oneLink.length, oneLink[0],
                    oneLink[oneLink.length - 1]);
            System.out.printf(Locale.ROOT, "  a writer's longest link call during such a merge: %.1f ms (median of %d,"
                    + " %.1f to %.1f ms)%n", writerWait[writerWait.length / 2], writerWait.length, writerWait[0],
                    writerWait[writerWait.length - 1]);
            System.out.printf(Locale.ROOT, "  after 1,000,000 more links (linkAll; %,d of them not merged yet): the merge"
                    + " %.0f ms, a writer's longest link call during it %.1f ms%n", unmerged, batchMerge[0],
                    batchMerge[1]);
        }
    }

    /**
     * Times {@code flush} while a writer links on another thread all through it, and then
     * merges the writer's links: the flush's milliseconds and the writer's longest call's, how
     * long the merge kept it waiting for the space's lock.
     */
    private static double[] flushBesideAWriter(Engine engine, long[] ids, long seed) throws InterruptedException {
        AtomicBoolean merged = new AtomicBoolean();
        long[] longest = new long[1];
        Thread writer = new Thread(() -> {
            SplittableRandom writes = new SplittableRandom(seed);
            while (!merged.get()) {
                long t = System.nanoTime();
                engine.link("links", ids[writes.nextInt(ids.length)], ids[writes.nextInt(ids.length)], 0.5f);
                longest[0] = Math.max(longest[0], System.nanoTime() - t);
            }
        }, "writer");
        writer.start();
        long start = System.nanoTime();
        engine.flush("links");
        double flushMillis = (System.nanoTime() - start) / 1e6;
        merged.set(true);
        writer.join();
        engine.flush("links");
        return new double[] {flushMillis, longest[0] / 1e6};
    }

    /**
     * Ingestion through {@code engram:import}: a JSON Lines file of {@code memories} memories
     * (keys, contents, embeddings of d = 768 as {@link Float#toString(float)} writes them),
     * imported twice into new durable stores (the first import runs while the JIT compiles the
     * reader; the second is the steady rate, as a long import or a second one sees it), then the
     * same file with {@code links} links after the memories, once. Timed from the first line
     * read to the last commit.
     */
    private static void importRate(KernelService kernel, Path dir, int memories, int links) throws Exception {
        Files.createDirectories(dir);
        Path file = dir.resolve("memories.jsonl");
        Path withLinks = dir.resolve("memories-and-links.jsonl");
        SplittableRandom random = new SplittableRandom(memories + 1);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder(16 * DIMENSIONS);
            for (int i = 0; i < memories; i++) {
                line.setLength(0);
                line.append("{\"key\": \"m").append(i).append("\", \"content\": \"memory ").append(i)
                        .append("\", \"embedding\": [");
                float[] v = vector(random);
                for (int j = 0; j < v.length; j++) {
                    line.append(j == 0 ? "" : ", ").append(v[j]);
                }
                line.append("]}\n");
                out.append(line);
            }
        }
        Files.copy(file, withLinks);
        try (BufferedWriter out = Files.newBufferedWriter(withLinks, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND)) {
            for (int i = 0; i < links; i++) {
                out.append("{\"from\": \"m").append(String.valueOf(random.nextInt(memories))).append("\", \"to\": \"m")
                        .append(String.valueOf(random.nextInt(memories))).append("\", \"weight\": ")
                        .append(String.valueOf((float) random.nextDouble())).append("}\n");
            }
        }
        importOnce(kernel, dir.resolve("store-first"), file, "memories only, the first import in this JVM",
                memories, 0);
        importOnce(kernel, dir.resolve("store-second"), file, "memories only, the second", memories, 0);
        importOnce(kernel, dir.resolve("store-links"), withLinks, "with " + String.format(Locale.ROOT, "%,d", links)
                + " links after the memories", memories, links);
    }

    private static void importOnce(KernelService kernel, Path store, Path file, String what, int memories, int links)
            throws Exception {
        try (SqliteStore sqlite = new SqliteStore(store, SqliteStore.Sync.FULL); Engine engine = new Engine(kernel, sqlite)) {
            engine.createSpace("imported", DIMENSIONS);
            MemoryFiles.Imported imported = MemoryFiles.importFile(engine, "imported", file,
                    new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
            if (imported.memories() != memories || imported.links() != links) {
                throw new IllegalStateException("the import stored " + imported.memories() + " memories and "
                        + imported.links() + " links of " + memories + " and " + links);
            }
            double seconds = imported.millis() / 1e3;
            System.out.printf(Locale.ROOT, "  import, %s: %,.0f memories/s (engram:import's reader, %,d memories, %.0f"
                    + " MB of JSON Lines, in %.2f s; 1,000 memories and 10,000 links a commit, synchronous=FULL)%n",
                    what, memories / seconds, memories, Files.size(file) / 1e6, seconds);
        }
    }

    private static void scale(KernelService kernel, Path dir, int memories, int links) throws Exception {
        System.out.printf(Locale.ROOT, "%n%,d memories (d = %d), %,d links%n", memories, DIMENSIONS, links);
        SplittableRandom random = new SplittableRandom(memories);
        long[] ids = new long[memories];
        long heapEmpty = usedHeap();
        try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL); Engine engine = new Engine(kernel, store)) {
            engine.createSpace("bench", DIMENSIONS);
            long start = System.nanoTime();
            List<NewMemory> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < memories; i++) {
                batch.add(new NewMemory(vector(random), "memory " + i, 1f, NOW - random.nextLong(86_400_000L * 30),
                        Map.of()));
                if (batch.size() == BATCH) {
                    System.arraycopy(engine.rememberAll("bench", batch), 0, ids, i + 1 - BATCH, BATCH);
                    batch.clear();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "  ingestion: %,.0f memories/s (rememberAll, %,d a commit, synchronous=FULL)%n",
                    memories / seconds, BATCH);
            batch.clear();
            long heapMemories = usedHeap();
            start = System.nanoTime();
            List<Link> linkBatch = new ArrayList<>(10_000);
            for (int i = 0; i < links; i++) {
                linkBatch.add(new Link(ids[random.nextInt(memories)], ids[random.nextInt(memories)],
                        (float) random.nextDouble()));
                if (linkBatch.size() == 10_000) {
                    engine.linkAll("bench", linkBatch);
                    linkBatch.clear();
                }
            }
            if (!linkBatch.isEmpty()) {
                engine.linkAll("bench", linkBatch);
            }
            System.out.printf(Locale.ROOT, "  links: %,.0f links/s (linkAll, 10,000 a commit)%n",
                    links / ((System.nanoTime() - start) / 1e9));
            linkBatch.clear();
            engine.flush("bench");
            long heapLinks = usedHeap();
            SpaceStats stats = engine.stats("bench");
            double embedding = DIMENSIONS * (double) Float.BYTES;
            System.out.printf(Locale.ROOT, "  bytes per memory: %.0f (%.0f B off-heap embedding and norm, %.0f B on the"
                    + " heap); target 1.25 x %.0f + 64 = %.0f B%n",
                    (heapMemories - heapEmpty + stats.embeddingBytes()) / (double) memories,
                    stats.embeddingBytes() / (double) memories, (heapMemories - heapEmpty) / (double) memories,
                    embedding, 1.25 * embedding + 64);
            System.out.printf(Locale.ROOT, "  bytes per link: %.0f (%.0f B on the heap, %.0f B off-heap graph)%n",
                    (heapLinks - heapMemories + stats.graphBytes()) / (double) links,
                    (heapLinks - heapMemories) / (double) links, stats.graphBytes() / (double) links);
        }
        long heapBefore = usedHeap();
        long start = System.nanoTime();
        TimedKernels timed = new TimedKernels(kernel);
        try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL); Engine engine = new Engine(timed, store)) {
            System.out.printf(Locale.ROOT, "  restart: loaded in %.2f s%n", (System.nanoTime() - start) / 1e9);
            engine.flush("bench");
            long heap = usedHeap() - heapBefore;
            SpaceStats stats = engine.stats("bench");
            double embedding = DIMENSIONS * (double) Float.BYTES;
            System.out.printf(Locale.ROOT, "  memory: %,d B on the heap (rows, ids, contents, the links), %,d B"
                    + " off-heap embeddings and norms, %,d B off-heap graph: %.0f B per memory, links included (the"
                    + " embedding itself: %.0f B; target 1.25 x that + 64 = %.0f B); off-heap embeddings %.0f B per"
                    + " memory%n", heap, stats.embeddingBytes(), stats.graphBytes(),
                    (heap + stats.embeddingBytes() + stats.graphBytes()) / (double) memories, embedding,
                    1.25 * embedding + 64, stats.embeddingBytes() / (double) memories);
            float[][] cues = new float[RECALLS][];
            SplittableRandom random2 = new SplittableRandom(7);
            for (int i = 0; i < RECALLS; i++) {
                cues[i] = vector(random2);
            }
            RecallOptions options = RecallOptions.DEFAULT.withNowMillis(NOW);
            for (int i = 0; i < 200; i++) {
                engine.recall("bench", Cue.of(cues[i]), options);
            }
            long[] latency = new long[RECALLS];
            long[] kernelTime = new long[RECALLS];
            long begin = System.nanoTime();
            for (int i = 0; i < RECALLS; i++) {
                long kernelBefore = timed.total();
                long t = System.nanoTime();
                engine.recall("bench", Cue.of(cues[i]), options);
                latency[i] = System.nanoTime() - t;
                kernelTime[i] = timed.total() - kernelBefore;
            }
            double rps = RECALLS / ((System.nanoTime() - begin) / 1e9);
            long p50 = percentile(latency, 50);
            long kernelP50 = percentile(kernelTime, 50);
            System.out.printf(Locale.ROOT, "  recall, 1 thread: %,.0f recalls/s, p50 %.0f us, p99 %.0f us; its kernel"
                    + " calls p50 %.0f us: recall / kernels = %.2f (target 1.5 or less)%n", rps, p50 / 1e3,
                    percentile(latency, 99) / 1e3, kernelP50 / 1e3, p50 / (double) kernelP50);
            threads(engine, cues, options);
        }
    }

    /** The same recalls from 4 threads at once (the timing decorator is not read here). */
    private static void threads(Engine engine, float[][] cues, RecallOptions options) throws InterruptedException {
        long[][] latency = new long[THREADS][RECALLS / THREADS];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        long begin = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < RECALLS / THREADS; i++) {
                        long start = System.nanoTime();
                        engine.recall("bench", Cue.of(cues[thread * (RECALLS / THREADS) + i]), options);
                        latency[thread][i] = System.nanoTime() - start;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a recall failed", failure.get());
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        long[] all = Stream.of(latency).flatMapToLong(Arrays::stream).toArray();
        System.out.printf(Locale.ROOT, "  recall, %d threads: %,.0f recalls/s, p50 %.0f us, p99 %.0f us%n", THREADS,
                RECALLS / seconds, percentile(all, 50) / 1e3, percentile(all, 99) / 1e3);
    }

    private static long percentile(long[] values, int percent) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)];
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static float[] vector(SplittableRandom random) {
        float[] v = new float[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
