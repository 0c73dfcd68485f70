package engram.api.memory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state of one space.
 *
 * @param memories memories that can be recalled
 * @param suppressed memories kept but never recalled
 * @param links links in the graph recalls use now, plus those waiting to be merged into it
 * @param pendingLinks links given since the graph recalls use was made
 * @param embeddingBytes off-heap bytes of the embeddings and their norms
 * @param graphBytes off-heap bytes of the graph recalls use now
 * @param snapshotAgeMillis how long ago the graph recalls use was made
 * @param recalls recalls since the engine started
 * @param kernelCalls kernel calls of this space's recalls since the engine started, by kernel name
 */
public record SpaceStats(String space, int dimensions, long memories, long suppressed, long links, long pendingLinks,
        long embeddingBytes, long graphBytes, long snapshotAgeMillis, long recalls, Map<String, Long> kernelCalls) {

    public SpaceStats {
        kernelCalls = Collections.unmodifiableMap(new LinkedHashMap<>(kernelCalls));
    }
}
