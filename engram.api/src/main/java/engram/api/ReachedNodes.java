package engram.api;

import java.util.Arrays;

/**
 * The sparse result of activation spreading: the activated nodes only, in activation order
 * (the seeds in ascending node order, then the nodes first activated at hop 1 in ascending
 * order, then hop 2, and so on), each with its activation and first hop. Its size follows
 * what the spread reached, not the graph. When the caller's capacity was smaller than the
 * number of activated nodes, it holds the first ones and {@link #isTruncated()} says so.
 * Immutable: the arrays it hands out are copies.
 */
public final class ReachedNodes {
    private final int[] nodes;
    private final float[] activations;
    private final int[] firstHops;
    private final int reachedCount;

    /** A result over copies of the arrays; {@code reachedCount} may exceed their length. */
    public ReachedNodes(int[] nodes, float[] activations, int[] firstHops, int reachedCount) {
        this(nodes.clone(), activations.clone(), firstHops.clone(), reachedCount, true);
    }

    private ReachedNodes(int[] nodes, float[] activations, int[] firstHops, int reachedCount, boolean checked) {
        if (nodes.length != activations.length || nodes.length != firstHops.length) {
            throw new IllegalArgumentException("nodes, activations and firstHops have " + nodes.length + ", "
                    + activations.length + " and " + firstHops.length + " entries; they must have one each per node");
        }
        if (reachedCount < nodes.length) {
            throw new IllegalArgumentException("reachedCount is " + reachedCount + ", below the " + nodes.length
                    + " nodes held");
        }
        this.nodes = nodes;
        this.activations = activations;
        this.firstHops = firstHops;
        this.reachedCount = reachedCount;
    }

    static ReachedNodes adopt(int[] nodes, float[] activations, int[] firstHops, int reachedCount) {
        return new ReachedNodes(nodes, activations, firstHops, reachedCount, true);
    }

    /** The number of nodes held: the activated count, or the capacity if that was smaller. */
    public int size() {
        return nodes.length;
    }

    /** The number of nodes the spread activated. */
    public int reachedCount() {
        return reachedCount;
    }

    /** Whether more nodes were activated than the result holds. */
    public boolean isTruncated() {
        return reachedCount > nodes.length;
    }

    /** The node at position {@code i} of the activation order. */
    public int node(int i) {
        return nodes[i];
    }

    /** The activation of the node at position {@code i}, in (0, 1]. */
    public float activation(int i) {
        return activations[i];
    }

    /** The hop at which the node at position {@code i} was first activated (0 for seeds). */
    public int firstHop(int i) {
        return firstHops[i];
    }

    /** The nodes, in activation order (a copy). */
    public int[] nodes() {
        return nodes.clone();
    }

    /** Their activations (a copy). */
    public float[] activations() {
        return activations.clone();
    }

    /** Their first hops (a copy). */
    public int[] firstHops() {
        return firstHops.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReachedNodes r && r.reachedCount == reachedCount && Arrays.equals(r.nodes, nodes)
                && Arrays.equals(r.activations, activations) && Arrays.equals(r.firstHops, firstHops);
    }

    @Override
    public int hashCode() {
        return ((Arrays.hashCode(nodes) * 31 + Arrays.hashCode(activations)) * 31 + Arrays.hashCode(firstHops)) * 31
                + reachedCount;
    }

    @Override
    public String toString() {
        return "ReachedNodes[size=" + nodes.length + ", reached=" + reachedCount + "]";
    }
}
