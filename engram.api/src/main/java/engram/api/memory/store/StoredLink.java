package engram.api.memory.store;

/** A link as the store keeps it. */
public record StoredLink(long from, long to, float weight) {
}
