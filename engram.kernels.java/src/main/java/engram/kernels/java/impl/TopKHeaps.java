package engram.kernels.java.impl;

import engram.api.KernelTolerance;

/**
 * Binary heaps whose root is the worst row kept, one per query in a shared pair of arrays: the
 * top-k of every Java kernel, in the contract's order ({@link KernelTolerance#ranksBefore}).
 */
final class TopKHeaps {
    private TopKHeaps() {
    }

    /** Offers (row, score) to the heap at {@code base} that holds {@code size} of {@code k} entries. */
    static void offer(int[] index, float[] score, int base, int k, int size, int row, float s) {
        if (size < k) {
            index[base + size] = row;
            score[base + size] = s;
            siftUp(index, score, base, size);
        } else if (KernelTolerance.ranksBefore(s, row, score[base], index[base])) {
            index[base] = row;
            score[base] = s;
            siftDown(index, score, base, k);
        }
    }

    /** Pops the worst to the back again and again: the heap ends sorted best first. */
    static void sortBestFirst(int[] index, float[] score, int base, int k) {
        for (int end = k - 1; end > 0; end--) {
            swap(index, score, base, base + end);
            siftDown(index, score, base, end);
        }
    }

    private static void siftUp(int[] index, float[] score, int base, int child) {
        while (child > 0) {
            int parent = (child - 1) >>> 1;
            if (!worseFirst(index, score, base + parent, base + child)) {
                return;
            }
            swap(index, score, base + parent, base + child);
            child = parent;
        }
    }

    private static void siftDown(int[] index, float[] score, int base, int size) {
        int parent = 0;
        while (true) {
            int worst = parent;
            int left = 2 * parent + 1;
            int right = left + 1;
            if (left < size && worseFirst(index, score, base + worst, base + left)) {
                worst = left;
            }
            if (right < size && worseFirst(index, score, base + worst, base + right)) {
                worst = right;
            }
            if (worst == parent) {
                return;
            }
            swap(index, score, base + parent, base + worst);
            parent = worst;
        }
    }

    /** Whether the entry at {@code a} ranks before the one at {@code b}, so {@code b} is the worse. */
    private static boolean worseFirst(int[] index, float[] score, int a, int b) {
        return KernelTolerance.ranksBefore(score[a], index[a], score[b], index[b]);
    }

    private static void swap(int[] index, float[] score, int a, int b) {
        int i = index[a];
        index[a] = index[b];
        index[b] = i;
        float s = score[a];
        score[a] = score[b];
        score[b] = s;
    }
}
