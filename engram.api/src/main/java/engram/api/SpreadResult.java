package engram.api;

import java.util.Arrays;

/**
 * The dense result of activation spreading: one activation and one first hop per node of the
 * graph. Immutable: the arrays it hands out are copies. For large graphs prefer the sparse
 * form, {@link ReachedNodes}, whose size follows what the spread reached.
 */
public final class SpreadResult {
    private final float[] activation;
    private final int[] firstHop;
    private final int activatedCount;

    /** A result over copies of the arrays. */
    public SpreadResult(float[] activation, int[] firstHop, int activatedCount) {
        this(activation.clone(), firstHop.clone(), activatedCount, true);
    }

    private SpreadResult(float[] activation, int[] firstHop, int activatedCount, boolean checked) {
        if (activation.length != firstHop.length) {
            throw new IllegalArgumentException("activation.length " + activation.length
                    + " differs from firstHop.length " + firstHop.length + "; both hold one entry per node");
        }
        this.activation = activation;
        this.firstHop = firstHop;
        this.activatedCount = activatedCount;
    }

    static SpreadResult adopt(float[] activation, int[] firstHop, int activatedCount) {
        return new SpreadResult(activation, firstHop, activatedCount, true);
    }

    /** The number of nodes of the graph. */
    public int nodeCount() {
        return activation.length;
    }

    /** The activation of {@code node}, in [0, 1]. */
    public float activation(int node) {
        return activation[node];
    }

    /** The hop at which {@code node} was first activated: 0 for seeds, -1 if never activated. */
    public int firstHop(int node) {
        return firstHop[node];
    }

    /** The number of nodes whose activation is above 0. */
    public int activatedCount() {
        return activatedCount;
    }

    /** Every node's activation (a copy). */
    public float[] activations() {
        return activation.clone();
    }

    /** Every node's first hop (a copy). */
    public int[] firstHops() {
        return firstHop.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SpreadResult r && r.activatedCount == activatedCount
                && Arrays.equals(r.activation, activation) && Arrays.equals(r.firstHop, firstHop);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(activation) * 31 + Arrays.hashCode(firstHop)) * 31 + activatedCount;
    }

    @Override
    public String toString() {
        return "SpreadResult[nodes=" + activation.length + ", activated=" + activatedCount + "]";
    }
}
