package engram.api.memory;

/**
 * One memory a recall returned, and how it was found.
 *
 * <p>The score: in {@link RecallMode#SIMILARITY} mode, the cosine similarity to the cue. In
 * {@link RecallMode#SPREADING} mode, {@code activation * strengthNow}: a seed starts with its
 * similarity as activation, spreading adds what reaches each memory along the links (capped
 * at 1), and {@code strengthNow} is the memory's strength decayed on its space's curve from
 * its last access to the recall's time. Results are ordered by score, highest first, ties by
 * id.
 *
 * @param similarity the cosine similarity to the cue, for a seed; NaN for a memory reached only by spreading
 * @param activation the memory's activation after spreading (its similarity, in similarity mode)
 * @param firstHop the hop at which spreading first reached it: 0 for a seed
 * @param strengthNow its strength decayed to the recall's time (its stored strength, in similarity mode)
 */
public record Recalled(long id, String content, float score, float similarity, float activation, int firstHop,
        float strengthNow) {
}
