package engram.core.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

import engram.api.CsrGraph;
import engram.api.spi.Holds;

/**
 * The links of one space, between rows. The rows' links ({@link Row}) are the truth and change under the space's
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

    /** The links out of each row, by row; null for a row without any so far. */
    private Row[] out = new Row[0];
    /** The rows with a link to each row, by row (a row's sources, for {@link #removeAll}). */
    private Row[] in = new Row[0];
    private long count;
    private long pending;
    /** The rows whose links out changed since the last merge. */
    private final BitSet dirty = new BitSet();
    /**
     * The rows a merge reads outside the lock: a writer changes a copy of such a row instead
     * ({@link #writableOut}). A set of bits rather than a flag in each row, so that taking a
     * million rows touches none of them (each a likely cache miss).
     */
    private final BitSet frozen = new BitSet();
    private volatile Snapshot snapshot = new Snapshot(CsrGraph.empty(0), System.nanoTime());
    /** Held by the merge that runs, so that merges run one at a time; taken before the space's lock. */
    private final ReentrantLock merging = new ReentrantLock();

    Snapshot snapshot() {
        return snapshot;
    }

    /** Sets the weight of the link {@code from -> to}. Under the write lock. */
    void put(int from, int to, float weight) {
        out = grown(out, from);
        if (out[from] == null) {
            out[from] = new Row(true);
        }
        dirty.set(from);
        if (writableOut(from).put(to, weight)) {
            in = grown(in, to);
            if (in[to] == null) {
                in[to] = new Row(false);
            }
            // A new link: its source is not among the target's yet, so no search.
            in[to].add(from, 0f);
            count++;
        }
        pending++;
    }

    /** Removes every link from or to {@code row}. Under the write lock. */
    void removeAll(int row) {
        Row targets = row < out.length ? out[row] : null;
        if (targets != null) {
            out[row] = null;
            dirty.set(row);
            for (int i = 0; i < targets.size; i++) {
                int to = targets.keys[i];
                if (to != row) {
                    in[to].remove(row);
                }
            }
            count -= targets.size;
            pending += targets.size;
        }
        Row sources = row < in.length ? in[row] : null;
        if (sources != null) {
            in[row] = null;
            for (int i = 0; i < sources.size; i++) {
                int from = sources.keys[i];
                if (from != row && out[from].find(row) >= 0) {
                    writableOut(from).remove(row);
                    dirty.set(from);
                    count--;
                    pending++;
                }
            }
        }
    }

    /**
     * Row {@code from}'s links out, ready to change: a copy in its place if a merge is reading
     * it outside the lock ({@link #frozen}), which then reads the row as it was.
     */
    private Row writableOut(int from) {
        Row row = out[from];
        if (frozen.get(from)) {
            row = row.copy();
            out[from] = row;
            frozen.clear(from);
        }
        return row;
    }

    /** {@code rows} grown, if need be, to hold row {@code row}. */
    private static Row[] grown(Row[] rows, int row) {
        if (row < rows.length) {
            return rows;
        }
        return Arrays.copyOf(rows, Math.max(row + 1, (int) Math.min(Integer.MAX_VALUE - 8, rows.length * 3L / 2 + 16)));
    }

    /** Receives a link. */
    interface LinkVisitor {
        void visit(int from, int to, float weight);
    }

    /** Every link, by source row then target row. Under the write lock. */
    void forEach(LinkVisitor visitor) {
        for (int from = 0; from < out.length; from++) {
            Row row = out[from];
            if (row == null) {
                continue;
            }
            long[] sorted = row.sorted();
            for (long link : sorted) {
                visitor.visit(from, Row.target(link), Row.weight(link));
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
     * Brings the snapshot up to date: a new one over {@code rows.getAsInt()} rows if links
     * changed since the last one or rows were added, and the old one retired (its graph closed
     * once no recall holds it). Holds {@code spaceLock}, the space's write lock under which the
     * rows change, only for the short ends of the work: to take the rows whose links changed
     * (the {@code dirty} ones; they are frozen, not copied: a writer that changes one meanwhile
     * changes a copy of it), and to publish the new snapshot. In between, with the lock free
     * for writers, it sorts the taken rows and writes the graph straight into its native
     * memory ({@link CsrGraph#build}), every other row copied from the old snapshot run by run.
     * Changes made meanwhile mark their rows dirty again, for the next merge. Merges run one at
     * a time. If the build fails, its rows are dirty again, so nothing is lost.
     *
     * @param spaceLock the space's write lock; the caller must not hold it
     * @param tryOnly give up at once, rather than wait, if another merge runs or a writer holds
     *     the lock (the background merges)
     * @return false if it gave up
     */
    boolean merge(Lock spaceLock, IntSupplier rows, boolean tryOnly) {
        if (!take(merging, tryOnly)) {
            return false;
        }
        try {
            if (!take(spaceLock, tryOnly)) {
                return false;
            }
            Changes changes;
            try {
                changes = takeChanges(rows.getAsInt());
            } finally {
                spaceLock.unlock();
            }
            if (changes == null) {
                return true;
            }
            CsrGraph graph;
            try {
                graph = changes.build();
            } catch (RuntimeException | Error e) {
                spaceLock.lock();
                try {
                    giveBack(changes);
                } finally {
                    spaceLock.unlock();
                }
                throw e;
            } finally {
                changes.old.release();
            }
            spaceLock.lock();
            try {
                publish(changes, graph);
            } finally {
                spaceLock.unlock();
            }
            return true;
        } finally {
            merging.unlock();
        }
    }

    /** Takes {@code lock}, or only tries to; whether it is held. */
    private static boolean take(Lock lock, boolean tryOnly) {
        if (tryOnly) {
            return lock.tryLock();
        }
        lock.lock();
        return true;
    }

    /**
     * The changes since the last snapshot, taken under the space's lock: the dirty rows, frozen,
     * which are then clean; null if there are none, or the links are closed. Holds the old
     * snapshot, so that its graph stays open while the build reads it.
     */
    private Changes takeChanges(int rows) {
        Snapshot old = snapshot;
        if (pending == 0 && old.graph().nodeCount() == rows) {
            return null;
        }
        // Retired: closed (the space was dropped); no recall reads a new snapshot, which would only leak.
        if (!old.hold()) {
            return null;
        }
        int changedCount = 0;
        for (int u = dirty.nextSetBit(0); u >= 0 && u < rows; u = dirty.nextSetBit(u + 1)) {
            changedCount++;
        }
        int[] changed = new int[changedCount];
        Row[] taken = new Row[changedCount];
        int i = 0;
        for (int u = dirty.nextSetBit(0); u >= 0 && u < rows; u = dirty.nextSetBit(u + 1)) {
            changed[i] = u;
            // Not copied here, under the lock: a writer copies it before changing it.
            taken[i++] = u < out.length ? out[u] : null;
        }
        frozen.or(dirty);
        frozen.clear(rows, Math.max(rows, frozen.length()));
        dirty.clear(0, rows);
        Changes changes = new Changes(old, rows, changed, taken, pending);
        pending = 0;
        return changes;
    }

    /** Marks a failed build's rows dirty again, under the space's lock. */
    private void giveBack(Changes changes) {
        for (int u : changes.changed) {
            dirty.set(u);
        }
        pending += changes.pending;
        thaw();
    }

    /** Lets writers change in place the rows the merge read (one merge runs at a time). */
    private void thaw() {
        frozen.clear();
    }

    /** Makes {@code graph} the snapshot, under the space's lock; closes it instead if the links were closed. */
    private void publish(Changes changes, CsrGraph graph) {
        thaw();
        Snapshot old = changes.old;
        if (old.isRetired() || snapshot != old) {
            graph.close();
            return;
        }
        snapshot = new Snapshot(graph, System.nanoTime());
        old.retire();
    }

    /**
     * What a merge takes under the lock: the old snapshot (held), the row count, and the rows
     * whose links changed ({@code changed}, ascending) with their links ({@code taken}: the rows
     * themselves, frozen until the merge ends, so that writers change copies; null for none).
     */
    private record Changes(Snapshot old, int rows, int[] changed, Row[] taken, long pending) {
        /** The new graph: the changed rows as taken, every other row from the old graph. */
        CsrGraph build() {
            CsrGraph before = old.graph();
            int reusable = Math.min(before.nodeCount(), rows);
            MemorySegment oldOffsets = before.offsets();
            long[][] sorted = new long[taken.length][];
            for (int i = 0; i < taken.length; i++) {
                sorted[i] = taken[i] == null ? new long[0] : taken[i].sorted();
            }
            int[] offsets = new int[rows + 1];
            long edges = 0;
            int next = 0;
            for (int u = 0; u < rows; u++) {
                if (edges > Integer.MAX_VALUE) {
                    throw new IllegalStateException("the space has more than " + Integer.MAX_VALUE + " links, the"
                            + " most a graph holds; forget memories or remove links to merge them");
                }
                offsets[u] = (int) edges;
                if (next < changed.length && changed[next] == u) {
                    edges += sorted[next++].length;
                } else if (u < reusable) {
                    edges += oldOffsets.getAtIndex(ValueLayout.JAVA_INT, u + 1)
                            - oldOffsets.getAtIndex(ValueLayout.JAVA_INT, u);
                }
            }
            if (edges > Integer.MAX_VALUE) {
                throw new IllegalStateException("the space has " + edges + " links, more than the " + Integer.MAX_VALUE
                        + " a graph holds; forget memories or remove links to merge them");
            }
            offsets[rows] = (int) edges;
            return CsrGraph.build(rows, (int) edges, (newOffsets, targets, weights) -> {
                MemorySegment.copy(offsets, 0, newOffsets, ValueLayout.JAVA_INT, 0, offsets.length);
                int runStart = -1;
                int at = 0;
                for (int u = 0; u <= rows; u++) {
                    boolean isChanged = at < changed.length && changed[at] == u;
                    boolean clean = u < reusable && !isChanged;
                    if (clean && runStart < 0) {
                        runStart = u;
                    } else if (!clean && runStart >= 0) {
                        copyRun(before, runStart, u, offsets[runStart], targets, weights);
                        runStart = -1;
                    }
                    if (isChanged) {
                        long j = offsets[u];
                        for (long link : sorted[at]) {
                            targets.setAtIndex(ValueLayout.JAVA_INT, j, Row.target(link));
                            weights.setAtIndex(ValueLayout.JAVA_FLOAT, j, Row.weight(link));
                            j++;
                        }
                        at++;
                    }
                }
            });
        }

        /** Copies the links of the old graph's rows {@code from..to-1} to the new graph's at {@code at}. */
        private static void copyRun(CsrGraph before, int from, int to, int at, MemorySegment targets,
                MemorySegment weights) {
            long first = before.offsets().getAtIndex(ValueLayout.JAVA_INT, from);
            long bytes = (before.offsets().getAtIndex(ValueLayout.JAVA_INT, to) - first) * Integer.BYTES;
            MemorySegment.copy(before.targets(), first * Integer.BYTES, targets, (long) at * Integer.BYTES, bytes);
            MemorySegment.copy(before.weights(), first * Float.BYTES, weights, (long) at * Float.BYTES, bytes);
        }
    }

    @Override
    public void close() {
        snapshot.retire();
    }

    /**
     * The links of one row: its keys (the target rows of its links out, or the source rows of its
     * links in) in the order they came, with their weights for links out; a row of more than
     * {@value #INDEXED_FROM} keys also has a hash index of them, so that a hub's put and remove
     * take constant time, not one step per link. About 10 bytes a link out and 5 a link in,
     * against some 140 for boxed maps. Sorted by key only when read ({@link #sorted()}).
     */
    static final class Row {
        /** The least number of keys that has a hash index; below it, a search reads them all. */
        static final int INDEXED_FROM = 32;

        int[] keys = new int[2];
        private float[] weights;
        int size;
        /** Open addressing: slot to position + 1, 0 for an empty slot; null when not built. */
        private int[] index;

        Row(boolean weighted) {
            weights = weighted ? new float[2] : null;
        }

        /** A copy of the row's keys and weights, without the index. */
        Row copy() {
            Row copy = new Row(weights != null);
            copy.keys = Arrays.copyOf(keys, size);
            copy.weights = weights == null ? null : Arrays.copyOf(weights, size);
            copy.size = size;
            return copy;
        }

        /** Sets the key's weight (ignored for a row without weights); true if the key is new. */
        boolean put(int key, float weight) {
            int at = find(key);
            if (at >= 0) {
                if (weights != null) {
                    weights[at] = weight;
                }
                return false;
            }
            add(key, weight);
            return true;
        }

        /** Appends a key the row does not hold (unchecked: the caller knows it is new). */
        void add(int key, float weight) {
            if (size == keys.length) {
                int capacity = (int) Math.min(Integer.MAX_VALUE - 8, size * 3L / 2 + 2);
                keys = Arrays.copyOf(keys, capacity);
                if (weights != null) {
                    weights = Arrays.copyOf(weights, capacity);
                }
            }
            keys[size] = key;
            if (weights != null) {
                weights[size] = weight;
            }
            size++;
            if (index != null) {
                if (size * 2 > index.length) {
                    index = null;
                } else {
                    insert(index, key, size);
                }
            }
        }

        /** Removes the key, its place taken by the last one; true if it was there. */
        boolean remove(int key) {
            int at = find(key);
            if (at < 0) {
                return false;
            }
            size--;
            keys[at] = keys[size];
            if (weights != null) {
                weights[at] = weights[size];
            }
            // Rebuilt at the next search: removals come in bulk, when a memory is forgotten.
            index = null;
            return true;
        }

        /** The key's position, or -1. */
        int find(int key) {
            if (size < INDEXED_FROM) {
                for (int i = 0; i < size; i++) {
                    if (keys[i] == key) {
                        return i;
                    }
                }
                return -1;
            }
            if (index == null) {
                index = new int[Integer.highestOneBit(size) * 4];
                for (int i = 0; i < size; i++) {
                    insert(index, keys[i], i + 1);
                }
            }
            int mask = index.length - 1;
            for (int slot = hash(key) & mask; index[slot] != 0; slot = (slot + 1) & mask) {
                int at = index[slot] - 1;
                if (keys[at] == key) {
                    return at;
                }
            }
            return -1;
        }

        private static void insert(int[] index, int key, int positionPlusOne) {
            int mask = index.length - 1;
            int slot = hash(key) & mask;
            while (index[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            index[slot] = positionPlusOne;
        }

        private static int hash(int key) {
            return key * 0x9E3779B9 >>> 7 ^ key;
        }

        /** The links by key, ascending: key in the high half, the weight's bits in the low one. */
        long[] sorted() {
            long[] links = new long[size];
            for (int i = 0; i < size; i++) {
                int bits = weights == null ? 0 : Float.floatToRawIntBits(weights[i]);
                links[i] = (long) keys[i] << 32 | (bits & 0xFFFF_FFFFL);
            }
            Arrays.sort(links);
            return links;
        }

        static int target(long link) {
            return (int) (link >>> 32);
        }

        static float weight(long link) {
            return Float.intBitsToFloat((int) link);
        }
    }
}
