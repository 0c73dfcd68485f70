package engram.kernels.zig.impl.differential;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import engram.api.CsrGraph;
import engram.api.KernelService;
import engram.api.SpreadResult;
import engram.api.TopK;

/**
 * Runs a case on a kernel with its arrays where {@link Placement} says: on the heap (the
 * convenience methods), or off-heap at a start offset, so that every vector loop meets every
 * alignment. Off-heap outputs are first filled with a value no kernel returns, so a value the
 * kernel forgets to write shows.
 */
public final class Calls {
    /** Bytes of 0x7f7f7f7f: 3.4e38 as a float32, 2139062143 as an int32, valid as neither. */
    private static final byte UNWRITTEN = 0x7F;

    private Calls() {
    }

    /**
     * Where a call's arrays live.
     *
     * @param offHeap off-heap segments rather than heap arrays
     * @param shiftFloats how many float32 values past a 64-byte boundary each off-heap array starts
     * @param inPlace for decay: {@code out} is {@code strength} itself
     */
    public record Placement(boolean offHeap, int shiftFloats, boolean inPlace) {
        public static final Placement HEAP = new Placement(false, 0, false);

        /**
         * Case {@code index} cycles through the heap and each of 16 off-heap start offsets; a
         * decay runs in place every third case.
         */
        public static Placement forCase(int index, boolean decay) {
            int slot = index % 17;
            return new Placement(slot != 16, slot % 16, decay && index % 3 == 0);
        }

        /** A corpus case runs twice: on the heap, and off-heap at a start offset of 1 to 15 floats. */
        public static List<Placement> forCorpusCase(int index, boolean decay) {
            return List.of(HEAP, new Placement(true, 1 + index % 15, decay && index % 2 == 0));
        }

        @Override
        public String toString() {
            return offHeap ? "off-heap at +" + shiftFloats * Float.BYTES + " bytes" + (inPlace ? ", in place" : "")
                    : "heap arrays" + (inPlace ? ", in place" : "");
        }
    }

    public static float[] cosine(KernelService kernel, CosineCase c, Placement placement) {
        if (!placement.offHeap()) {
            return kernel.cosine(c.query(), c.matrix(), c.norms());
        }
        try (Arena arena = Arena.ofConfined()) {
            int shift = placement.shiftFloats();
            MemorySegment out = output(arena, c.rows(), shift);
            kernel.cosine(place(arena, c.query(), shift), c.dimensions(), place(arena, c.matrix(), shift), c.rows(),
                    c.norms() == null ? null : place(arena, c.norms(), shift), out);
            return out.toArray(JAVA_FLOAT);
        }
    }

    public static TopK topK(KernelService kernel, TopKCase c, Placement placement) {
        if (!placement.offHeap()) {
            return kernel.cosineTopK(c.query(), c.matrix(), c.norms(), c.k());
        }
        try (Arena arena = Arena.ofConfined()) {
            int shift = placement.shiftFloats();
            MemorySegment index = output(arena, c.k(), shift);
            MemorySegment score = output(arena, c.k(), shift);
            kernel.cosineTopK(place(arena, c.query(), shift), c.dimensions(), place(arena, c.matrix(), shift),
                    c.rows(), c.norms() == null ? null : place(arena, c.norms(), shift), c.k(), index, score);
            return new TopK(index.toArray(JAVA_INT), score.toArray(JAVA_FLOAT));
        }
    }

    /** Spreads over {@code graph}, which must be the graph of {@code c}. */
    public static SpreadResult spread(KernelService kernel, CsrGraph graph, SpreadCase c, Placement placement) {
        if (!placement.offHeap()) {
            return kernel.spread(graph, c.seedNodes(), c.seedActivations(), c.params());
        }
        try (Arena arena = Arena.ofConfined()) {
            int shift = placement.shiftFloats();
            int n = c.nodeCount();
            MemorySegment activation = output(arena, n, shift);
            MemorySegment firstHop = output(arena, n, shift);
            int count = kernel.spread(graph, place(arena, c.seedNodes(), shift), place(arena, c.seedActivations(), shift),
                    c.seedNodes().length, c.params(), activation, firstHop);
            return new SpreadResult(activation.toArray(JAVA_FLOAT), firstHop.toArray(JAVA_INT), count);
        }
    }

    public static float[] decay(KernelService kernel, DecayCase c, Placement placement) {
        if (!placement.offHeap() && !placement.inPlace()) {
            return kernel.decay(c.strength(), c.ageSeconds(), c.accessCount(), c.params());
        }
        if (!placement.offHeap()) {
            float[] strength = c.strength().clone();
            MemorySegment inOut = MemorySegment.ofArray(strength);
            kernel.decay(inOut, MemorySegment.ofArray(c.ageSeconds()),
                    c.accessCount() == null ? null : MemorySegment.ofArray(c.accessCount()), c.count(), c.params(),
                    inOut);
            return strength;
        }
        try (Arena arena = Arena.ofConfined()) {
            int shift = placement.shiftFloats();
            MemorySegment strength = place(arena, c.strength(), shift);
            MemorySegment out = placement.inPlace() ? strength : output(arena, c.count(), shift);
            kernel.decay(strength, place(arena, c.ageSeconds(), shift),
                    c.accessCount() == null ? null : place(arena, c.accessCount(), shift), c.count(), c.params(), out);
            return out.toArray(JAVA_FLOAT);
        }
    }

    private static MemorySegment allocate(Arena arena, int count, int shift) {
        long bytes = (long) (count + shift) * Float.BYTES;
        return arena.allocate(Math.max(bytes, 1), 64).asSlice((long) shift * Float.BYTES, (long) count * Float.BYTES);
    }

    private static MemorySegment place(Arena arena, float[] values, int shift) {
        MemorySegment segment = allocate(arena, values.length, shift);
        MemorySegment.copy(values, 0, segment, JAVA_FLOAT, 0, values.length);
        return segment;
    }

    private static MemorySegment place(Arena arena, int[] values, int shift) {
        MemorySegment segment = allocate(arena, values.length, shift);
        MemorySegment.copy(values, 0, segment, JAVA_INT, 0, values.length);
        return segment;
    }

    /** Room for {@code count} 32-bit results, filled with {@link #UNWRITTEN}. */
    private static MemorySegment output(Arena arena, int count, int shift) {
        MemorySegment segment = allocate(arena, count, shift);
        segment.fill(UNWRITTEN);
        return segment;
    }
}
