package engram.api.memory.store;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

import engram.api.memory.SpaceInfo;

/**
 * Where the engine keeps its memories. Every method that changes something is durable when it
 * returns (in the store's sense of durable, which {@link #durability()} states) and atomic: all
 * of it, or, when it throws, none of it. The engine calls the writing methods of one space
 * from one thread at a time; {@link #load} runs once, before any writing method.
 *
 * <p>A store refuses what it cannot do with a {@link StoreException} that says why and what
 * to do (a read-only or full data directory, a database another process holds).
 */
@ConsumerType
public interface MemoryStore extends AutoCloseable {

    /** What the store is and where, for logs and {@code engram:stats}: "SQLite 3.54.1, /data/engram.db". */
    String describe();

    /** What a returned write survives, and the setting behind it. */
    String durability();

    /** The highest memory id ever stored (deleted ones too), or 0: the engine numbers new memories after it. */
    long maxId();

    /** Receives the store's content on start. */
    interface Loader {
        void space(SpaceInfo space, long memories, long links);

        void memory(String space, StoredMemory memory);

        void link(String space, StoredLink link);
    }

    /** Streams every space, then each space's memories in id order, then its links. */
    void load(Loader loader);

    void createSpace(SpaceInfo space);

    /** Deletes a space with its memories and links. */
    void dropSpace(String space);

    /** Adds memories, all in one transaction. */
    void insertMemories(String space, List<StoredMemory> memories);

    /** Adds or updates links (a link already there takes the new weight), all in one transaction. */
    void putLinks(String space, List<StoredLink> links);

    void suppress(String space, long id);

    /** Deletes a memory and every link from or to it. */
    void delete(String space, long id);

    /** Records recalls' accesses, all in one transaction. */
    void updateAccess(String space, List<AccessUpdate> updates);

    /** Closes the store; a store closed while a write runs finishes that write first. */
    @Override
    void close();
}
