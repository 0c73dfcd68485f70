package engram.kernels.java.impl;

import java.util.Arrays;

import engram.api.ArenaMetrics;
import engram.api.KernelFailureException;
import engram.api.WorkspaceOptions;
import engram.api.spi.AbstractWorkspace;

/**
 * Heap scratch of the Java kernels for one caller: spreading's node tables (kept clean
 * between calls, so a spread touches only what it reaches), its lists, the top-k heaps and,
 * for the Vector API kernel, its copy of a call's queries and decay's staging arrays. Each
 * array grows to the largest call seen and is then reused, so a warm call allocates nothing.
 * The capacity of {@link WorkspaceOptions} does not bound it: the heap does.
 */
final class JavaWorkspace extends AbstractWorkspace {
    /** {@code fired} of a node that has not fired. */
    static final byte NEVER = (byte) 0xFF;

    // Spreading's node tables, clean between calls: activation 0, delta 0, fired NEVER.
    float[] activation = new float[0];
    float[] delta = new float[0];
    byte[] fired = new byte[0];
    // Spreading's lists: three node buffers that take turns as frontier, touched list and
    // sort buffer; the frontier's energies; the activated nodes and the hop of each.
    int[][] nodeBuffers = {new int[0], new int[0], new int[0]};
    float[] energy = new float[0];
    int[] reached = new int[0];
    byte[] reachedHop = new byte[0];
    final int[] radixCounts = new int[256];
    final Spreading spreading = new Spreading(this);
    // Similarity: the top-k heaps of a batch and the norms of its queries.
    int[] heapIndex = new int[0];
    float[] heapScore = new float[0];
    double[] queryNorms = new double[0];
    // The Vector API kernel: the queries of a call, their squared norms, a row's dot product
    // with each, and the two sums its row loops return.
    float[] queryCopy = new float[0];
    double[] querySquares = new double[0];
    double[] rowDots = new double[0];
    final double[] sums = new double[2];
    double[] lanes = new double[0];
    // Its decay's staging arrays, of one chunk each (made on first use).
    float[] stageStrength = new float[0];
    float[] stageAgeFloat = new float[0];
    double[] stageAge = new double[0];
    double[] stageExponent = new double[0];
    int[] stageCount = new int[0];
    float[] stageOut = new float[0];

    private long heldBytes;
    private long highWaterBytes;
    private long calls;

    JavaWorkspace(String kernelId, String name, WorkspaceOptions options) {
        super(kernelId, name, options);
    }

    /**
     * Makes the node tables and lists hold {@code nodeCount} nodes, clean. The new arrays are
     * made before any is replaced, so a heap too small for them leaves the old ones in place.
     *
     * @throws KernelFailureException if the heap cannot hold them
     */
    void ensureNodes(int nodeCount) {
        if (activation.length >= nodeCount) {
            return;
        }
        float[] newActivation;
        float[] newDelta;
        byte[] newFired;
        int[][] newBuffers;
        float[] newEnergy;
        int[] newReached;
        byte[] newReachedHop;
        try {
            newActivation = new float[nodeCount];
            newDelta = new float[nodeCount];
            newFired = new byte[nodeCount];
            newBuffers = new int[][] {new int[nodeCount], new int[nodeCount], new int[nodeCount]};
            newEnergy = new float[nodeCount];
            newReached = new int[nodeCount];
            newReachedHop = new byte[nodeCount];
        } catch (OutOfMemoryError e) {
            throw new KernelFailureException("the Java kernels could not allocate spreading's tables for " + nodeCount
                    + " nodes (about " + (nodeCount * 30L >> 20) + " MiB) on the heap; give the JVM more heap (-Xmx)", e);
        }
        Arrays.fill(newFired, NEVER);
        activation = newActivation;
        delta = newDelta;
        fired = newFired;
        nodeBuffers = newBuffers;
        energy = newEnergy;
        reached = newReached;
        reachedHop = newReachedHop;
        grew();
    }

    /** Makes the heaps hold {@code entries} entries and the norms {@code queries} queries. */
    void ensureHeaps(int entries, int queries) {
        if (heapIndex.length < entries) {
            heapIndex = new int[entries];
            heapScore = new float[entries];
            grew();
        }
        if (queryNorms.length < queries) {
            queryNorms = new double[queries];
            grew();
        }
    }

    /** Makes the query copy hold {@code values} floats and the per-query arrays (norms included) {@code queries} entries. */
    void ensureQueries(int values, int queries) {
        if (queryCopy.length < values) {
            queryCopy = new float[values];
            grew();
        }
        if (querySquares.length < queries) {
            querySquares = new double[queries];
            rowDots = new double[queries];
            grew();
        }
        if (queryNorms.length < queries) {
            queryNorms = new double[queries];
            grew();
        }
    }

    /** Makes the scratch that vector sums are stored to, to be added in lane order, hold {@code values} float64. */
    void ensureLanes(int values) {
        if (lanes.length < values) {
            lanes = new double[values];
            grew();
        }
    }

    /** Makes decay's staging arrays hold {@code chunk} memories. */
    void ensureStage(int chunk) {
        if (stageOut.length < chunk) {
            stageStrength = new float[chunk];
            stageAgeFloat = new float[chunk];
            stageAge = new double[chunk];
            stageExponent = new double[chunk];
            stageCount = new int[chunk];
            stageOut = new float[chunk];
            grew();
        }
    }

    private void grew() {
        long n = activation.length;
        heldBytes = n * (Float.BYTES * 3L + 1 + Integer.BYTES * 4L + 1) + heapIndex.length * 8L
                + queryNorms.length * 8L + queryCopy.length * 4L + querySquares.length * 16L
                + stageOut.length * (Float.BYTES * 3L + Double.BYTES * 2L + Integer.BYTES) + lanes.length * 8L;
        highWaterBytes = Math.max(highWaterBytes, heldBytes);
    }

    /** Counts a finished call. */
    void callEnded() {
        calls++;
    }

    @Override
    public ArenaMetrics metrics() {
        long retained = activation.length * (Float.BYTES * 2L + 1);
        return new ArenaMetrics(kernelId(), name(), "heap", heldBytes, retained, highWaterBytes, 0, 0, calls,
                retained);
    }

    @Override
    protected void free() {
        activation = new float[0];
        delta = new float[0];
        fired = new byte[0];
        nodeBuffers = new int[][] {new int[0], new int[0], new int[0]};
        energy = new float[0];
        reached = new int[0];
        reachedHop = new byte[0];
        heapIndex = new int[0];
        heapScore = new float[0];
        queryNorms = new double[0];
        queryCopy = new float[0];
        querySquares = new double[0];
        rowDots = new double[0];
        lanes = new double[0];
        stageStrength = new float[0];
        stageAgeFloat = new float[0];
        stageAge = new double[0];
        stageExponent = new double[0];
        stageCount = new int[0];
        stageOut = new float[0];
        heldBytes = 0;
    }
}
