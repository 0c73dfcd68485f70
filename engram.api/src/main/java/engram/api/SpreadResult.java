package engram.api;

/**
 * The result of activation spreading on a heap array.
 *
 * @param activation activation of each node, in [0, 1]
 * @param firstHop the hop at which each node was first reached, 0 for seeds, -1 if never
 * @param activatedCount the number of nodes whose activation is above 0
 */
public record SpreadResult(float[] activation, int[] firstHop, int activatedCount) {
}
