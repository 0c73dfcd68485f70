package engram.core.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import engram.api.DecayParams;
import engram.api.memory.SpaceInfo;
import engram.api.memory.UnknownMemoryException;
import engram.api.memory.store.AccessUpdate;

/**
 * One memory space: its slab of embeddings, its rows' fields, its links and the map from
 * memory ids to rows. Writers hold {@link #lock}; recalls hold a lease ({@link #enter()}), so a
 * dropped space frees its memory only when the last recall using it has returned.
 */
final class Space {
    private static final int CLOSED = 1 << 30;

    final SpaceInfo info;
    final DecayParams decay;
    final Slab slab;
    final Rows rows = new Rows();
    final Links links = new Links();
    /**
     * When the background thread may next merge this space's links ({@link System#nanoTime()}):
     * the next merge waits until {@link Engine#MERGE_SHARE_INVERSE} times the last one's time
     * has passed since it began. Only the background thread reads and writes it.
     */
    long nextMergeNanos = System.nanoTime();
    final ReentrantLock lock = new ReentrantLock();
    final Map<Long, Integer> rowOfId = new ConcurrentHashMap<>();
    final AtomicLong recalls = new AtomicLong();
    final AtomicLong similarityCalls = new AtomicLong();
    final AtomicLong spreadCalls = new AtomicLong();
    final AtomicLong decayCalls = new AtomicLong();
    /** Suppressed memories; under the lock. */
    volatile int suppressed;
    private final AtomicInteger holders = new AtomicInteger();
    /** Accesses recorded by recalls, not yet in the store: the latest of each memory. */
    private Map<Long, AccessUpdate> accesses = new HashMap<>();

    Space(SpaceInfo info) {
        this.info = info;
        this.decay = DecayParams.of(info.curve());
        this.slab = new Slab(info.dimensions());
    }

    /** Takes a lease for one recall; false once the space is dropped. */
    boolean enter() {
        while (true) {
            int now = holders.get();
            if ((now & CLOSED) != 0) {
                return false;
            }
            if (holders.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void exit() {
        if (holders.decrementAndGet() == CLOSED) {
            free();
        }
    }

    /** Refuses new recalls; frees the memory now, or when the last recall returns. */
    void drop() {
        int before = holders.getAndUpdate(h -> h | CLOSED);
        if ((before & CLOSED) == 0 && before == 0) {
            free();
        }
    }

    private void free() {
        lock.lock();
        try {
            links.close();
            slab.close();
        } finally {
            lock.unlock();
        }
    }

    synchronized void recordAccess(AccessUpdate update) {
        accesses.put(update.id(), update);
    }

    synchronized void forgetAccess(long id) {
        accesses.remove(id);
    }

    /** The recorded accesses, handed over for writing. */
    synchronized List<AccessUpdate> takeAccesses() {
        if (accesses.isEmpty()) {
            return List.of();
        }
        List<AccessUpdate> taken = new ArrayList<>(accesses.values());
        accesses = new HashMap<>();
        return taken;
    }

    /** Accesses whose write failed, kept unless a later access of the same memory came since. */
    synchronized void giveBackAccesses(List<AccessUpdate> updates) {
        for (AccessUpdate u : updates) {
            accesses.putIfAbsent(u.id(), u);
        }
    }

    /**
     * Rows that are suppressed or deleted (a deleted row keeps its place in the slab but leaves
     * the id map): a top-k asks for this many more. Read without the lock, while a writer may
     * add rows: the ids are counted before the rows, never after. The slab publishes a row
     * before its id enters the map and rows are never taken away, so the rows read later are
     * at least the ids read before, and the count is never negative; read the other way round,
     * the writer's new memories between the two reads made it so (a recall's top-k then asked
     * for a negative k).
     */
    int excluded() {
        int ids = rowOfId.size();
        return slab.rows() - ids + suppressed;
    }

    /** The row of a live or suppressed memory. */
    int rowOf(long id, String what) {
        Integer row = rowOfId.get(id);
        if (row == null) {
            throw new UnknownMemoryException(info.name(), id, what);
        }
        return row;
    }
}
