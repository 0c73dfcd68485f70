package engram.kernels.zig.impl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import engram.kernels.zig.impl.NativeKernelLibrary.Downcalls;

/**
 * Invalid calls made straight to the library's downcall handles, past the Java checks, with
 * the values {@code zig/src/ffi.zig} re-checks (ABI 2, {@code docs/internal/native-abi.md}):
 * the arena, shapes, row ranges, query counts, k, null and misaligned pointers, the spread
 * mode, seeds, depths, the graph's invariants where the traversal follows it, gather indices
 * and overlapping outputs, curves. Each must return status 1 (invalid argument) and write
 * nothing outside the buffers given. Only values the native side checks before reading are
 * sent: a too-short buffer would be read past its end, which is why the Java side checks
 * lengths and this class never sends one, and the arena handle is null, misaligned, or a
 * pointer to zeroed memory of this class, never a freed arena.
 */
final class NativeRechecks implements AutoCloseable {
    static final int STATUS_OK = 0;
    static final int STATUS_INVALID_ARGUMENT = 1;

    /** A call to make: what is wrong with it, and the call, which returns the status. */
    record NativeCall(String description, StatusCall call) {
    }

    interface StatusCall {
        int invoke() throws Throwable;
    }

    /** A valid call, and the check of what it wrote, which throws {@link AssertionError} if it is wrong. */
    record ValidCall(String description, StatusCall call, Runnable answer) {
    }

    private interface Category {
        NativeCall make(SplittableRandom random);
    }

    private static final int NODES = 4;
    private static final long EDGES = 4;
    private static final int ROOM_BYTES = 4096;
    private static final long ARENA_BYTES = 1L << 20;
    private static final int OVERFLOW_ERROR = 0;
    private static final int MODE_DENSE = 0;
    private static final int MODE_SPARSE = 1;
    /** {@code engram_decay}'s and {@code engram_decay_gather}'s largest count: a Java segment of floats. */
    private static final long COUNT_MAX = Long.MAX_VALUE / Float.BYTES;
    private static final long ROWS_MAX = Integer.MAX_VALUE;
    private static final int MEMORIES = 16;

    private final NativeKernelLibrary library;
    private final MemorySegment arenaHandle;
    private final MemorySegment fakeArena;
    private final MemorySegment query;
    private final MemorySegment matrix;
    private final MemorySegment out;
    private final MemorySegment outIndex;
    private final MemorySegment outHop;
    private final MemorySegment offsets;
    private final MemorySegment targets;
    private final MemorySegment badTargets;
    private final MemorySegment weights;
    private final MemorySegment seedNodes;
    private final MemorySegment seedActivations;
    private final MemorySegment badSeedNodes;
    private final MemorySegment badSeedActivations;
    private final MemorySegment spreadParams;
    private final MemorySegment reachedCount;
    private final MemorySegment decayParams;
    private final MemorySegment indices;
    private final MemorySegment badIndices;
    private final MemorySegment strength;
    private final MemorySegment lastAccess;
    private final MemorySegment accessCount;
    private final Valid valid;
    private final List<Category> categories = List.of(this::arena, this::cosineShape, this::cosinePointer,
            this::topKShape, this::topKPointer, this::spreadDepth, this::spreadMode, this::spreadSeed,
            this::spreadPointer, this::spreadGraph, this::decayCurve, this::decayPointer, this::gatherIndex,
            this::gatherOverlap, this::gatherPointer);

    /** Valid buffers, each with room to spare, in {@code arena}, and one library arena; each call spoils one value. */
    NativeRechecks(NativeKernelLibrary library, Arena arena) throws Throwable {
        this.library = library;
        MemorySegment slot = arena.allocate(ADDRESS);
        int created = (int) library.arenaCreate.invokeExact(ARENA_BYTES, OVERFLOW_ERROR, slot);
        if (created != STATUS_OK) {
            throw new AssertionError("engram_arena_create returned " + created);
        }
        arenaHandle = slot.get(ADDRESS, 0);
        fakeArena = room(arena);
        query = room(arena);
        matrix = room(arena);
        out = room(arena);
        outIndex = room(arena);
        outHop = room(arena);
        for (int j = 0; j < ROOM_BYTES / Float.BYTES; j++) {
            query.setAtIndex(JAVA_FLOAT, j, 1f + j % 7);
            matrix.setAtIndex(JAVA_FLOAT, j, 0.5f - j % 3);
        }
        offsets = arena.allocateFrom(JAVA_INT, 0, 1, 2, 3, 4);
        targets = arena.allocateFrom(JAVA_INT, 1, 2, 3, 0);
        badTargets = arena.allocate(JAVA_INT, NODES);
        weights = arena.allocateFrom(JAVA_FLOAT, 0.5f, 0.5f, 0.5f, 0.5f);
        seedNodes = arena.allocateFrom(JAVA_INT, 0, 2);
        seedActivations = arena.allocateFrom(JAVA_FLOAT, 1f, 0.5f);
        badSeedNodes = arena.allocate(JAVA_INT, 2);
        badSeedActivations = arena.allocate(JAVA_FLOAT, 2);
        spreadParams = arena.allocate(NativeKernelLibrary.SPREAD_PARAMS);
        reachedCount = arena.allocate(JAVA_INT);
        decayParams = arena.allocate(NativeKernelLibrary.DECAY_PARAMS);
        int[] gathered = new int[2 * MEMORIES];
        Arrays.setAll(gathered, i -> (i * 5) % MEMORIES);
        indices = arena.allocateFrom(JAVA_INT, gathered);
        badIndices = arena.allocate(JAVA_INT, 2 * MEMORIES);
        strength = arena.allocate(JAVA_FLOAT, MEMORIES);
        lastAccess = arena.allocate(JAVA_DOUBLE, MEMORIES + 1);
        accessCount = arena.allocate(JAVA_INT, MEMORIES);
        for (int m = 0; m < MEMORIES; m++) {
            strength.setAtIndex(JAVA_FLOAT, m, 0.5f + m / 40f);
            lastAccess.setAtIndex(JAVA_DOUBLE, m, -3600.0 * m);
            accessCount.setAtIndex(JAVA_INT, m, m % 5);
        }
        valid = new Valid(arena);
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

    /** A valid call of each entry point, which must return 0 and the right answer: the library still answers. */
    List<ValidCall> validCalls() {
        return valid.calls();
    }

    /** Destroys the library arena. */
    @Override
    public void close() {
        int status;
        try {
            status = (int) library.arenaDestroy.invokeExact(arenaHandle);
        } catch (Throwable e) {
            throw new AssertionError("engram_arena_destroy failed", e);
        }
        if (status != STATUS_OK) {
            throw new AssertionError("engram_arena_destroy returned " + status);
        }
    }

    /** The segment {@code bytes} bytes past the start of {@code segment}: misaligned for 1..3. */
    private static MemorySegment shifted(MemorySegment segment, int bytes) {
        return segment.asSlice(bytes);
    }

    private static int pick(SplittableRandom random, int... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static long pick(SplittableRandom random, long... choices) {
        return choices[random.nextInt(choices.length)];
    }

    // ---- the calls, with every argument but the arena given ------------------------------

    private int cosine(MemorySegment a, MemorySegment q, int dimensions, MemorySegment m, long firstRow,
            long rowCount, MemorySegment norms, MemorySegment o) throws Throwable {
        return (int) Downcalls.COSINE.invokeExact(library.cosineEntry, a, q, dimensions, m, firstRow, rowCount, norms,
                o);
    }

    private int topK(MemorySegment a, MemorySegment q, int queryCount, int dimensions, MemorySegment m, long firstRow,
            long rowCount, int k, MemorySegment index, MemorySegment score) throws Throwable {
        return (int) Downcalls.COSINE_TOPK.invokeExact(library.cosineTopKEntry, a, q, queryCount, dimensions, m,
                firstRow, rowCount, MemorySegment.NULL, k, index, score);
    }

    private int spread(int nodeCount, long edgeCount, MemorySegment offsets, MemorySegment targets,
            MemorySegment nodes, MemorySegment activations, MemorySegment params, int mode, int capacity,
            MemorySegment outNodes, MemorySegment activation, MemorySegment count) throws Throwable {
        return (int) Downcalls.SPREAD.invokeExact(library.spreadEntry, arenaHandle, nodeCount, edgeCount, offsets,
                targets, weights, nodes, activations, 2, params, mode, capacity, outNodes, activation, outHop, count);
    }

    private int spread(MemorySegment offsets, MemorySegment targets, MemorySegment nodes, MemorySegment activations)
            throws Throwable {
        return spread(NODES, EDGES, offsets, targets, nodes, activations, spreadParams, MODE_DENSE, 0,
                MemorySegment.NULL, out, reachedCount);
    }

    private int decay(MemorySegment a, MemorySegment s, long count, MemorySegment params, MemorySegment o)
            throws Throwable {
        return (int) Downcalls.DECAY.invokeExact(library.decayEntry, a, s, matrix, MemorySegment.NULL, count, params,
                o);
    }

    private int gather(MemorySegment index, long count, long memoryCount, MemorySegment s, MemorySegment last,
            MemorySegment counts, MemorySegment params, MemorySegment o) throws Throwable {
        return (int) Downcalls.DECAY_GATHER.invokeExact(library.decayGatherEntry, arenaHandle, index, count,
                memoryCount, s, last, counts, 1e5, params, o);
    }

    // ---- the categories ------------------------------------------------------------------

    /** Every entry point refuses an arena handle that is null, misaligned, or not an arena's (zeroed memory). */
    private NativeCall arena(SplittableRandom random) {
        String[] kinds = {"null", "misaligned", "pointing at zeroed memory"};
        int kind = random.nextInt(3);
        MemorySegment a = switch (kind) {
            case 0 -> MemorySegment.NULL;
            case 1 -> MemorySegment.ofAddress(arenaHandle.address() + 1 + random.nextInt(7));
            default -> fakeArena;
        };
        String what = " with an arena " + kinds[kind];
        return switch (random.nextInt(6)) {
            case 0 -> new NativeCall("engram_cosine" + what, () -> cosine(a, query, 8, matrix, 0, 4,
                    MemorySegment.NULL, out));
            case 1 -> new NativeCall("engram_cosine_topk" + what, () -> topK(a, query, 2, 8, matrix, 0, 4, 2,
                    outIndex, out));
            case 2 -> new NativeCall("engram_spread" + what, () -> (int) Downcalls.SPREAD.invokeExact(
                    library.spreadEntry, a, NODES, EDGES, offsets, targets, weights, seedNodes, seedActivations, 2,
                    spreadParams, MODE_DENSE, 0, MemorySegment.NULL, out, outHop, reachedCount));
            case 3 -> new NativeCall("engram_spread (sparse)" + what, () -> (int) Downcalls.SPREAD.invokeExact(
                    library.spreadEntry, a, NODES, EDGES, offsets, targets, weights, seedNodes, seedActivations, 2,
                    spreadParams, MODE_SPARSE, 4, outIndex, out, outHop, reachedCount));
            case 4 -> new NativeCall("engram_decay" + what, () -> decay(a, query, 16, decayParams, out));
            default -> new NativeCall("engram_decay_gather" + what, () -> (int) Downcalls.DECAY_GATHER.invokeExact(
                    library.decayGatherEntry, a, indices, 8L, (long) MEMORIES, strength, lastAccess, MemorySegment.NULL,
                    0.0, decayParams, out));
        };
    }

    private NativeCall cosineShape(SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> {
                int dimensions = pick(random, 0, 4097, 4098 + random.nextInt(1 << 16), -1, Integer.MIN_VALUE);
                yield new NativeCall("engram_cosine with dimensions " + Integer.toUnsignedString(dimensions),
                        () -> cosine(arenaHandle, query, dimensions, matrix, 0, 4, MemorySegment.NULL, out));
            }
            case 1 -> {
                long rows = ROWS_MAX + 1 + random.nextLong(1L << 40);
                yield new NativeCall("engram_cosine with " + rows + " rows",
                        () -> cosine(arenaHandle, query, 8, matrix, 0, rows, MemorySegment.NULL, out));
            }
            default -> {
                // Each at most 2^31 - 1 alone, or past it, or so large that their u64 sum wraps.
                long firstRow = pick(random, 1 + random.nextLong(ROWS_MAX), ROWS_MAX + 1 + random.nextLong(1L << 40),
                        Long.MIN_VALUE, -1L);
                long rowCount = firstRow > 0 && firstRow <= ROWS_MAX
                        ? ROWS_MAX - firstRow + 1 + random.nextLong(firstRow)
                        : pick(random, 0L, 1L, 4L, Long.MIN_VALUE);
                yield new NativeCall("engram_cosine over " + Long.toUnsignedString(rowCount) + " rows from row "
                        + Long.toUnsignedString(firstRow),
                        () -> cosine(arenaHandle, query, 8, matrix, firstRow, rowCount, MemorySegment.NULL, out));
            }
        };
    }

    private NativeCall cosinePointer(SplittableRandom random) {
        MemorySegment[] args = {query, matrix, out, MemorySegment.NULL};
        String[] names = {"query", "matrix", "out", "norms"};
        int which = random.nextInt(4);
        int bytes = which == 3 ? 1 + random.nextInt(3) : random.nextInt(4);
        args[which] = bytes == 0 ? MemorySegment.NULL : shifted(which == 3 ? matrix : args[which], bytes);
        MemorySegment q = args[0];
        MemorySegment m = args[1];
        MemorySegment o = args[2];
        MemorySegment norms = args[3];
        long firstRow = random.nextInt(3);
        return new NativeCall("engram_cosine from row " + firstRow + " with " + names[which]
                + (bytes == 0 ? " null" : " misaligned by " + bytes),
                () -> cosine(arenaHandle, q, 8, m, firstRow, 4, norms, o));
    }

    private NativeCall topKShape(SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> {
                int queries = pick(random, 0, 1025, 1026 + random.nextInt(1 << 20), -1, Integer.MIN_VALUE);
                yield new NativeCall("engram_cosine_topk with query_count " + Integer.toUnsignedString(queries),
                        () -> topK(arenaHandle, query, queries, 8, matrix, 0, 4, 2, outIndex, out));
            }
            case 1 -> {
                long rows = random.nextInt(5);
                int k = rows == 0 ? 1 : pick(random, 0, (int) rows + 1, 1000, -1, Integer.MIN_VALUE);
                long firstRow = random.nextInt(3);
                yield new NativeCall("engram_cosine_topk with k " + Integer.toUnsignedString(k) + " of " + rows
                        + " rows from row " + firstRow,
                        () -> topK(arenaHandle, query, 1, 8, matrix, firstRow, rows, k, outIndex, out));
            }
            default -> {
                long firstRow = 1 + random.nextLong(ROWS_MAX);
                long rowCount = ROWS_MAX - firstRow + 1 + random.nextLong(firstRow);
                yield new NativeCall("engram_cosine_topk over " + rowCount + " rows from row " + firstRow,
                        () -> topK(arenaHandle, query, 1, 8, matrix, firstRow, rowCount, 1, outIndex, out));
            }
        };
    }

    private NativeCall topKPointer(SplittableRandom random) {
        MemorySegment[] args = {query, matrix, outIndex, out};
        String[] names = {"queries", "matrix", "out_index", "out_score"};
        int which = random.nextInt(4);
        int bytes = random.nextInt(4);
        args[which] = bytes == 0 ? MemorySegment.NULL : shifted(args[which], bytes);
        MemorySegment q = args[0];
        MemorySegment m = args[1];
        MemorySegment i = args[2];
        MemorySegment s = args[3];
        int queries = 1 + random.nextInt(4);
        return new NativeCall("engram_cosine_topk of " + queries + " queries with " + names[which]
                + (bytes == 0 ? " null" : " misaligned by " + bytes),
                () -> topK(arenaHandle, q, queries, 8, m, 0, 4, 2, i, s));
    }

    private NativeCall spreadDepth(SplittableRandom random) {
        int depth = pick(random, 0, 33, 34 + random.nextInt(1000), -1, Integer.MIN_VALUE);
        spreadParams.set(JAVA_INT, 0, depth);
        return new NativeCall("engram_spread with max_depth " + Integer.toUnsignedString(depth),
                () -> spread(offsets, targets, seedNodes, seedActivations));
    }

    private NativeCall spreadMode(SplittableRandom random) {
        int mode = pick(random, 2, 3, 4 + random.nextInt(1 << 20), -1, Integer.MIN_VALUE);
        return new NativeCall("engram_spread in mode " + Integer.toUnsignedString(mode),
                () -> spread(NODES, EDGES, offsets, targets, seedNodes, seedActivations, spreadParams, mode, 4,
                        outIndex, out, reachedCount));
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
        boolean sparse = random.nextBoolean();
        return new NativeCall("engram_spread" + (sparse ? " (sparse)" : "") + " with "
                + (node ? "seed node " + badNode : "seed activation " + badActivation),
                () -> spread(NODES, EDGES, offsets, targets, badSeedNodes, badSeedActivations, spreadParams,
                        sparse ? MODE_SPARSE : MODE_DENSE, 4, outIndex, out, reachedCount));
    }

    private NativeCall spreadPointer(SplittableRandom random) {
        return switch (random.nextInt(8)) {
            case 0 -> new NativeCall("engram_spread with null params",
                    () -> spread(NODES, EDGES, offsets, targets, seedNodes, seedActivations, MemorySegment.NULL,
                            MODE_DENSE, 0, MemorySegment.NULL, out, reachedCount));
            case 1 -> new NativeCall("engram_spread with a null activated count",
                    () -> spread(NODES, EDGES, offsets, targets, seedNodes, seedActivations, spreadParams, MODE_DENSE,
                            0, MemorySegment.NULL, out, MemorySegment.NULL));
            case 2 -> new NativeCall("engram_spread with null seeds and a seed count of 2",
                    () -> spread(offsets, targets, MemorySegment.NULL, seedActivations));
            case 3 -> new NativeCall("engram_spread with a null activation output",
                    () -> spread(NODES, EDGES, offsets, targets, seedNodes, seedActivations, spreadParams, MODE_DENSE,
                            0, MemorySegment.NULL, MemorySegment.NULL, reachedCount));
            case 4 -> new NativeCall("engram_spread with seeds misaligned by 2",
                    () -> spread(offsets, targets, shifted(outIndex, 2), seedActivations));
            case 5 -> new NativeCall("engram_spread with params misaligned by 1",
                    () -> spread(NODES, EDGES, offsets, targets, seedNodes, seedActivations, shifted(outIndex, 1),
                            MODE_DENSE, 0, MemorySegment.NULL, out, reachedCount));
            case 6 -> {
                int capacity = 1 + random.nextInt(8);
                yield new NativeCall("engram_spread (sparse) with null out_nodes and a capacity of " + capacity,
                        () -> spread(NODES, EDGES, offsets, targets, seedNodes, seedActivations, spreadParams,
                                MODE_SPARSE, capacity, MemorySegment.NULL, out, reachedCount));
            }
            default -> {
                int bytes = 1 + random.nextInt(3);
                yield new NativeCall("engram_spread (sparse) with out_nodes misaligned by " + bytes,
                        () -> spread(NODES, EDGES, offsets, targets, seedNodes, seedActivations, spreadParams,
                                MODE_SPARSE, 4, shifted(outIndex, bytes), out, reachedCount));
            }
        };
    }

    /** A copy of the valid offsets, 512 bytes into {@code outIndex}, with one entry changed. */
    private MemorySegment offsetsWith(int at, int value) {
        MemorySegment bad = outIndex.asSlice(512, (NODES + 1) * Integer.BYTES);
        bad.copyFrom(offsets);
        bad.setAtIndex(JAVA_INT, at, value);
        return bad;
    }

    private NativeCall spreadGraph(SplittableRandom random) {
        return switch (random.nextInt(8)) {
            case 0 -> {
                int count = pick(random, -1, Integer.MIN_VALUE, Integer.MIN_VALUE + random.nextInt(1000));
                yield new NativeCall("engram_spread with node_count " + Integer.toUnsignedString(count),
                        () -> spread(count, EDGES, offsets, targets, seedNodes, seedActivations, spreadParams,
                                MODE_DENSE, 0, MemorySegment.NULL, out, reachedCount));
            }
            case 1 -> new NativeCall("engram_spread with seeds on an empty graph",
                    () -> spread(0, 0, offsets, targets, seedNodes, seedActivations, spreadParams, MODE_DENSE, 0,
                            MemorySegment.NULL, out, reachedCount));
            case 2 -> {
                MemorySegment bad = offsetsWith(0, 1 + random.nextInt(3));
                yield new NativeCall("engram_spread with offsets[0] = " + bad.getAtIndex(JAVA_INT, 0),
                        () -> spread(bad, targets, seedNodes, seedActivations));
            }
            case 3 -> {
                long edges = pick(random, 0L, 3L, 5L, 1000L);
                yield new NativeCall("engram_spread with edge_count " + edges + " and offsets[n] = 4",
                        () -> spread(NODES, edges, offsets, targets, seedNodes, seedActivations, spreadParams,
                                MODE_DENSE, 0, MemorySegment.NULL, out, reachedCount));
            }
            case 4 -> {
                long edges = pick(random, ROWS_MAX + 1, -1L, Long.MIN_VALUE);
                yield new NativeCall("engram_spread with edge_count " + Long.toUnsignedString(edges),
                        () -> spread(NODES, edges, offsets, targets, seedNodes, seedActivations, spreadParams,
                                MODE_DENSE, 0, MemorySegment.NULL, out, reachedCount));
            }
            case 5 -> {
                // Node 2, a seed, has one edge, to a node the graph does not have.
                int target = pick(random, -1, NODES, NODES + random.nextInt(1000), Integer.MAX_VALUE,
                        Integer.MIN_VALUE);
                badTargets.copyFrom(targets);
                badTargets.setAtIndex(JAVA_INT, 2, target);
                yield new NativeCall("engram_spread along an edge to node " + target,
                        () -> spread(offsets, badTargets, seedNodes, seedActivations));
            }
            case 6 -> {
                // Node 1, reached at hop 1, ends its edges past the edge count.
                int end = (int) EDGES + 1 + random.nextInt(1000);
                MemorySegment bad = offsetsWith(2, end);
                yield new NativeCall("engram_spread with offsets[2] = " + end + " past the " + EDGES + " edges",
                        () -> spread(bad, targets, seedNodes, seedActivations));
            }
            default -> {
                // Node 1, reached at hop 1, has offsets that decrease.
                MemorySegment bad = offsetsWith(1, 2);
                bad.setAtIndex(JAVA_INT, 2, 1);
                yield new NativeCall("engram_spread with offsets decreasing at node 1",
                        () -> spread(bad, targets, seedNodes, seedActivations));
            }
        };
    }

    private NativeCall decayCurve(SplittableRandom random) {
        int curve = pick(random, 4, 5, 4 + random.nextInt(1 << 20), -1, Integer.MIN_VALUE);
        decayParams.set(JAVA_INT, 0, curve);
        if (random.nextBoolean()) {
            return new NativeCall("engram_decay_gather with curve " + Integer.toUnsignedString(curve),
                    () -> gather(indices, 8, MEMORIES, strength, lastAccess, accessCount, decayParams, out));
        }
        return new NativeCall("engram_decay with curve " + Integer.toUnsignedString(curve),
                () -> decay(arenaHandle, query, 16, decayParams, out));
    }

    private NativeCall decayPointer(SplittableRandom random) {
        return switch (random.nextInt(5)) {
            case 0 -> new NativeCall("engram_decay with null params",
                    () -> decay(arenaHandle, query, 16, MemorySegment.NULL, out));
            case 1 -> {
                int bytes = 1 + random.nextInt(7);
                MemorySegment params = shifted(outIndex, bytes);
                yield new NativeCall("engram_decay with params misaligned by " + bytes,
                        () -> decay(arenaHandle, query, 16, params, out));
            }
            case 2 -> {
                long count = COUNT_MAX + 1 + random.nextLong(1L << 40);
                yield new NativeCall("engram_decay of " + count + " memories",
                        () -> decay(arenaHandle, query, count, decayParams, out));
            }
            case 3 -> new NativeCall("engram_decay with null strengths",
                    () -> decay(arenaHandle, MemorySegment.NULL, 16, decayParams, out));
            default -> {
                int bytes = 1 + random.nextInt(3);
                yield new NativeCall("engram_decay with out misaligned by " + bytes,
                        () -> decay(arenaHandle, query, 16, decayParams, shifted(out, bytes)));
            }
        };
    }

    /** One index of the gather outside the memories: the gather refuses it where it reads it. */
    private NativeCall gatherIndex(SplittableRandom random) {
        int count = 1 + random.nextInt(2 * MEMORIES);
        badIndices.copyFrom(indices);
        int at = random.nextInt(count);
        int bad = pick(random, -1, MEMORIES, MEMORIES + random.nextInt(1000), Integer.MAX_VALUE, Integer.MIN_VALUE);
        badIndices.setAtIndex(JAVA_INT, at, bad);
        return new NativeCall("engram_decay_gather with indices[" + at + "] = " + bad + " of " + MEMORIES
                + " memories", () -> gather(badIndices, count, MEMORIES, strength, lastAccess, accessCount,
                        decayParams, out));
    }

    /** An output that overlaps an input of the gather, which it reads after writing. */
    private NativeCall gatherOverlap(SplittableRandom random) {
        long count = 1 + random.nextInt(MEMORIES);
        int offset = Float.BYTES * random.nextInt(MEMORIES);
        return switch (random.nextInt(4)) {
            case 0 -> new NativeCall("engram_decay_gather with out " + offset + " bytes into strength",
                    () -> gather(indices, count, MEMORIES, strength, lastAccess, accessCount, decayParams,
                            strength.asSlice(offset)));
            case 1 -> new NativeCall("engram_decay_gather with out " + offset + " bytes into last_access_seconds",
                    () -> gather(indices, count, MEMORIES, strength, lastAccess, accessCount, decayParams,
                            lastAccess.asSlice(offset)));
            case 2 -> {
                // Within the count indices read, not merely the buffer.
                int into = Float.BYTES * random.nextInt((int) count);
                yield new NativeCall("engram_decay_gather with out " + into + " bytes into indices",
                        () -> gather(indices, count, MEMORIES, strength, lastAccess, accessCount, decayParams,
                                indices.asSlice(into)));
            }
            default -> new NativeCall("engram_decay_gather with out " + offset + " bytes into access_count",
                    () -> gather(indices, count, MEMORIES, strength, lastAccess, accessCount, decayParams,
                            accessCount.asSlice(offset)));
        };
    }

    private NativeCall gatherPointer(SplittableRandom random) {
        return switch (random.nextInt(7)) {
            case 0 -> new NativeCall("engram_decay_gather with last_access_seconds misaligned by 4",
                    () -> gather(indices, 8, MEMORIES, strength, shifted(lastAccess, 4), accessCount, decayParams,
                            out));
            case 1 -> new NativeCall("engram_decay_gather with null last_access_seconds",
                    () -> gather(indices, 8, MEMORIES, strength, MemorySegment.NULL, accessCount, decayParams, out));
            case 2 -> {
                int bytes = 1 + random.nextInt(3);
                yield new NativeCall("engram_decay_gather with indices misaligned by " + bytes,
                        () -> gather(shifted(indices, bytes), 8, MEMORIES, strength, lastAccess, accessCount,
                                decayParams, out));
            }
            case 3 -> new NativeCall("engram_decay_gather with null indices and a count of 8",
                    () -> gather(MemorySegment.NULL, 8, MEMORIES, strength, lastAccess, accessCount, decayParams,
                            out));
            case 4 -> {
                long memories = COUNT_MAX + 1 + random.nextLong(1L << 40);
                yield new NativeCall("engram_decay_gather over " + memories + " memories",
                        () -> gather(indices, 8, memories, strength, lastAccess, accessCount, decayParams, out));
            }
            case 5 -> new NativeCall("engram_decay_gather with null params",
                    () -> gather(indices, 8, MEMORIES, strength, lastAccess, accessCount, MemorySegment.NULL, out));
            default -> {
                int bytes = 1 + random.nextInt(3);
                yield new NativeCall("engram_decay_gather with access_count misaligned by " + bytes,
                        () -> gather(indices, 8, MEMORIES, strength, lastAccess, shifted(accessCount, bytes),
                                decayParams, out));
            }
        };
    }

    /**
     * Valid calls of every entry point on small inputs of known answers, each with buffers of
     * its own so that no invalid call has touched them, on the same library arena.
     */
    private final class Valid {
        private final MemorySegment unitQuery;
        private final MemorySegment twoRows;
        private final MemorySegment scores;
        private final MemorySegment queries;
        private final MemorySegment fourRows;
        private final MemorySegment index;
        private final MemorySegment topScores;
        private final MemorySegment chainOffsets;
        private final MemorySegment chainTargets;
        private final MemorySegment chainWeights;
        private final MemorySegment seed;
        private final MemorySegment seedActivation;
        private final MemorySegment params;
        private final MemorySegment nodes;
        private final MemorySegment activation;
        private final MemorySegment firstHop;
        private final MemorySegment count;
        private final MemorySegment halfLife;
        private final MemorySegment strengths;
        private final MemorySegment ages;
        private final MemorySegment gathered;
        private final MemorySegment lastAccesses;
        private final MemorySegment decayed;

        Valid(Arena arena) {
            unitQuery = arena.allocateFrom(JAVA_FLOAT, 2f);
            twoRows = arena.allocateFrom(JAVA_FLOAT, 3f, -4f);
            scores = arena.allocate(JAVA_FLOAT, 2);
            queries = arena.allocateFrom(JAVA_FLOAT, 1f, 0f, 0f, 1f);
            fourRows = arena.allocateFrom(JAVA_FLOAT, 9f, 9f, 0f, 2f, 3f, 0f, -1f, -1f);
            index = arena.allocate(JAVA_INT, 2);
            topScores = arena.allocate(JAVA_FLOAT, 2);
            chainOffsets = arena.allocateFrom(JAVA_INT, 0, 1, 2, 2);
            chainTargets = arena.allocateFrom(JAVA_INT, 1, 2);
            chainWeights = arena.allocateFrom(JAVA_FLOAT, 0.5f, 0.5f);
            seed = arena.allocateFrom(JAVA_INT, 0);
            seedActivation = arena.allocateFrom(JAVA_FLOAT, 1f);
            params = arena.allocate(NativeKernelLibrary.SPREAD_PARAMS);
            params.set(JAVA_INT, 0, 2);
            params.set(JAVA_INT, 4, 2);
            params.setAtIndex(JAVA_FLOAT, 4, 1f);
            params.setAtIndex(JAVA_FLOAT, 5, 1f);
            nodes = arena.allocate(JAVA_INT, 3);
            activation = arena.allocate(JAVA_FLOAT, 3);
            firstHop = arena.allocate(JAVA_INT, 3);
            count = arena.allocate(JAVA_INT);
            halfLife = arena.allocate(NativeKernelLibrary.DECAY_PARAMS);
            halfLife.set(JAVA_DOUBLE, 16, 86_400.0);
            strengths = arena.allocateFrom(JAVA_FLOAT, 1f, 0.25f);
            ages = arena.allocateFrom(JAVA_FLOAT, 86_400f, 0f);
            gathered = arena.allocateFrom(JAVA_INT, 1, 1);
            lastAccesses = arena.allocateFrom(JAVA_DOUBLE, 0.0, 1e9 - 86_400);
            decayed = arena.allocate(JAVA_FLOAT, 2);
        }

        private int spread(int mode, int capacity, MemorySegment outNodes) throws Throwable {
            return (int) Downcalls.SPREAD.invokeExact(library.spreadEntry, arenaHandle, 3, 2L, chainOffsets,
                    chainTargets, chainWeights, seed, seedActivation, 1, params, mode, capacity, outNodes, activation,
                    firstHop, count);
        }

        List<ValidCall> calls() {
            return List.of(
                    new ValidCall("cosine", () -> cosine(arenaHandle, unitQuery, 1, twoRows, 0, 2, MemorySegment.NULL,
                            scores), () -> same(new float[] {1f, -1f}, scores)),
                    new ValidCall("cosine_topk of 2 queries over rows 1..2", () -> topK(arenaHandle, queries, 2, 2,
                            fourRows, 1, 2, 1, index, topScores), () -> {
                                same(new int[] {2, 1}, index);
                                same(new float[] {1f, 1f}, topScores);
                            }),
                    new ValidCall("spread", () -> spread(MODE_DENSE, 0, MemorySegment.NULL), () -> {
                        same(new float[] {1f, 0.5f, 0.25f}, activation);
                        same(new int[] {0, 1, 2}, firstHop);
                        same(new int[] {3}, count);
                    }),
                    new ValidCall("spread (sparse, capacity 2)", () -> spread(MODE_SPARSE, 2, nodes), () -> {
                        same(new int[] {0, 1}, nodes.asSlice(0, 8));
                        same(new float[] {1f, 0.5f}, activation.asSlice(0, 8));
                        same(new int[] {0, 1}, firstHop.asSlice(0, 8));
                        same(new int[] {3}, count);
                    }),
                    new ValidCall("decay", () -> (int) Downcalls.DECAY.invokeExact(library.decayEntry, arenaHandle,
                            strengths, ages, MemorySegment.NULL, 2L, halfLife, decayed),
                            () -> same(new float[] {0.5f, 0.25f}, decayed)),
                    new ValidCall("decay_gather", () -> (int) Downcalls.DECAY_GATHER.invokeExact(
                            library.decayGatherEntry, arenaHandle, gathered, 2L, 2L, strengths, lastAccesses,
                            MemorySegment.NULL, 1e9, halfLife, decayed),
                            () -> same(new float[] {0.125f, 0.125f}, decayed)));
        }

        private static void same(float[] expected, MemorySegment got) {
            float[] values = got.toArray(JAVA_FLOAT);
            if (!Arrays.equals(expected, values)) {
                throw new AssertionError("expected " + Arrays.toString(expected) + ", got " + Arrays.toString(values));
            }
        }

        private static void same(int[] expected, MemorySegment got) {
            int[] values = got.toArray(JAVA_INT);
            if (!Arrays.equals(expected, values)) {
                throw new AssertionError("expected " + Arrays.toString(expected) + ", got " + Arrays.toString(values));
            }
        }
    }
}
