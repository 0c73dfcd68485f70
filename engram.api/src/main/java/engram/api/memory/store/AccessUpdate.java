package engram.api.memory.store;

/** A memory's access after a recall: its new last-access time and access count. */
public record AccessUpdate(long id, long lastAccessMillis, int accessCount) {
}
