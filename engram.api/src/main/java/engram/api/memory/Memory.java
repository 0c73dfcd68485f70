package engram.api.memory;

import java.util.Map;

/**
 * A stored memory, as {@link MemoryEngine#get} reads it: times in milliseconds since 1970,
 * {@code strength} as stored (before decay), and whether it is suppressed (kept, never recalled).
 */
public record Memory(long id, String space, String content, float[] embedding, float strength, long createdMillis,
        long lastAccessMillis, int accessCount, Map<String, String> metadata, boolean suppressed) {

    public Memory {
        embedding = embedding.clone();
        metadata = Map.copyOf(metadata);
    }

    /** The embedding (a copy). */
    @Override
    public float[] embedding() {
        return embedding.clone();
    }
}
