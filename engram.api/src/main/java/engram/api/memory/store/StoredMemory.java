package engram.api.memory.store;

import java.util.Map;

/** A memory as the store keeps it; times in milliseconds since 1970. */
public record StoredMemory(long id, float[] embedding, String content, float strength, long createdMillis,
        long lastAccessMillis, int accessCount, Map<String, String> metadata, boolean suppressed) {

    public StoredMemory {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        content = content == null ? "" : content;
    }
}
