package engram.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

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
        links.merge(2);
        Links.Snapshot held = links.snapshot();
        assertTrue(held.hold());
        assertTrue(held.hold(), "two recalls hold one snapshot");

        links.put(1, 2, 0.5f);
        links.merge(3);
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
        links.merge(4);
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
            } else {
                links.merge(rows);
                assertSnapshotIs(model, rows, links.snapshot().graph());
                assertEquals(model.values().stream().mapToLong(TreeMap::size).sum(), links.count());
                List<String> visited = new ArrayList<>();
                links.forEach((from, to, weight) -> visited.add(from + ">" + to + ":" + weight));
                List<String> expected = new ArrayList<>();
                model.forEach((from, targets) -> targets.forEach((to, weight) -> expected.add(from + ">" + to + ":"
                        + weight)));
                assertEquals(expected, visited, "forEach visits every link by source, then target");
            }
        }
        links.merge(rows + 1);
        assertSnapshotIs(model, rows + 1, links.snapshot().graph());
        links.close();
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
