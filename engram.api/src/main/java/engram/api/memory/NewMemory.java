package engram.api.memory;

import java.util.Map;

/**
 * A memory to remember: its embedding, its text, its strength in [0, 1] and its string
 * metadata. Its creation time (and first last-access time) is the time {@code remember} is
 * called, unless {@code createdMillis} gives another (milliseconds since 1970, 0 or more).
 */
public record NewMemory(float[] embedding, String content, float strength, long createdMillis,
        Map<String, String> metadata) {
    /** The longest content, in characters. */
    public static final int MAX_CONTENT_LENGTH = 1 << 20;
    /** Means "now" for {@code createdMillis}. */
    public static final long NOW = -1;

    public NewMemory {
        if (embedding == null || embedding.length == 0) {
            throw new IllegalArgumentException("embedding is " + (embedding == null ? "null" : "empty")
                    + "; give the memory's embedding, as many values as its space's dimension");
        }
        for (int i = 0; i < embedding.length; i++) {
            if (!Float.isFinite(embedding[i])) {
                throw new IllegalArgumentException("embedding[" + i + "] is " + embedding[i]
                        + "; every value must be a finite number");
            }
        }
        embedding = embedding.clone();
        if (content == null) {
            content = "";
        }
        if (content.length() > MAX_CONTENT_LENGTH) {
            throw new IllegalArgumentException("content has " + content.length() + " characters; at most "
                    + MAX_CONTENT_LENGTH);
        }
        if (!(strength >= 0f && strength <= 1f)) {
            throw new IllegalArgumentException("strength is " + strength + "; it must be in [0, 1] (1 for a new"
                    + " memory at full strength)");
        }
        if (createdMillis < NOW) {
            throw new IllegalArgumentException("createdMillis is " + createdMillis + "; give milliseconds since 1970"
                    + " (0 or more), or NewMemory.NOW");
        }
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A memory at full strength, created now, without metadata. */
    public static NewMemory of(float[] embedding, String content) {
        return new NewMemory(embedding, content, 1f, NOW, Map.of());
    }

    /** The embedding (a copy). */
    @Override
    public float[] embedding() {
        return embedding.clone();
    }
}
