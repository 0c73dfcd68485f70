package engram.core.memory;

import java.util.List;

import engram.api.memory.SpaceInfo;
import engram.api.memory.store.AccessUpdate;
import engram.api.memory.store.MemoryStore;
import engram.api.memory.store.StoredLink;
import engram.api.memory.store.StoredMemory;

/** No store: the memories last as long as the engine (for tests and throwaway engines). */
final class NoStore implements MemoryStore {
    @Override
    public String describe() {
        return "none (memories last as long as the engine)";
    }

    @Override
    public String durability() {
        return "none: nothing survives the engine";
    }

    @Override
    public long maxId() {
        return 0;
    }

    @Override
    public void load(Loader loader) {
    }

    @Override
    public void createSpace(SpaceInfo space) {
    }

    @Override
    public void dropSpace(String space) {
    }

    @Override
    public void insertMemories(String space, List<StoredMemory> memories) {
    }

    @Override
    public void putLinks(String space, List<StoredLink> links) {
    }

    @Override
    public void suppress(String space, long id) {
    }

    @Override
    public void delete(String space, long id) {
    }

    @Override
    public void updateAccess(String space, List<AccessUpdate> updates) {
    }

    @Override
    public void close() {
    }
}
