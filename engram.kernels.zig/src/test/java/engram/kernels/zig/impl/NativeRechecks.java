package engram.kernels.zig.impl;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Invalid calls made straight to the library's downcall handles, past the Java checks, with
 * the values {@code zig/src/ffi.zig} re-checks: shapes, k, null and misaligned pointers,
 * seeds, depths, curves and the graph's two O(1) invariants. Each must return status 1
 * (invalid argument) and write nothing outside the buffers given. Only values the native
 * side checks before reading are sent: a too-short buffer would be read past its end, which
 * is why the Java side checks lengths and this class never sends one.
 */
final class NativeRechecks {
    static final int STATUS_OK = 0;
    static final int STATUS_INVALID_ARGUMENT = 1;

    /** A call to make: what is wrong with it, and the call, which returns the status. */
    record NativeCall(String description, StatusCall call) {
    }

    interface StatusCall {
        int invoke() throws Throwable;
    }

    private interface Category {
        NativeCall make(SplittableRandom random);
    }

    private static final int NODES = 4;
    private static final int ROOM_BYTES = 4096;

    private final NativeKernelLibrary library;
    private final MemorySegment query;
    private final MemorySegment matrix;
    private final MemorySegment out;
    private final MemorySegment outIndex;
    private final MemorySegment offsets;
    private final MemorySegment targets;
    private final MemorySegment weights;
    private final MemorySegment seedNodes;
    private final MemorySegment seedActivations;
    private final MemorySegment badSeedNodes;
    private final MemorySegment badSeedActivations;
    private final MemorySegment spreadParams;
    private final MemorySegment activatedCount;
    private final MemorySegment decayParams;
    private final List<Category> categories = List.of(this::cosineShape, this::cosinePointer, this::topKRange,
            this::topKPointer, this::spreadDepth, this::spreadSeed, this::spreadPointer, this::spreadGraph,
            this::decayCurve, this::decayPointer);

    /** Valid buffers, each with room to spare, in {@code arena}; each call spoils one value. */
    NativeRechecks(NativeKernelLibrary library, Arena arena) {
        this.library = library;
        query = room(arena);
        matrix = room(arena);
        out = room(arena);
        outIndex = room(arena);
        for (int j = 0; j < ROOM_BYTES / Float.BYTES; j++) {
            query.setAtIndex(JAVA_FLOAT, j, 1f + j % 7);
            matrix.setAtIndex(JAVA_FLOAT, j, 0.5f - j % 3);
        }
        offsets = arena.allocateFrom(JAVA_INT, 0, 1, 2, 3, 4);
        targets = arena.allocateFrom(JAVA_INT, 1, 2, 3, 0);
        weights = arena.allocateFrom(JAVA_FLOAT, 0.5f, 0.5f, 0.5f, 0.5f);
        seedNodes = arena.allocateFrom(JAVA_INT, 0, 2);
        seedActivations = arena.allocateFrom(JAVA_FLOAT, 1f, 0.5f);
        badSeedNodes = arena.allocate(JAVA_INT, 2);
        badSeedActivations = arena.allocate(JAVA_FLOAT, 2);
        spreadParams = arena.allocate(144, 8);
        activatedCount = arena.allocate(JAVA_INT);
        decayParams = arena.allocate(80, 8);
    }

    private static MemorySegment room(Arena arena) {
        return arena.allocate(ROOM_BYTES, 64);
    }

    int categoryCount() {
        return categories.size();
    }

    NativeCall next(SplittableRandom random, int index) {
        resetParams();
        return categories.get(index % categories.size()).make(random);
    }

    private void resetParams() {
        spreadParams.fill((byte) 0);
        spreadParams.set(JAVA_INT, 0, 3);
        spreadParams.set(JAVA_INT, 4, 3);
        for (int h = 0; h < 32; h++) {
            spreadParams.setAtIndex(JAVA_FLOAT, 4 + h, 0.5f);
        }
        decayParams.fill((byte) 0);
        decayParams.set(JAVA_INT, 4, 3);
        for (int c = 0; c < 8; c++) {
            decayParams.setAtIndex(JAVA_DOUBLE, 2 + c, 1000.0);
        }
    }

    /** A valid call of each kernel, which must return 0: the library still answers. */
    List<NativeCall> validCalls() {
        resetParams();
        return List.of(
                new NativeCall("cosine", () -> (int) library.cosine.invokeExact(query, 8, matrix, 4L,
                        MemorySegment.NULL, out)),
                new NativeCall("cosineTopK", () -> (int) library.cosineTopK.invokeExact(query, 8, matrix, 4L,
                        MemorySegment.NULL, 2, outIndex, out)),
                new NativeCall("spread", () -> spread(NODES, offsets, seedNodes, seedActivations, 2, spreadParams,
                        out, activatedCount)),
                new NativeCall("decay", () -> (int) library.decay.invokeExact(query, matrix, MemorySegment.NULL, 16L,
                        decayParams, out)));
    }

    /** The segment {@code bytes} bytes past the start of {@code segment}: misaligned for 1..3. */
    private static MemorySegment shifted(MemorySegment segment, int bytes) {
        return segment.asSlice(bytes);
    }

    private static int pick(SplittableRandom random, int... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private NativeCall cosineShape(SplittableRandom random) {
        if (random.nextBoolean()) {
            int dimensions = pick(random, 0, 4097, 4098 + random.nextInt(1 << 16), -1, Integer.MIN_VALUE);
            return new NativeCall("engram_cosine with dimensions " + Integer.toUnsignedString(dimensions),
                    () -> (int) library.cosine.invokeExact(query, dimensions, matrix, 4L, MemorySegment.NULL, out));
        }
        long rows = (1L << 31) + random.nextLong(1L << 40);
        return new NativeCall("engram_cosine with " + rows + " rows",
                () -> (int) library.cosine.invokeExact(query, 8, matrix, rows, MemorySegment.NULL, out));
    }

    private NativeCall cosinePointer(SplittableRandom random) {
        MemorySegment[] args = {query, matrix, out};
        String[] names = {"query", "matrix", "out"};
        int which = random.nextInt(3);
        int bytes = random.nextInt(4);
        args[which] = bytes == 0 ? MemorySegment.NULL : shifted(args[which], bytes);
        MemorySegment q = args[0];
        MemorySegment m = args[1];
        MemorySegment o = args[2];
        return new NativeCall("engram_cosine with " + names[which] + (bytes == 0 ? " null" : " misaligned by " + bytes),
                () -> (int) library.cosine.invokeExact(q, 8, m, 4L, MemorySegment.NULL, o));
    }

    private NativeCall topKRange(SplittableRandom random) {
        long rows = random.nextInt(5);
        int k = rows == 0 ? 1 : pick(random, 0, (int) rows + 1, 1000, -1, Integer.MIN_VALUE);
        return new NativeCall("engram_cosine_topk with k " + Integer.toUnsignedString(k) + " of " + rows + " rows",
                () -> (int) library.cosineTopK.invokeExact(query, 8, matrix, rows, MemorySegment.NULL, k, outIndex,
                        out));
    }

    private NativeCall topKPointer(SplittableRandom random) {
        boolean index = random.nextBoolean();
        int bytes = random.nextInt(4);
        MemorySegment bad = bytes == 0 ? MemorySegment.NULL : shifted(index ? outIndex : out, bytes);
        MemorySegment i = index ? bad : outIndex;
        MemorySegment s = index ? out : bad;
        return new NativeCall("engram_cosine_topk with " + (index ? "out_index" : "out_score")
                + (bytes == 0 ? " null" : " misaligned by " + bytes),
                () -> (int) library.cosineTopK.invokeExact(query, 8, matrix, 4L, MemorySegment.NULL, 2, i, s));
    }

    private int spread(int nodeCount, MemorySegment offsets, MemorySegment nodes, MemorySegment activations,
            int seedCount, MemorySegment params, MemorySegment activation, MemorySegment count) throws Throwable {
        return (int) library.spread.invokeExact(nodeCount, offsets, targets, weights, nodes, activations, seedCount,
                params, activation, outIndex, count);
    }

    private NativeCall spreadDepth(SplittableRandom random) {
        int depth = pick(random, 0, 33, 34 + random.nextInt(1000), -1, Integer.MIN_VALUE);
        spreadParams.set(JAVA_INT, 0, depth);
        return new NativeCall("engram_spread with max_depth " + Integer.toUnsignedString(depth),
                () -> spread(NODES, offsets, seedNodes, seedActivations, 2, spreadParams, out, activatedCount));
    }

    private NativeCall spreadSeed(SplittableRandom random) {
        boolean node = random.nextBoolean();
        int badNode = pick(random, -1, NODES, NODES + random.nextInt(1000), Integer.MAX_VALUE, Integer.MIN_VALUE);
        float badActivation = switch (random.nextInt(6)) {
            case 0 -> 0f;
            case 1 -> -0.5f;
            case 2 -> Math.nextUp(1f);
            case 3 -> Float.NaN;
            case 4 -> Float.POSITIVE_INFINITY;
            default -> -Float.MIN_VALUE;
        };
        badSeedNodes.setAtIndex(JAVA_INT, 0, 1);
        badSeedNodes.setAtIndex(JAVA_INT, 1, node ? badNode : 3);
        badSeedActivations.setAtIndex(JAVA_FLOAT, 0, 0.5f);
        badSeedActivations.setAtIndex(JAVA_FLOAT, 1, node ? 0.5f : badActivation);
        return new NativeCall("engram_spread with " + (node ? "seed node " + badNode : "seed activation "
                + badActivation), () -> spread(NODES, offsets, badSeedNodes, badSeedActivations, 2, spreadParams, out,
                        activatedCount));
    }

    private NativeCall spreadPointer(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            case 0 -> new NativeCall("engram_spread with null params", () -> spread(NODES, offsets, seedNodes,
                    seedActivations, 2, MemorySegment.NULL, out, activatedCount));
            case 1 -> new NativeCall("engram_spread with a null activated count", () -> spread(NODES, offsets,
                    seedNodes, seedActivations, 2, spreadParams, out, MemorySegment.NULL));
            case 2 -> new NativeCall("engram_spread with null seeds and a seed count of 2", () -> spread(NODES, offsets,
                    MemorySegment.NULL, seedActivations, 2, spreadParams, out, activatedCount));
            case 3 -> new NativeCall("engram_spread with a null activation output", () -> spread(NODES, offsets,
                    seedNodes, seedActivations, 2, spreadParams, MemorySegment.NULL, activatedCount));
            case 4 -> new NativeCall("engram_spread with seeds misaligned by 2", () -> spread(NODES, offsets,
                    shifted(outIndex, 2), seedActivations, 2, spreadParams, out, activatedCount));
            default -> new NativeCall("engram_spread with params misaligned by 1", () -> spread(NODES, offsets,
                    seedNodes, seedActivations, 2, shifted(outIndex, 1), out, activatedCount));
        };
    }

    private NativeCall spreadGraph(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> {
                int count = pick(random, -1, Integer.MIN_VALUE, Integer.MIN_VALUE + random.nextInt(1000));
                yield new NativeCall("engram_spread with node_count " + Integer.toUnsignedString(count),
                        () -> spread(count, offsets, seedNodes, seedActivations, 2, spreadParams, out, activatedCount));
            }
            case 1 -> new NativeCall("engram_spread with seeds on an empty graph", () -> spread(0, offsets, seedNodes,
                    seedActivations, 2, spreadParams, out, activatedCount));
            case 2 -> {
                MemorySegment bad = outIndex.asSlice(512, 20);
                bad.copyFrom(offsets);
                bad.setAtIndex(JAVA_INT, 0, 1 + random.nextInt(3));
                yield new NativeCall("engram_spread with offsets[0] = " + bad.getAtIndex(JAVA_INT, 0),
                        () -> spread(NODES, bad, seedNodes, seedActivations, 2, spreadParams, out, activatedCount));
            }
            default -> {
                MemorySegment bad = outIndex.asSlice(512, 20);
                bad.copyFrom(offsets);
                bad.setAtIndex(JAVA_INT, NODES, pick(random, -1, Integer.MIN_VALUE));
                yield new NativeCall("engram_spread with offsets[n] = " + bad.getAtIndex(JAVA_INT, NODES),
                        () -> spread(NODES, bad, seedNodes, seedActivations, 2, spreadParams, out, activatedCount));
            }
        };
    }

    private NativeCall decayCurve(SplittableRandom random) {
        int curve = pick(random, 4, 5, 4 + random.nextInt(1 << 20), -1, Integer.MIN_VALUE);
        decayParams.set(JAVA_INT, 0, curve);
        return new NativeCall("engram_decay with curve " + Integer.toUnsignedString(curve),
                () -> (int) library.decay.invokeExact(query, matrix, MemorySegment.NULL, 16L, decayParams, out));
    }

    private NativeCall decayPointer(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> new NativeCall("engram_decay with null params",
                    () -> (int) library.decay.invokeExact(query, matrix, MemorySegment.NULL, 16L, MemorySegment.NULL,
                            out));
            case 1 -> {
                int bytes = 1 + random.nextInt(7);
                MemorySegment params = shifted(outIndex, bytes);
                yield new NativeCall("engram_decay with params misaligned by " + bytes,
                        () -> (int) library.decay.invokeExact(query, matrix, MemorySegment.NULL, 16L, params, out));
            }
            case 2 -> {
                long count = Long.MAX_VALUE / 2 + random.nextLong(1L << 40);
                yield new NativeCall("engram_decay of " + count + " memories",
                        () -> (int) library.decay.invokeExact(query, matrix, MemorySegment.NULL, count, decayParams,
                                out));
            }
            default -> new NativeCall("engram_decay with null strengths",
                    () -> (int) library.decay.invokeExact(MemorySegment.NULL, matrix, MemorySegment.NULL, 16L,
                            decayParams, out));
        };
    }
}
