package engram.kernels.java.impl;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import engram.api.CsrGraph;
import engram.api.SpreadParams;

/**
 * The contract's spreading, level by level in float32 and in its exact order, over the node
 * tables of a {@link JavaWorkspace}: work follows the nodes and edges reached, never the node
 * count. The activated nodes are listed in activation order (by first hop, then node id) as
 * they appear, so both output forms come from one list.
 *
 * <p>{@link #traverse} leaves the result in the workspace ({@code activation},
 * {@code reached}, {@code reachedHop}); the caller writes its output from there and then calls
 * {@link #clean}, in a {@code finally}, so the tables are clean for the next call even if this
 * one failed part way. One instance belongs to each workspace and serves its calls in turn.
 */
final class Spreading {
    /** Up to this many keys, insertion sort beats the radix sort's passes over 256 counters. */
    private static final int INSERTION_SORT_MAX = 32;

    private final JavaWorkspace w;
    private int reachedCount;
    /** The touched list of a hop not yet applied, whose deltas are not yet cleared. */
    private int[] pendingTouched;
    private int pendingCount;

    Spreading(JavaWorkspace workspace) {
        this.w = workspace;
    }

    /** Spreads, returning the number of activated nodes. */
    int traverse(CsrGraph graph, MemorySegment seedNodes, MemorySegment seedActivations, int seedCount,
            SpreadParams params) {
        int n = graph.nodeCount();
        w.ensureNodes(n);
        reachedCount = 0;
        float[] a = w.activation;
        int[] frontier = w.nodeBuffers[0];
        int[] touched = w.nodeBuffers[1];
        int[] spare = w.nodeBuffers[2];

        int seedListCount = 0;
        for (int i = 0; i < seedCount; i++) {
            int node = seedNodes.getAtIndex(JAVA_INT, i);
            float activation = seedActivations.getAtIndex(JAVA_FLOAT, i);
            if (node < 0 || node >= n || !(activation > 0f && activation <= 1f)) {
                throw changed("seed " + i);
            }
            if (a[node] == 0f) {
                touched[seedListCount++] = node;
                pendingTouched = touched;
                pendingCount = seedListCount;
            }
            a[node] += activation;
        }
        int[] seeds = sort(touched, seedListCount, spare, n);
        for (int i = 0; i < seedListCount; i++) {
            int s = seeds[i];
            float capped = Math.min(1f, a[s]);
            a[s] = capped;
            w.fired[s] = 0;
            w.reached[reachedCount] = s;
            w.reachedHop[reachedCount++] = 0;
            w.energy[i] = capped;
        }
        pendingCount = 0;
        int frontierCount = seedListCount;
        // The sorted seeds are the frontier; the two other buffers take the touched lists.
        frontier = seeds;
        int[] free1 = seeds == touched ? spare : touched;
        int[] free2 = w.nodeBuffers[0];

        MemorySegment offsets = graph.offsets();
        MemorySegment targets = graph.targets();
        MemorySegment weights = graph.weights();
        long edgeCount = graph.edgeCount();
        for (int hop = 1; hop <= params.maxDepth() && frontierCount > 0; hop++) {
            int touchedCount = propagate(frontier, frontierCount, free1, offsets, targets, weights, edgeCount, n,
                    params.hopFactor(hop));
            int[] sorted = sort(free1, touchedCount, free2, n);
            frontierCount = apply(sorted, touchedCount, hop, params);
            int[] oldFrontier = frontier;
            frontier = sorted;
            free1 = sorted == free1 ? free2 : free1;
            free2 = oldFrontier;
        }
        return reachedCount;
    }

    private int propagate(int[] frontier, int frontierCount, int[] touched, MemorySegment offsets,
            MemorySegment targets, MemorySegment weights, long edgeCount, int n, float hopFactor) {
        float[] delta = w.delta;
        float[] energy = w.energy;
        int touchedCount = 0;
        pendingTouched = touched;
        for (int f = 0; f < frontierCount; f++) {
            int u = frontier[f];
            float e = energy[f];
            int begin = offsets.getAtIndex(JAVA_INT, u);
            int end = offsets.getAtIndex(JAVA_INT, u + 1);
            if (begin < 0 || begin > end || end > edgeCount) {
                throw changed("offsets of node " + u);
            }
            for (int j = begin; j < end; j++) {
                int v = targets.getAtIndex(JAVA_INT, j);
                if (v < 0 || v >= n) {
                    throw changed("targets[" + j + "]");
                }
                float weight = weights.getAtIndex(JAVA_FLOAT, j);
                if (!(weight >= 0f && weight <= 1f)) {
                    throw changed("weights[" + j + "]");
                }
                float c = e * weight * hopFactor;
                if (delta[v] == 0f && c > 0f) {
                    touched[touchedCount++] = v;
                    pendingCount = touchedCount;
                }
                delta[v] += c;
            }
        }
        return touchedCount;
    }

    /** Applies a hop's deltas in ascending node order; the next frontier replaces the front of {@code sorted}. */
    private int apply(int[] sorted, int touchedCount, int hop, SpreadParams params) {
        float[] a = w.activation;
        float[] delta = w.delta;
        byte[] fired = w.fired;
        float threshold = params.threshold();
        long refractoryHops = params.refractoryHops();
        int next = 0;
        for (int i = 0; i < touchedCount; i++) {
            int v = sorted[i];
            float d = delta[v];
            delta[v] = 0f;
            float before = a[v];
            float applied = Math.min(1f, before + d) - before;
            a[v] = before + applied;
            if (before == 0f) {
                w.reached[reachedCount] = v;
                w.reachedHop[reachedCount++] = (byte) hop;
            }
            int firedAt = fired[v] & 0xFF;
            boolean refractory = fired[v] != JavaWorkspace.NEVER && hop < firedAt + refractoryHops + 1;
            if (applied >= threshold && !refractory) {
                fired[v] = (byte) hop;
                sorted[next] = v;
                w.energy[next++] = applied;
            }
        }
        pendingCount = 0;
        return next;
    }

    /** Makes the node tables clean again: what {@link #traverse} touched, and only that. */
    void clean() {
        for (int i = 0; i < reachedCount; i++) {
            int v = w.reached[i];
            w.activation[v] = 0f;
            w.fired[v] = JavaWorkspace.NEVER;
        }
        for (int i = 0; i < pendingCount; i++) {
            int v = pendingTouched[i];
            w.delta[v] = 0f;
            w.activation[v] = 0f;
        }
        reachedCount = 0;
        pendingCount = 0;
    }

    /**
     * Sorts {@code count} distinct node ids ascending: insertion sort when few, else an LSD
     * radix sort over 8-bit digits, as many passes as {@code nodeCount - 1} has bytes.
     * Returns the array that holds the result, {@code keys} or {@code spare}.
     */
    private int[] sort(int[] keys, int count, int[] spare, int nodeCount) {
        if (count <= INSERTION_SORT_MAX) {
            for (int i = 1; i < count; i++) {
                int key = keys[i];
                int j = i - 1;
                while (j >= 0 && keys[j] > key) {
                    keys[j + 1] = keys[j];
                    j--;
                }
                keys[j + 1] = key;
            }
            return keys;
        }
        int bits = 32 - Integer.numberOfLeadingZeros(nodeCount - 1);
        int[] counts = w.radixCounts;
        int[] source = keys;
        int[] target = spare;
        for (int shift = 0; shift < bits; shift += 8) {
            Arrays.fill(counts, 0);
            for (int i = 0; i < count; i++) {
                counts[(source[i] >>> shift) & 0xFF]++;
            }
            int sum = 0;
            for (int digit = 0; digit < counts.length; digit++) {
                int c = counts[digit];
                counts[digit] = sum;
                sum += c;
            }
            for (int i = 0; i < count; i++) {
                int key = source[i];
                target[counts[(key >>> shift) & 0xFF]++] = key;
            }
            int[] swap = source;
            source = target;
            target = swap;
        }
        return source;
    }

    private static IllegalArgumentException changed(String what) {
        return new IllegalArgumentException(what + " changed during the call (it passed the checks before it); do not"
                + " change a graph or the seeds while a kernel reads them");
    }

    /** The spread's result, for the caller's output. */
    int reachedCount() {
        return reachedCount;
    }

    /** Writes each activated node's activation and first hop at its place in the dense outputs. */
    void writeReached(MemorySegment outActivation, MemorySegment outFirstHop) {
        for (int i = 0; i < reachedCount; i++) {
            int v = w.reached[i];
            outActivation.setAtIndex(JAVA_FLOAT, v, w.activation[v]);
            outFirstHop.setAtIndex(JAVA_INT, v, w.reachedHop[i]);
        }
    }

    /** Writes the first {@code written} activated nodes, in activation order, to the sparse outputs. */
    void writeSparse(MemorySegment outNodes, MemorySegment outActivation, MemorySegment outFirstHop, int written) {
        for (int i = 0; i < written; i++) {
            int v = w.reached[i];
            outNodes.setAtIndex(JAVA_INT, i, v);
            outActivation.setAtIndex(JAVA_FLOAT, i, w.activation[v]);
            outFirstHop.setAtIndex(JAVA_INT, i, w.reachedHop[i]);
        }
    }
}
