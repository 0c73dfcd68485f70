package engram.core.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import engram.api.CsrGraph;
import engram.api.spi.Holds;

/**
 * The links of one space, between rows. The maps are the truth and change under the space's
 * write lock; recalls read an immutable CSR snapshot ({@link #snapshot()}) that
 * {@link #merge} rebuilds from them, in batches. A recall holds its snapshot from start to
 * end ({@link Snapshot#hold()}), and a replaced snapshot is retired: its graph is closed when
 * the last recall holding it returns, not before, so a kernel call of that recall never meets
 * a closed graph (a kernel refuses a closed graph even while another call holds it).
 */
final class Links implements AutoCloseable {
    /**
     * A graph recalls read: made at {@code madeNanos} over the first {@code graph.nodeCount()}
     * rows. Its graph stays open while a recall holds it, even once a newer snapshot replaced it.
     */
    static final class Snapshot {
        private final CsrGraph graph;
        private final long madeNanos;
        private final Holds holds = new Holds();

        Snapshot(CsrGraph graph, long madeNanos) {
            this.graph = graph;
            this.madeNanos = madeNanos;
        }

        CsrGraph graph() {
            return graph;
        }

        long madeNanos() {
            return madeNanos;
        }

        /**
         * Holds the snapshot for one recall, so its graph is not closed under it; pair a
         * {@code true} result with {@link #release()}.
         *
         * @return false if the snapshot is retired: read {@link Links#snapshot()} again
         */
        boolean hold() {
            return holds.hold(this);
        }

        /** Ends a hold taken by {@link #hold()}; the last one of a retired snapshot closes its graph. */
        void release() {
            if (holds.release()) {
                graph.close();
            }
        }

        /** Whether {@link #retire()} was called. */
        boolean isRetired() {
            return holds.isClosed();
        }

        /** Retires the snapshot: no new holds, and its graph is closed once no recall holds it. */
        void retire() {
            if (holds.close()) {
                graph.close();
            }
        }

        @Override
        public String toString() {
            return "links snapshot of " + graph;
        }
    }

    private final Map<Integer, TreeMap<Integer, Float>> out = new HashMap<>();
    private final Map<Integer, Set<Integer>> in = new HashMap<>();
    private long count;
    private long pending;
    /** The rows whose links out changed since the last merge. */
    private final BitSet dirty = new BitSet();
    private volatile Snapshot snapshot = new Snapshot(CsrGraph.empty(0), System.nanoTime());

    Snapshot snapshot() {
        return snapshot;
    }

    /** Sets the weight of the link {@code from -> to}. Under the write lock. */
    void put(int from, int to, float weight) {
        Float before = out.computeIfAbsent(from, f -> new TreeMap<>()).put(to, weight);
        dirty.set(from);
        if (before == null) {
            in.computeIfAbsent(to, t -> new HashSet<>()).add(from);
            count++;
        }
        pending++;
    }

    /** Removes every link from or to {@code row}. Under the write lock. */
    void removeAll(int row) {
        TreeMap<Integer, Float> targets = out.remove(row);
        if (targets != null) {
            dirty.set(row);
            for (int to : targets.keySet()) {
                Set<Integer> sources = in.get(to);
                if (sources != null) {
                    sources.remove(row);
                }
            }
            count -= targets.size();
            pending += targets.size();
        }
        Set<Integer> sources = in.remove(row);
        if (sources != null) {
            for (int from : sources) {
                TreeMap<Integer, Float> fromTargets = out.get(from);
                if (fromTargets != null && fromTargets.remove(row) != null) {
                    dirty.set(from);
                    count--;
                    pending++;
                }
            }
        }
    }

    /** Receives a link. */
    interface LinkVisitor {
        void visit(int from, int to, float weight);
    }

    /** Every link, by source row then target row. Under the write lock. */
    void forEach(LinkVisitor visitor) {
        for (Map.Entry<Integer, TreeMap<Integer, Float>> from : new TreeMap<>(out).entrySet()) {
            for (Map.Entry<Integer, Float> to : from.getValue().entrySet()) {
                visitor.visit(from.getKey(), to.getKey(), to.getValue());
            }
        }
    }

    long count() {
        return count;
    }

    long pending() {
        return pending;
    }

    /**
     * A new snapshot over {@code rows} rows if links changed since the last one or rows were
     * added; under the write lock. The old snapshot is retired (its graph closed once no recall
     * holds it). The rows whose links did not change since (all but the {@code dirty} ones) are
     * copied from the old snapshot's arrays, run by run, rather than read out of their maps:
     * a few links added to a large graph cost a copy of it, not a walk over every link's boxes.
     */
    void merge(int rows) {
        Snapshot old = snapshot;
        CsrGraph before = old.graph();
        if (pending == 0 && before.nodeCount() == rows) {
            return;
        }
        if (old.isRetired()) {
            // Closed (the space was dropped): no recall reads a new snapshot, which would only leak.
            // Only merge and close retire a snapshot, both under the write lock, so the old one's
            // arrays stay open while this reads them.
            return;
        }
        int[] offsets = new int[rows + 1];
        int reusable = Math.min(before.nodeCount(), rows);
        int[] oldOffsets = before.offsets().asSlice(0, ((long) before.nodeCount() + 1) * Integer.BYTES)
                .toArray(ValueLayout.JAVA_INT);
        int edges = 0;
        for (int u = 0; u < rows; u++) {
            offsets[u] = edges;
            if (u < reusable && !dirty.get(u)) {
                edges += oldOffsets[u + 1] - oldOffsets[u];
            } else {
                TreeMap<Integer, Float> row = out.get(u);
                edges += row == null ? 0 : row.size();
            }
        }
        offsets[rows] = edges;
        int[] targets = new int[edges];
        float[] weights = new float[edges];
        int runStart = -1;
        for (int u = 0; u <= rows; u++) {
            boolean clean = u < reusable && !dirty.get(u);
            if (clean && runStart < 0) {
                runStart = u;
            } else if (!clean && runStart >= 0) {
                copyRun(before, oldOffsets, runStart, u, offsets[runStart], targets, weights);
                runStart = -1;
            }
            if (u == rows || clean) {
                continue;
            }
            TreeMap<Integer, Float> row = out.get(u);
            if (row == null) {
                continue;
            }
            int j = offsets[u];
            for (Map.Entry<Integer, Float> edge : row.entrySet()) {
                targets[j] = edge.getKey();
                weights[j] = edge.getValue();
                j++;
            }
        }
        snapshot = new Snapshot(CsrGraph.of(offsets, targets, weights), System.nanoTime());
        pending = 0;
        dirty.clear();
        old.retire();
    }

    /** Copies the links of the old graph's rows {@code from..to-1} to the new arrays at {@code at}. */
    private static void copyRun(CsrGraph before, int[] oldOffsets, int from, int to, int at, int[] targets,
            float[] weights) {
        int first = oldOffsets[from];
        int count = oldOffsets[to] - first;
        MemorySegment.copy(before.targets(), ValueLayout.JAVA_INT, (long) first * Integer.BYTES, targets, at, count);
        MemorySegment.copy(before.weights(), ValueLayout.JAVA_FLOAT, (long) first * Float.BYTES, weights, at, count);
    }

    @Override
    public void close() {
        snapshot.retire();
    }
}
