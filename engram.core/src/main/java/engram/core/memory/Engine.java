package engram.core.memory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.KernelService;
import engram.api.SpreadParams;
import engram.api.memory.Cue;
import engram.api.memory.ForgetMode;
import engram.api.memory.Link;
import engram.api.memory.Memory;
import engram.api.memory.MemoryEngine;
import engram.api.memory.NewMemory;
import engram.api.memory.RecallMode;
import engram.api.memory.RecallOptions;
import engram.api.memory.Recalled;
import engram.api.memory.SpaceInfo;
import engram.api.memory.SpaceStats;
import engram.api.memory.UnknownMemoryException;
import engram.api.memory.UnknownSpaceException;
import engram.api.memory.store.AccessUpdate;
import engram.api.memory.store.MemoryStore;
import engram.api.memory.store.StoredLink;
import engram.api.memory.store.StoredMemory;

/**
 * The memory engine over one {@link KernelService} (in OSGi, the router) and one
 * {@link MemoryStore}: spaces in memory, embeddings in off-heap slabs, links in CSR
 * snapshots merged every {@value #MERGE_EVERY_MILLIS} ms by a background thread (or at
 * {@link #flush}), less often for a space whose merges take long ({@link #MERGE_SHARE_INVERSE}).
 *
 * <p>Every change is written to the store before it is made in memory and before the method
 * returns, so a returned {@code remember}, {@code link} or {@code forget} is as durable as the
 * store says ({@link MemoryStore#durability()}). The accesses recalls record reach the store
 * in batches, at most {@value #ACCESS_FLUSH_MILLIS} ms after the recall (and when the engine
 * closes). On start the engine loads the store.
 */
public final class Engine implements MemoryEngine, AutoCloseable {
    /** How often the background thread merges new links into the snapshots recalls read. */
    static final long MERGE_EVERY_MILLIS = 50;
    /**
     * The background merges of a space take at most one part in this many of the merging
     * thread's time: after a merge that took d, the next begins 10 d after it began at the
     * earliest. A merge rebuilds the whole graph, in a time that grows with the number of links
     * (it holds the space's lock only to copy the rows that changed and to publish the graph:
     * {@link Links#merge}); without this bound a large graph that gains a link every few
     * milliseconds would keep a core busy with merges, and one merge would follow another.
     */
    static final long MERGE_SHARE_INVERSE = 10;
    /** The most activated nodes a spread returns before it is run again with more room. */
    private static final int FIRST_CAPACITY = 4_096;
    /** How late a recall's access update may reach the store. */
    static final long ACCESS_FLUSH_MILLIS = 1_000;
    /** Memories appended to a slab at a time while loading. */
    private static final int LOAD_BATCH = 1_024;
    /** How often loading says how far it is. */
    private static final long LOAD_PROGRESS_EVERY = 100_000;
    private static final System.Logger LOG = System.getLogger("engram.core.memory");

    private final KernelService kernels;
    private final MemoryStore store;
    private final LongSupplier clock;
    private final Object spacesLock = new Object();
    private final Map<String, Space> spaces = new ConcurrentSkipListMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final ScheduledExecutorService merger;

    /** An engine on {@code kernels} that keeps its memories only as long as it runs. */
    public Engine(KernelService kernels) {
        this(kernels, new NoStore(), System::currentTimeMillis);
    }

    /** An engine on {@code kernels} with {@code store} as its store of record, loaded now. */
    public Engine(KernelService kernels, MemoryStore store) {
        this(kernels, store, System::currentTimeMillis);
    }

    Engine(KernelService kernels, MemoryStore store, LongSupplier clock) {
        if (kernels == null) {
            throw new IllegalArgumentException("kernels is null; give the KernelRouter (or any KernelService)");
        }
        if (store == null) {
            throw new IllegalArgumentException("store is null; give a MemoryStore");
        }
        this.kernels = kernels;
        this.store = store;
        this.clock = clock;
        load();
        this.merger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "engram-link-merger");
            t.setDaemon(true);
            return t;
        });
        merger.scheduleWithFixedDelay(this::mergeAll, MERGE_EVERY_MILLIS, MERGE_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        merger.scheduleWithFixedDelay(this::flushAccesses, ACCESS_FLUSH_MILLIS, ACCESS_FLUSH_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** Loads the store into slabs and snapshots, saying how far it is every 100,000 memories. */
    private void load() {
        long start = System.nanoTime();
        ids.set(store.maxId());
        long[] counts = new long[2];
        Map<String, List<StoredMemory>> batches = new HashMap<>();
        store.load(new MemoryStore.Loader() {
            @Override
            public void space(SpaceInfo info, long memories, long links) {
                spaces.put(info.name(), new Space(info));
                if (memories >= LOAD_PROGRESS_EVERY) {
                    LOG.log(System.Logger.Level.INFO, "loading space " + info.name() + ": " + memories + " memories, "
                            + links + " links");
                }
            }

            @Override
            public void memory(String space, StoredMemory memory) {
                List<StoredMemory> batch = batches.computeIfAbsent(space, s -> new ArrayList<>());
                batch.add(memory);
                if (batch.size() == LOAD_BATCH) {
                    appendRows(spaces.get(space), batch);
                    batch.clear();
                }
                if (++counts[0] % LOAD_PROGRESS_EVERY == 0) {
                    LOG.log(System.Logger.Level.INFO, "loaded " + counts[0] + " memories");
                }
            }

            @Override
            public void link(String space, StoredLink link) {
                Space s = spaces.get(space);
                List<StoredMemory> batch = batches.get(space);
                if (batch != null && !batch.isEmpty()) {
                    appendRows(s, batch);
                    batch.clear();
                }
                Integer from = s.rowOfId.get(link.from());
                Integer to = s.rowOfId.get(link.to());
                if (from != null && to != null) {
                    s.links.put(from, to, link.weight());
                    counts[1]++;
                }
            }
        });
        for (Map.Entry<String, List<StoredMemory>> batch : batches.entrySet()) {
            if (!batch.getValue().isEmpty()) {
                appendRows(spaces.get(batch.getKey()), batch.getValue());
            }
        }
        for (Space space : spaces.values()) {
            space.links.merge(space.lock, space.slab::rows, false);
        }
        if (!spaces.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "loaded " + spaces.size() + " space(s), " + counts[0] + " memories and "
                    + counts[1] + " links from " + store.describe() + " in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        }
    }

    /** Puts stored memories into a space's rows and slab; under its lock (or while loading). */
    private static void appendRows(Space space, List<StoredMemory> memories) {
        int first = space.slab.rows();
        space.rows.ensure(first + memories.size());
        float[][] embeddings = new float[memories.size()][];
        for (int i = 0; i < memories.size(); i++) {
            StoredMemory m = memories.get(i);
            int row = first + i;
            Rows.Chunk chunk = space.rows.chunkOf(row);
            int slot = Rows.slot(row);
            chunk.ids[slot] = m.id();
            chunk.contents[slot] = m.content();
            chunk.strengths[slot] = m.strength();
            chunk.createdMillis[slot] = m.createdMillis();
            chunk.lastAccessMillis[slot] = m.lastAccessMillis();
            chunk.accessCounts[slot] = m.accessCount();
            chunk.metadata[slot] = m.metadata();
            chunk.states[slot] = m.suppressed() ? Rows.SUPPRESSED : Rows.LIVE;
            if (m.suppressed()) {
                space.suppressed++;
            }
            embeddings[i] = m.embedding();
        }
        space.slab.append(embeddings);
        for (int i = 0; i < memories.size(); i++) {
            space.rowOfId.put(memories.get(i).id(), first + i);
        }
    }

    /** Writes the accesses recalls recorded to the store. */
    private void flushAccesses() {
        for (Space space : spaces.values()) {
            List<AccessUpdate> updates = space.takeAccesses();
            if (updates.isEmpty()) {
                continue;
            }
            try {
                store.updateAccess(space.info.name(), updates);
            } catch (RuntimeException e) {
                space.giveBackAccesses(updates);
                LOG.log(System.Logger.Level.WARNING, "recording " + updates.size() + " accesses of space "
                        + space.info.name() + " failed; they are kept and tried again: " + e.getMessage());
            }
        }
    }

    private void mergeAll() {
        for (Space space : spaces.values()) {
            if (space.links.pending() > 0 && System.nanoTime() - space.nextMergeNanos >= 0) {
                long start = System.nanoTime();
                try {
                    // Gives up at once if a writer or a flush holds the space: the next round tries again.
                    if (space.links.merge(space.lock, space.slab::rows, true)) {
                        space.nextMergeNanos = start + (System.nanoTime() - start) * MERGE_SHARE_INVERSE;
                    }
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "merging the links of space " + space.info.name()
                            + " failed; recalls keep the last graph, and the next merge tries again: " + e);
                }
            }
        }
    }

    @Override
    public SpaceInfo createSpace(String name, int dimensions) {
        return createSpace(name, dimensions, new DecayCurve.TwoComponent());
    }

    @Override
    public SpaceInfo createSpace(String name, int dimensions, DecayCurve curve) {
        SpaceInfo info = new SpaceInfo(name, dimensions, curve);
        synchronized (spacesLock) {
            if (spaces.containsKey(name)) {
                throw new IllegalArgumentException("a memory space \"" + name + "\" exists already; pick another"
                        + " name, or drop it first");
            }
            store.createSpace(info);
            spaces.put(name, new Space(info));
        }
        return info;
    }

    @Override
    public List<SpaceInfo> spaces() {
        return spaces.values().stream().map(s -> s.info).toList();
    }

    @Override
    public boolean dropSpace(String name) {
        SpaceInfo.requireName(name);
        synchronized (spacesLock) {
            Space space = spaces.get(name);
            if (space == null) {
                return false;
            }
            store.dropSpace(name);
            spaces.remove(name);
            space.drop();
            return true;
        }
    }

    private Space space(String name) {
        if (name == null) {
            throw new IllegalArgumentException("space is null; name a memory space");
        }
        Space space = spaces.get(name);
        if (space == null) {
            throw new UnknownSpaceException(name);
        }
        return space;
    }

    @Override
    public long remember(String space, NewMemory memory) {
        return rememberAll(space, List.of(memory))[0];
    }

    @Override
    public long[] rememberAll(String spaceName, List<NewMemory> memories) {
        Space space = space(spaceName);
        if (memories == null || memories.isEmpty()) {
            throw new IllegalArgumentException("memories is " + (memories == null ? "null" : "empty")
                    + "; give at least one NewMemory");
        }
        int d = space.info.dimensions();
        float[][] embeddings = new float[memories.size()][];
        for (int i = 0; i < memories.size(); i++) {
            NewMemory m = memories.get(i);
            if (m == null) {
                throw new IllegalArgumentException("memories[" + i + "] is null");
            }
            embeddings[i] = m.embedding();
            if (embeddings[i].length != d) {
                throw new IllegalArgumentException((memories.size() == 1 ? "the embedding" : "memories[" + i
                        + "]'s embedding") + " has " + embeddings[i].length + " values; space \"" + spaceName
                        + "\" holds embeddings of " + d);
            }
        }
        long now = clock.getAsLong();
        List<StoredMemory> stored = new ArrayList<>(memories.size());
        space.lock.lock();
        try {
            for (int i = 0; i < memories.size(); i++) {
                NewMemory m = memories.get(i);
                long created = m.createdMillis() == NewMemory.NOW ? now : m.createdMillis();
                stored.add(new StoredMemory(ids.incrementAndGet(), embeddings[i], m.content(), m.strength(), created,
                        created, 0, m.metadata(), false));
            }
            store.insertMemories(spaceName, stored);
            appendRows(space, stored);
        } finally {
            space.lock.unlock();
        }
        long[] out = new long[stored.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = stored.get(i).id();
        }
        return out;
    }

    @Override
    public void link(String spaceName, long from, long to, float weight) {
        linkAll(spaceName, List.of(new Link(from, to, weight)));
    }

    @Override
    public void linkAll(String spaceName, List<Link> links) {
        Space space = space(spaceName);
        if (links == null || links.isEmpty()) {
            throw new IllegalArgumentException("links is " + (links == null ? "null" : "empty")
                    + "; give at least one Link");
        }
        int[] from = new int[links.size()];
        int[] to = new int[links.size()];
        List<StoredLink> stored = new ArrayList<>(links.size());
        space.lock.lock();
        try {
            for (int i = 0; i < links.size(); i++) {
                Link link = links.get(i);
                String which = links.size() == 1 ? "" : " (links[" + i + "])";
                if (link == null) {
                    throw new IllegalArgumentException("links[" + i + "] is null");
                }
                if (!(link.weight() >= 0f && link.weight() <= 1f)) {
                    throw new IllegalArgumentException("weight is " + link.weight() + which
                            + "; a link's weight must be in [0, 1]");
                }
                from[i] = liveOrSuppressedRow(space, link.from(), "(the link's source)" + which);
                to[i] = liveOrSuppressedRow(space, link.to(), "(the link's target)" + which);
                stored.add(new StoredLink(link.from(), link.to(), link.weight()));
            }
            store.putLinks(spaceName, stored);
            for (int i = 0; i < from.length; i++) {
                space.links.put(from[i], to[i], links.get(i).weight());
            }
        } finally {
            space.lock.unlock();
        }
    }

    private static int liveOrSuppressedRow(Space space, long id, String role) {
        int row = space.rowOf(id, "is not there " + role);
        if (space.rows.state(row) == Rows.DELETED) {
            throw new UnknownMemoryException(space.info.name(), id, "was deleted " + role);
        }
        return row;
    }

    @Override
    public void flush(String spaceName) {
        Space space = space(spaceName);
        space.links.merge(space.lock, space.slab::rows, false);
    }

    @Override
    public void forget(String spaceName, long id, ForgetMode mode) {
        Space space = space(spaceName);
        if (mode == null) {
            throw new IllegalArgumentException("mode is null; use ForgetMode.SUPPRESS or DELETE");
        }
        space.lock.lock();
        try {
            int row = liveOrSuppressedRow(space, id, "");
            Rows.Chunk chunk = space.rows.chunkOf(row);
            int slot = Rows.slot(row);
            byte before = chunk.states[slot];
            if (mode == ForgetMode.DELETE) {
                store.delete(spaceName, id);
                space.forgetAccess(id);
                chunk.states[slot] = Rows.DELETED;
                chunk.contents[slot] = null;
                chunk.metadata[slot] = null;
                space.rowOfId.remove(id);
                space.links.removeAll(row);
                if (before == Rows.SUPPRESSED) {
                    space.suppressed--;
                }
            } else if (before == Rows.LIVE) {
                store.suppress(spaceName, id);
                chunk.states[slot] = Rows.SUPPRESSED;
                space.suppressed++;
            }
        } finally {
            space.lock.unlock();
        }
    }

    @Override
    public Optional<Memory> get(String spaceName, long id) {
        Space space = space(spaceName);
        Integer row = space.rowOfId.get(id);
        return row == null ? Optional.empty() : Optional.ofNullable(memoryAt(space, row));
    }

    @Override
    public void scan(String spaceName, Consumer<Memory> memories, Consumer<Link> links) {
        Space space = space(spaceName);
        if (memories == null || links == null) {
            throw new IllegalArgumentException("memories and links must both be given (a consumer may ignore them)");
        }
        if (!space.enter()) {
            throw new UnknownSpaceException(spaceName);
        }
        try {
            int rows = space.slab.rows();
            for (int row = 0; row < rows; row++) {
                Memory m = memoryAt(space, row);
                if (m != null) {
                    memories.accept(m);
                }
            }
            List<Link> copied = new ArrayList<>();
            space.lock.lock();
            try {
                space.links.forEach((from, to, weight) -> copied.add(new Link(space.rows.id(from), space.rows.id(to),
                        weight)));
            } finally {
                space.lock.unlock();
            }
            copied.forEach(links);
        } finally {
            space.exit();
        }
    }

    /** The memory in {@code row}, or null if it was deleted. Reads its fields under the lock. */
    private static Memory memoryAt(Space space, int row) {
        space.lock.lock();
        try {
            Rows.Chunk c = space.rows.chunkOf(row);
            int s = Rows.slot(row);
            if (c.states[s] == Rows.DELETED) {
                return null;
            }
            return new Memory(c.ids[s], space.info.name(), c.contents[s], space.slab.read(row), c.strengths[s],
                    c.createdMillis[s], c.lastAccessMillis[s], c.accessCounts[s], c.metadata[s],
                    c.states[s] == Rows.SUPPRESSED);
        } finally {
            space.lock.unlock();
        }
    }

    @Override
    public SpaceStats stats(String spaceName) {
        Space space = space(spaceName);
        space.lock.lock();
        try {
            Links.Snapshot snapshot = space.links.snapshot();
            CsrGraph graph = snapshot.graph();
            long graphBytes = ((long) graph.nodeCount() + 1) * Integer.BYTES + (long) graph.edgeCount() * 8;
            Map<String, Long> calls = new LinkedHashMap<>();
            calls.put("cosineTopK", space.similarityCalls.get());
            calls.put("spreadSparse", space.spreadCalls.get());
            calls.put("decay", space.decayCalls.get());
            long memories = space.rowOfId.size() - (long) space.suppressed;
            return new SpaceStats(spaceName, space.info.dimensions(), memories, space.suppressed, space.links.count(),
                    space.links.pending(), space.slab.bytes(), graphBytes,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - snapshot.madeNanos()), space.recalls.get(),
                    calls);
        } finally {
            space.lock.unlock();
        }
    }

    @Override
    public List<Recalled> recall(String spaceName, Cue cue, RecallOptions options) {
        Space space = space(spaceName);
        if (cue == null) {
            throw new IllegalArgumentException("cue is null; give Cue.of(embedding) or Cue.like(id)");
        }
        RecallOptions o = options == null ? RecallOptions.DEFAULT : options;
        long now = o.nowMillis() == RecallOptions.NOW ? clock.getAsLong() : o.nowMillis();
        if (!space.enter()) {
            throw new UnknownSpaceException(spaceName);
        }
        try {
            space.recalls.incrementAndGet();
            int likeRow = -1;
            float[] query;
            switch (cue) {
                case Cue.Embedding e -> {
                    query = e.embedding();
                    if (query.length != space.info.dimensions()) {
                        throw new IllegalArgumentException("the cue has " + query.length + " values; space \""
                                + spaceName + "\" holds embeddings of " + space.info.dimensions());
                    }
                }
                case Cue.Like like -> {
                    likeRow = space.rowOf(like.id(), "is not there (the cue)");
                    query = space.slab.read(likeRow);
                }
            }
            Slab.View view = space.slab.view();
            List<Seed> seeds = similar(space, view, query, o, likeRow);
            List<Recalled> results = o.mode() == RecallMode.SIMILARITY ? bySimilarity(space, seeds, o)
                    : bySpreading(space, seeds, o, now, likeRow);
            touch(space, results, now);
            return results;
        } finally {
            space.exit();
        }
    }

    /** A seed: a row and its similarity to the cue. */
    private record Seed(int row, float similarity) {
    }

    private static final Comparator<Seed> BEST_SEED = Comparator.comparingDouble((Seed s) -> -s.similarity())
            .thenComparingInt(Seed::row);

    /** The {@code o.seeds()} live rows most similar to the query, with similarity >= minSimilarity. */
    private List<Seed> similar(Space space, Slab.View view, float[] query, RecallOptions o, int likeRow) {
        List<Seed> found = new ArrayList<>();
        int d = space.info.dimensions();
        MemorySegment querySegment = MemorySegment.ofArray(query);
        int extra = space.excluded() + (likeRow >= 0 ? 1 : 0);
        for (int c = 0; c < view.chunkCount(); c++) {
            int rows = view.rowsIn(c);
            int k = Math.min(rows, o.seeds() + extra);
            int[] index = new int[k];
            float[] score = new float[k];
            Slab.Chunk chunk = view.chunks()[c];
            kernels.cosineTopK(null, querySegment, 1, d, chunk.rows(), 0, rows, chunk.norms(), k,
                    MemorySegment.ofArray(index), MemorySegment.ofArray(score));
            space.similarityCalls.incrementAndGet();
            int base = c * Slab.CHUNK_ROWS;
            for (int i = 0; i < k; i++) {
                int row = base + index[i];
                boolean similarEnough = score[i] >= o.minSimilarity() && (score[i] > 0f || o.minSimilarity() < 0f);
                if (row != likeRow && similarEnough && space.rows.state(row) == Rows.LIVE) {
                    found.add(new Seed(row, score[i]));
                }
            }
        }
        found.sort(BEST_SEED);
        return found.size() > o.seeds() ? List.copyOf(found.subList(0, o.seeds())) : found;
    }

    private static List<Recalled> bySimilarity(Space space, List<Seed> seeds, RecallOptions o) {
        List<Recalled> out = new ArrayList<>();
        for (Seed s : seeds.subList(0, Math.min(seeds.size(), o.limit()))) {
            Rows.Chunk c = space.rows.chunkOf(s.row());
            int slot = Rows.slot(s.row());
            out.add(new Recalled(c.ids[slot], c.contents[slot], s.similarity(), s.similarity(), s.similarity(), 0,
                    c.strengths[slot]));
        }
        return out;
    }

    /** What spreading found for one row. */
    private static final class Reached {
        final int row;
        float similarity = Float.NaN;
        float activation;
        int firstHop;

        Reached(int row) {
            this.row = row;
        }
    }

    private List<Recalled> bySpreading(Space space, List<Seed> seeds, RecallOptions o, long now, int likeRow) {
        Map<Integer, Reached> reached = new HashMap<>();
        Links.Snapshot snapshot = holdSnapshot(space);
        CsrGraph graph = snapshot.graph();
        try {
            int nodes = graph.nodeCount();
            int[] seedNodes = new int[seeds.size()];
            float[] seedActivations = new float[seeds.size()];
            int inGraph = 0;
            for (Seed s : seeds) {
                Reached r = new Reached(s.row());
                r.similarity = s.similarity();
                r.activation = Math.max(0f, Math.min(1f, s.similarity()));
                reached.put(s.row(), r);
                if (s.row() < nodes && s.similarity() > 0f) {
                    seedNodes[inGraph] = s.row();
                    seedActivations[inGraph] = r.activation;
                    inGraph++;
                }
            }
            if (inGraph > 0) {
                spread(space, graph, Arrays.copyOf(seedNodes, inGraph), Arrays.copyOf(seedActivations, inGraph), o,
                        reached);
            }
        } finally {
            snapshot.release();
        }
        List<Reached> candidates = new ArrayList<>();
        for (Reached r : reached.values()) {
            if (r.row != likeRow && space.rows.state(r.row) == Rows.LIVE && r.activation > 0f) {
                candidates.add(r);
            }
        }
        int n = candidates.size();
        if (n == 0) {
            return List.of();
        }
        float[] strength = new float[n];
        float[] age = new float[n];
        int[] access = new int[n];
        for (int i = 0; i < n; i++) {
            int row = candidates.get(i).row;
            Rows.Chunk c = space.rows.chunkOf(row);
            int slot = Rows.slot(row);
            strength[i] = c.strengths[slot];
            age[i] = Math.max(0f, (now - c.lastAccessMillis[slot]) / 1000f);
            access[i] = c.accessCounts[slot];
        }
        float[] strengthNow = new float[n];
        kernels.decay(null, MemorySegment.ofArray(strength), MemorySegment.ofArray(age),
                MemorySegment.ofArray(access), n, space.decay, MemorySegment.ofArray(strengthNow));
        space.decayCalls.incrementAndGet();
        List<Recalled> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Reached r = candidates.get(i);
            Rows.Chunk c = space.rows.chunkOf(r.row);
            int slot = Rows.slot(r.row);
            out.add(new Recalled(c.ids[slot], c.contents[slot], r.activation * strengthNow[i], r.similarity,
                    r.activation, r.firstHop, strengthNow[i]));
        }
        out.sort(Comparator.comparingDouble((Recalled r) -> -r.score()).thenComparingLong(Recalled::id));
        return out.size() > o.limit() ? List.copyOf(out.subList(0, o.limit())) : out;
    }

    /** The space's current snapshot, held for this recall. */
    private static Links.Snapshot holdSnapshot(Space space) {
        while (true) {
            Links.Snapshot snapshot = space.links.snapshot();
            if (snapshot.hold()) {
                return snapshot;
            }
        }
    }

    private void spread(Space space, CsrGraph graph, int[] seedNodes, float[] seedActivations, RecallOptions o,
            Map<Integer, Reached> reached) {
        SpreadParams params = SpreadParams.exponential(o.maxDepth(), o.hopRate(), o.threshold());
        int capacity = Math.min(graph.nodeCount(), FIRST_CAPACITY);
        while (true) {
            int[] nodes = new int[capacity];
            float[] activation = new float[capacity];
            int[] firstHop = new int[capacity];
            int activated = kernels.spreadSparse(null, graph, MemorySegment.ofArray(seedNodes),
                    MemorySegment.ofArray(seedActivations), seedNodes.length, params, MemorySegment.ofArray(nodes),
                    MemorySegment.ofArray(activation), MemorySegment.ofArray(firstHop), capacity);
            space.spreadCalls.incrementAndGet();
            if (activated <= capacity) {
                for (int i = 0; i < activated; i++) {
                    Reached r = reached.computeIfAbsent(nodes[i], Reached::new);
                    r.activation = activation[i];
                    r.firstHop = firstHop[i];
                }
                return;
            }
            capacity = activated;
        }
    }

    /** A recall's access of what it returned: last access now, one access more. */
    private static void touch(Space space, List<Recalled> results, long now) {
        if (results.isEmpty()) {
            return;
        }
        space.lock.lock();
        try {
            for (Recalled r : results) {
                Integer row = space.rowOfId.get(r.id());
                if (row == null) {
                    continue;
                }
                Rows.Chunk c = space.rows.chunkOf(row);
                int slot = Rows.slot(row);
                c.lastAccessMillis[slot] = Math.max(c.lastAccessMillis[slot], now);
                c.accessCounts[slot] = c.accessCounts[slot] == Integer.MAX_VALUE ? Integer.MAX_VALUE
                        : c.accessCounts[slot] + 1;
                space.recordAccess(new AccessUpdate(r.id(), c.lastAccessMillis[slot], c.accessCounts[slot]));
            }
        } finally {
            space.lock.unlock();
        }
    }

    /** What the engine keeps its memories in. */
    public MemoryStore store() {
        return store;
    }

    /**
     * Stops the background thread, writes the recorded accesses to the store, and frees every
     * space's memory; the store keeps everything (closing it is its owner's business).
     */
    @Override
    public void close() {
        merger.shutdownNow();
        try {
            merger.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushAccesses();
        synchronized (spacesLock) {
            for (Space space : spaces.values()) {
                space.drop();
            }
            spaces.clear();
        }
    }
}
