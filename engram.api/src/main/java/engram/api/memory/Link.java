package engram.api.memory;

/** A link between two memories of a space, as {@link MemoryEngine#scan} reads it. */
public record Link(long from, long to, float weight) {
}
