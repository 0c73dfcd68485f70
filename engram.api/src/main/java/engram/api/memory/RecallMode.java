package engram.api.memory;

/** How far a recall goes. */
public enum RecallMode {
    /** Similarity only: the memories most similar to the cue, scored by similarity. */
    SIMILARITY,
    /**
     * Similarity, then activation spreading along the links from the similar memories, then
     * each reached memory's strength decayed to now: scored by activation times strength now.
     */
    SPREADING
}
