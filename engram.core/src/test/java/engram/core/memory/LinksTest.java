package engram.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.Test;

import engram.api.CsrGraph;
import engram.api.KernelLookup;
import engram.api.KernelService;
import engram.api.SpreadParams;

/** A recall's snapshot stays open for its kernel calls while a writer replaces it. */
class LinksTest {
    private final KernelService kernels = KernelLookup.find().named("reference").orElseThrow();

    @Test
    void aHeldSnapshotKeepsItsGraphOpenWhenReplacedAndClosesItAtTheLastRelease() {
        Links links = new Links();
        links.put(0, 1, 0.5f);
        merge(links, 2);
        Links.Snapshot held = links.snapshot();
        assertTrue(held.hold());
        assertTrue(held.hold(), "two recalls hold one snapshot");

        links.put(1, 2, 0.5f);
        merge(links, 3);
        assertNotSame(held, links.snapshot(), "the writer replaced the snapshot");
        assertFalse(held.hold(), "a replaced snapshot takes no new recall");
        assertTrue(held.graph().isOpen(), "the recalls holding the replaced snapshot still call kernels on it");
        assertEquals(2, spread(held), "seed 0 and its one link");

        held.release();
        assertTrue(held.graph().isOpen(), "one recall still holds it");
        held.release();
        assertFalse(held.graph().isOpen(), "the last release closes the replaced graph");

        Links.Snapshot current = links.snapshot();
        assertTrue(current.hold());
        assertEquals(3, spread(current));
        current.release();
        assertTrue(current.graph().isOpen(), "the current snapshot is not retired");
        links.close();
        assertFalse(current.graph().isOpen(), "closing the links closes an unheld snapshot at once");
        links.put(0, 2, 0.5f);
        merge(links, 4);
        assertSame(current, links.snapshot(), "closed links make no new snapshot, which nothing would free");
    }

    @Test
    void everyMergeGivesTheGraphOfAllTheLinksAsIfBuiltAfresh() {
        checkAgainstModel(new Random(11), 4, 3_000, 0);
    }

    @Test
    void hubsWithIndexedRowsGiveTheSameGraphs() {
        // Half the puts touch row 0 or row 1, as source or target: their rows pass the size at
        // which a row builds its hash index, grow past it, and lose links to removals.
        Random random = new Random(23);
        for (int round = 0; round < 4; round++) {
            checkAgainstModel(random, 200, 6_000, 0.5);
        }
    }

    /**
     * Random puts (new links and new weights of old ones), removals of a row's links and merges
     * between them over a growing number of rows, {@code hubShare} of the puts from or to row 0
     * or 1: each snapshot must hold, row by row and in target order, exactly the links there
     * are, whatever rows it copied.
     */
    private static void checkAgainstModel(Random random, int startRows, int steps, double hubShare) {
        Links links = new Links();
        Map<Integer, TreeMap<Integer, Float>> model = new TreeMap<>();
        int rows = startRows;
        for (int step = 0; step < steps; step++) {
            int what = random.nextInt(20);
            if (what < 12) {
                int from = random.nextInt(rows);
                int to = random.nextInt(rows);
                if (random.nextDouble() < hubShare) {
                    if (random.nextBoolean()) {
                        from = random.nextInt(2);
                    } else {
                        to = random.nextInt(2);
                    }
                }
                float weight = random.nextInt(8) / 8f;
                links.put(from, to, weight);
                model.computeIfAbsent(from, f -> new TreeMap<>()).put(to, weight);
            } else if (what < 14) {
                // Rarely a hub: its removal empties the other rows' indexed sources and targets.
                int row = random.nextInt(40) == 0 ? random.nextInt(2) : random.nextInt(rows);
                links.removeAll(row);
                model.remove(row);
                model.values().forEach(targets -> targets.remove(row));
            } else if (what < 16) {
                rows += random.nextInt(3);
            } else if (what < 18) {
                merge(links, rows);
                assertSnapshotIs(model, rows, links.snapshot().graph());
                assertEquals(model.values().stream().mapToLong(TreeMap::size).sum(), links.count());
                List<String> visited = new ArrayList<>();
                links.forEach((from, to, weight) -> visited.add(from + ">" + to + ":" + weight));
                List<String> expected = new ArrayList<>();
                model.forEach((from, targets) -> targets.forEach((to, weight) -> expected.add(from + ">" + to + ":"
                        + weight)));
                assertEquals(expected, visited, "forEach visits every link by source, then target");
            } else {
                // Writers change rows while the merge builds, with the lock free: the snapshot
                // holds the links as they were when the merge took them; the next one the rest.
                Map<Integer, TreeMap<Integer, Float>> taken = copyOf(model);
                int merged = rows;
                PausingLock lock = new PausingLock(() -> {
                    for (int i = 0; i < 3; i++) {
                        int from = random.nextInt(merged);
                        if (random.nextInt(4) == 0) {
                            links.removeAll(from);
                            model.remove(from);
                            model.values().forEach(targets -> targets.remove(from));
                        } else {
                            int to = random.nextInt(merged);
                            float weight = random.nextInt(8) / 8f;
                            links.put(from, to, weight);
                            model.computeIfAbsent(from, f -> new TreeMap<>()).put(to, weight);
                        }
                    }
                });
                assertTrue(links.merge(lock, () -> merged, false));
                assertTrue(lock.ranBetween, "the writers ran while the merge built");
                assertSnapshotIs(taken, rows, links.snapshot().graph());
            }
        }
        merge(links, rows + 1);
        assertSnapshotIs(model, rows + 1, links.snapshot().graph());
        links.close();
    }

    private static Map<Integer, TreeMap<Integer, Float>> copyOf(Map<Integer, TreeMap<Integer, Float>> model) {
        Map<Integer, TreeMap<Integer, Float>> copy = new TreeMap<>();
        model.forEach((from, targets) -> copy.put(from, new TreeMap<>(targets)));
        return copy;
    }

    @Test
    void aMergeBuildsWithTheLockFreeAndWhatChangedMeanwhileComesWithTheNextOne() {
        Links links = new Links();
        links.put(0, 1, 0.5f);
        PausingLock lock = new PausingLock(() -> links.put(1, 0, 0.25f));
        assertTrue(links.merge(lock, () -> 2, false));
        assertTrue(lock.ranBetween);
        assertEquals(1, links.snapshot().graph().edgeCount(), "the link put during the build is not in it");
        assertEquals(1, links.pending(), "it waits for the next merge");
        merge(links, 2);
        assertEquals(2, links.snapshot().graph().edgeCount());
        assertEquals(0, links.pending());
        links.close();
    }

    @Test
    void aFailedBuildLeavesItsRowsToTheNextMerge() {
        Links links = new Links();
        links.put(0, 3, 0.5f);
        links.put(2, 1, 0.75f);
        Links.Snapshot before = links.snapshot();
        // Too few rows for the target 3: the graph's validation refuses it.
        assertThrows(IllegalArgumentException.class, () -> merge(links, 3));
        assertSame(before, links.snapshot(), "recalls keep the last graph");
        assertTrue(before.graph().isOpen(), "and the failed merge gave back its hold");
        assertEquals(2, links.pending());
        merge(links, 4);
        CsrGraph graph = links.snapshot().graph();
        assertEquals(2, graph.edgeCount(), "both rows were given back");
        assertEquals(3, graph.targets().getAtIndex(ValueLayout.JAVA_INT, 0));
        assertEquals(1, graph.targets().getAtIndex(ValueLayout.JAVA_INT, 1));
        links.close();
    }

    @Test
    void linksClosedDuringABuildKeepNoNewSnapshotAndTheOldGraphIsFreed() {
        Links links = new Links();
        links.put(0, 1, 0.5f);
        merge(links, 2);
        Links.Snapshot before = links.snapshot();
        links.put(1, 0, 0.5f);
        PausingLock lock = new PausingLock(links::close);
        assertTrue(links.merge(lock, () -> 2, false));
        assertSame(before, links.snapshot(), "no snapshot after the close");
        assertTrue(before.isRetired());
        assertFalse(before.graph().isOpen(), "the merge's hold was the last: the old graph is freed");
    }

    @Test
    void aBackgroundMergeGivesUpWhileAWriterHoldsTheLock() throws Exception {
        Links links = new Links();
        links.put(0, 1, 0.5f);
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            lock.lock();
            try {
                held.countDown();
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        });
        writer.start();
        held.await();
        assertFalse(links.merge(lock, () -> 2, true), "tryOnly: no wait for the writer");
        assertEquals(1, links.pending(), "nothing taken");
        done.countDown();
        writer.join();
        assertTrue(links.merge(lock, () -> 2, true));
        assertEquals(1, links.snapshot().graph().edgeCount());
        links.close();
    }

    /** A merge under a lock no other thread takes. */
    private static void merge(Links links, int rows) {
        assertTrue(links.merge(new ReentrantLock(), () -> rows, false));
    }

    /**
     * The space's lock as a merge takes it, which runs {@code between} once, after the merge
     * first lets it go: while the merge builds. It checks that the lock is free then, and takes
     * it around {@code between} as a writer would.
     */
    private static final class PausingLock implements Lock {
        private final ReentrantLock lock = new ReentrantLock();
        private final Runnable between;
        boolean ranBetween;

        PausingLock(Runnable between) {
            this.between = between;
        }

        @Override
        public void lock() {
            lock.lock();
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            lock.lockInterruptibly();
        }

        @Override
        public boolean tryLock() {
            return lock.tryLock();
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            return lock.tryLock(time, unit);
        }

        @Override
        public void unlock() {
            lock.unlock();
            if (!ranBetween) {
                ranBetween = true;
                assertFalse(lock.isLocked(), "the merge builds with the lock free");
                lock.lock();
                try {
                    between.run();
                } finally {
                    lock.unlock();
                }
            }
        }

        @Override
        public Condition newCondition() {
            return lock.newCondition();
        }
    }

    private static void assertSnapshotIs(Map<Integer, TreeMap<Integer, Float>> model, int rows, CsrGraph graph) {
        assertEquals(rows, graph.nodeCount());
        int[] offsets = graph.offsets().toArray(ValueLayout.JAVA_INT);
        int[] targets = graph.targets().toArray(ValueLayout.JAVA_INT);
        float[] weights = graph.weights().toArray(ValueLayout.JAVA_FLOAT);
        assertEquals(0, offsets[0]);
        for (int u = 0; u < rows; u++) {
            TreeMap<Integer, Float> want = model.getOrDefault(u, new TreeMap<>());
            assertEquals(want.size(), offsets[u + 1] - offsets[u], "the links out of row " + u);
            int j = offsets[u];
            for (Map.Entry<Integer, Float> link : want.entrySet()) {
                assertEquals(link.getKey(), targets[j], "row " + u + ", link " + (j - offsets[u]));
                assertEquals(link.getValue(), weights[j], "row " + u + " -> " + link.getKey());
                j++;
            }
        }
        assertEquals(targets.length, offsets[rows]);
    }

    private int spread(Links.Snapshot snapshot) {
        int capacity = 4;
        return kernels.spreadSparse(null, snapshot.graph(), MemorySegment.ofArray(new int[] {0}),
                MemorySegment.ofArray(new float[] {1f}), 1, SpreadParams.exponential(3, 0.9f, 0.01f),
                MemorySegment.ofArray(new int[capacity]), MemorySegment.ofArray(new float[capacity]),
                MemorySegment.ofArray(new int[capacity]), capacity);
    }
}
