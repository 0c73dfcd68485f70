package engram.kernels.zig.impl.differential;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelArguments;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.SpreadParams;
import engram.api.TopK;
import engram.api.spi.AbstractWorkspace;

/**
 * Generated invalid calls: call {@code index} takes category {@code index % categories},
 * so each way of being wrong the contract names gets its share: wrong lengths, ids out of
 * range, non-monotone offsets, NaN parameters, k out of range, row ranges out of bounds or
 * overflowing, query counts, batch and sparse outputs too short, a negative capacity, gather
 * indices and counts, a gather's output over its inputs, a non-finite {@code nowSeconds},
 * closed, foreign, read-only, misaligned and null segments, and workspaces closed, foreign or
 * busy. Most must end in an {@link IllegalArgumentException} that names the argument (a busy
 * workspace: an {@link IllegalStateException}); the rest hand a kernel non-finite or
 * out-of-range data, for which the contract defines the result (NaN in the affected outputs,
 * the clamps of the decay value rule, the rest as usual), and check it.
 */
public final class InvalidCalls {
    /**
     * One invalid call.
     *
     * @param argument the argument the refusal must name, or null when the contract defines a
     *     result instead and {@code call} checks it (throwing {@link AssertionError} if wrong)
     * @param refusal the exception the refusal must be: {@link IllegalArgumentException}, or
     *     {@link IllegalStateException} for a workspace another call is using
     */
    public record Call(String description, String argument, Class<? extends RuntimeException> refusal,
            Consumer<KernelService> call) {
        public Call(String description, String argument, Consumer<KernelService> call) {
            this(description, argument, IllegalArgumentException.class, call);
        }
    }

    /** A workspace of another kernel, or of another instance of the kernel under test, and what it is. */
    public record ForeignWorkspace(String description, KernelWorkspace workspace) {
    }

    private interface Category {
        Call make(SplittableRandom random, Arena arena);
    }

    private final List<Category> categories = List.of(
            this::cosineDimensions, this::cosineRows, this::cosineShortSegment, this::cosineBadSegment,
            this::cosineNonFinite, this::topKOutOfRange, this::topKBadOutput, this::topKNonFinite,
            this::spreadSeedNode, this::spreadSeedActivation, this::spreadSeedCount, this::spreadBadOutput,
            this::spreadClosedOrNull, this::graphOffsets, this::graphTargetsOrWeights, this::graphSegments,
            this::spreadParams, this::decayShortOrBadSegment, this::decayCurveConstants, this::decayFloorOrNull,
            this::decayOutOfRange, this::rowRange, this::rowRangeShortSegment, this::queryCount,
            this::batchShortSegment, this::sparseCapacity, this::sparseBadOutput, this::gatherIndices,
            this::gatherCounts, this::gatherShortOrBadSegment, this::gatherOverlap, this::gatherNow,
            this::gatherOutOfRangeValues, this::workspaceClosed, this::workspaceForeign, this::workspaceBusy);
    private final MemorySegment foreign;
    private final List<ForeignWorkspace> foreignWorkspaces;

    /**
     * @param foreign a segment of a confined arena of another thread, of 64 bytes or more
     * @param foreignWorkspaces workspaces the kernel under test did not make: another kernel's,
     *     another instance's
     */
    public InvalidCalls(MemorySegment foreign, List<ForeignWorkspace> foreignWorkspaces) {
        this.foreign = foreign;
        this.foreignWorkspaces = List.copyOf(foreignWorkspaces);
    }

    public int categoryCount() {
        return categories.size();
    }

    /** Invalid call {@code index}; its segments live in {@code arena}, which must stay open until it has run. */
    public Call next(SplittableRandom random, int index, Arena arena) {
        return categories.get(index % categories.size()).make(random, arena);
    }

    // ---- segments ------------------------------------------------------------------------

    private static MemorySegment floats(SplittableRandom random, Arena arena, long count) {
        MemorySegment segment = arena.allocate(Math.max(count, 1) * Float.BYTES, 64).asSlice(0, count * Float.BYTES);
        for (long i = 0; i < count; i++) {
            segment.setAtIndex(JAVA_FLOAT, i, (float) random.nextDouble(-1, 1));
        }
        return segment;
    }

    private static MemorySegment ints(Arena arena, int... values) {
        return arena.allocate(Math.max(values.length, 1) * (long) Integer.BYTES, 64)
                .asSlice(0, (long) values.length * Integer.BYTES).copyFrom(MemorySegment.ofArray(values));
    }

    /** A segment wrong in one of the ways {@code KernelArguments.requireInput} refuses. */
    private MemorySegment broken(SplittableRandom random, Arena arena, long count, boolean output, String[] why) {
        int ways = output ? 7 : 6;
        switch (random.nextInt(ways)) {
            case 0 -> {
                why[0] = "null";
                return null;
            }
            case 1 -> {
                long shorter = random.nextLong(count);
                why[0] = "holding " + shorter + " of " + count + " values";
                return random.nextBoolean() ? floats(random, arena, shorter)
                        : MemorySegment.ofArray(new float[(int) shorter]);
            }
            case 2 -> {
                int offset = 1 + random.nextInt(3);
                why[0] = "misaligned by " + offset + " bytes";
                return arena.allocate(count * Float.BYTES + 8, 8).asSlice(offset, count * Float.BYTES);
            }
            case 3 -> {
                why[0] = "of a closed arena";
                Arena closed = Arena.ofConfined();
                MemorySegment segment = closed.allocate(count * Float.BYTES, 8);
                closed.close();
                return segment;
            }
            case 4 -> {
                why[0] = "of another thread's confined arena";
                return foreign.byteSize() >= count * Float.BYTES ? foreign.asSlice(0, count * Float.BYTES) : foreign;
            }
            case 5 -> {
                why[0] = "empty";
                return MemorySegment.ofArray(new float[0]);
            }
            default -> {
                why[0] = "read-only";
                return floats(random, arena, count).asReadOnly();
            }
        }
    }

    private static int dimensions(SplittableRandom random) {
        return 1 + random.nextInt(40);
    }

    private static int badInt(SplittableRandom random, int... choices) {
        return random.nextInt(3) == 0 ? -1 - random.nextInt(Integer.MAX_VALUE)
                : choices[random.nextInt(choices.length)];
    }

    // ---- similarity ----------------------------------------------------------------------

    private Call cosineDimensions(SplittableRandom random, Arena arena) {
        int bad = badInt(random, 0, -1, 4097, 4098 + random.nextInt(1 << 20), Integer.MIN_VALUE, Integer.MAX_VALUE);
        MemorySegment q = floats(random, arena, 8);
        MemorySegment m = floats(random, arena, 8 * 4);
        MemorySegment out = floats(random, arena, 4);
        return new Call("cosine with dimensions " + bad, "dimensions", k -> k.cosine(q, bad, m, 4, null, out));
    }

    private Call cosineRows(SplittableRandom random, Arena arena) {
        int d = dimensions(random);
        int bad = badInt(random, -1, Integer.MIN_VALUE);
        MemorySegment q = floats(random, arena, d);
        MemorySegment m = floats(random, arena, d);
        MemorySegment out = floats(random, arena, 1);
        return new Call("cosine with rows " + bad, "rowCount", k -> k.cosine(q, d, m, bad, null, out));
    }

    private Call cosineShortSegment(SplittableRandom random, Arena arena) {
        int d = dimensions(random);
        int rows = 1 + random.nextInt(8);
        MemorySegment[] args = {floats(random, arena, d), floats(random, arena, (long) rows * d),
            floats(random, arena, rows), floats(random, arena, rows)};
        int which = random.nextInt(4);
        String[] names = {"query", "matrix", "norms", "out"};
        long[] counts = {d, (long) rows * d, rows, rows};
        long shorter = random.nextLong(counts[which]);
        args[which] = floats(random, arena, shorter);
        return new Call("cosine with " + names[which] + " holding " + shorter + " of " + counts[which] + " values",
                names[which], k -> k.cosine(args[0], d, args[1], rows, args[2], args[3]));
    }

    private Call cosineBadSegment(SplittableRandom random, Arena arena) {
        int d = dimensions(random);
        int rows = 1 + random.nextInt(8);
        MemorySegment[] args = {floats(random, arena, d), floats(random, arena, (long) rows * d),
            floats(random, arena, rows), floats(random, arena, rows)};
        String[] names = {"query", "matrix", "norms", "out"};
        long[] counts = {d, (long) rows * d, rows, rows};
        int which = random.nextInt(4);
        String[] why = new String[1];
        args[which] = broken(random, arena, counts[which], which == 3, why);
        if (which == 2 && args[2] == null) {
            args[2] = MemorySegment.ofArray(new float[0]);
            why[0] = "empty";
        }
        return new Call("cosine with " + names[which] + " " + why[0], names[which],
                k -> k.cosine(args[0], d, args[1], rows, args[2], args[3]));
    }

    /**
     * NaN or an infinity in the query or one row: NaN in the affected scores, the others as
     * usual; NaN even against a zero row (a third of the rows, here).
     */
    private Call cosineNonFinite(SplittableRandom random, Arena arena) {
        int d = dimensions(random);
        int rows = 2 + random.nextInt(6);
        float[] query = new float[d];
        float[] matrix = new float[rows * d];
        query[0] = 1f;
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = i / d % 3 == 0 ? 0f : (float) random.nextDouble(-1, 1);
        }
        float bad = nonFinite(random);
        boolean inQuery = random.nextInt(4) == 0;
        int row = random.nextInt(rows);
        if (inQuery) {
            query[random.nextInt(d)] = bad;
        } else {
            matrix[row * d + random.nextInt(d)] = bad;
        }
        return new Call("cosine with " + bad + " in " + (inQuery ? "the query" : "row " + row), null, k -> {
            float[] got = k.cosine(query, matrix, null);
            double[] exact = Oracle.cosine(query, matrix, null);
            requireNaNWhereExpected("cosine", got, exact);
        });
    }

    private static float nonFinite(SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> Float.NaN;
            case 1 -> Float.POSITIVE_INFINITY;
            default -> Float.NEGATIVE_INFINITY;
        };
    }

    private static void requireNaNWhereExpected(String kernel, float[] got, double[] expected) {
        for (int i = 0; i < got.length; i++) {
            boolean nan = Double.isNaN(expected[i]);
            double error = Math.abs(got[i] - expected[i]);
            if (nan != Float.isNaN(got[i]) || (!nan && error > Checks.COSINE_ABSOLUTE)) {
                throw new AssertionError(kernel + " out[" + i + "] = " + got[i] + ", expected " + expected[i]);
            }
        }
    }

    private Call topKOutOfRange(SplittableRandom random, Arena arena) {
        int d = dimensions(random);
        int rows = random.nextInt(6);
        int bad = rows == 0 ? 1 : badInt(random, 0, -1, rows + 1, rows + 1 + random.nextInt(100), Integer.MAX_VALUE,
                Integer.MIN_VALUE);
        MemorySegment q = floats(random, arena, d);
        MemorySegment m = floats(random, arena, (long) rows * d);
        int room = Math.clamp(bad, 1, 200);
        MemorySegment index = arena.allocate(JAVA_INT, room);
        MemorySegment score = arena.allocate(JAVA_FLOAT, room);
        return new Call("cosineTopK with k " + bad + " of " + rows + " rows", "k",
                k -> k.cosineTopK(q, d, m, rows, null, bad, index, score));
    }

    private Call topKBadOutput(SplittableRandom random, Arena arena) {
        int d = dimensions(random);
        int rows = 1 + random.nextInt(8);
        int topK = 1 + random.nextInt(rows);
        MemorySegment q = floats(random, arena, d);
        MemorySegment m = floats(random, arena, (long) rows * d);
        boolean indexBroken = random.nextBoolean();
        String[] why = new String[1];
        MemorySegment broken = broken(random, arena, topK, true, why);
        MemorySegment index = indexBroken ? broken : arena.allocate(JAVA_INT, topK);
        MemorySegment score = indexBroken ? arena.allocate(JAVA_FLOAT, topK) : broken;
        String name = indexBroken ? "outIndex" : "outScore";
        return new Call("cosineTopK with " + name + " " + why[0], name,
                k -> k.cosineTopK(q, d, m, rows, null, topK, index, score));
    }

    /** NaN rows rank after every number, by index among themselves. */
    private Call topKNonFinite(SplittableRandom random, Arena arena) {
        int d = dimensions(random);
        int rows = 2 + random.nextInt(10);
        float[] query = new float[d];
        query[0] = 1f;
        float[] matrix = new float[rows * d];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = random.nextInt(5) == 0 ? Float.NaN : (float) random.nextDouble(-1, 1);
        }
        int topK = 1 + random.nextInt(rows);
        return new Call("cosineTopK over rows holding NaN", null, k -> {
            TopK got = k.cosineTopK(query, matrix, null, topK);
            double[] exact = Oracle.cosine(query, matrix, null);
            int[] ranked = Oracle.rank(exact);
            for (int i = 0; i < topK; i++) {
                boolean nan = Double.isNaN(exact[ranked[i]]);
                if (nan != Float.isNaN(got.scores()[i]) || (nan && got.indices()[i] != ranked[i])) {
                    throw new AssertionError("cosineTopK position " + i + ": row " + got.indices()[i] + " score "
                            + got.scores()[i] + ", expected row " + ranked[i] + " score " + exact[ranked[i]]);
                }
            }
        });
    }

    // ---- spreading -----------------------------------------------------------------------

    /** A small valid graph: a ring with a chord and a self-loop. */
    private static CsrGraph graph(int n) {
        int[] offsets = new int[n + 1];
        int[] targets = new int[2 * n];
        float[] weights = new float[2 * n];
        for (int u = 0; u < n; u++) {
            offsets[u + 1] = 2 * (u + 1);
            targets[2 * u] = (u + 1) % n;
            targets[2 * u + 1] = u;
            weights[2 * u] = 0.5f;
            weights[2 * u + 1] = 0.25f;
        }
        return CsrGraph.of(offsets, targets, weights);
    }

    private static SpreadParams params() {
        return SpreadParams.exponential(4, 0.5, 0.01f);
    }

    /** Runs {@code call} on a fresh graph of {@code n} nodes, closing it after. */
    private static Consumer<KernelService> onGraph(int n, BiConsumer<KernelService, CsrGraph> call) {
        return k -> {
            try (CsrGraph graph = graph(n)) {
                call.accept(k, graph);
            }
        };
    }

    private Call spreadSeedNode(SplittableRandom random, Arena arena) {
        int n = 1 + random.nextInt(6);
        int bad = badInt(random, -1, n, n + 1 + random.nextInt(1000), Integer.MAX_VALUE, Integer.MIN_VALUE);
        int seeds = 1 + random.nextInt(4);
        int[] nodes = new int[seeds];
        float[] activations = new float[seeds];
        for (int i = 0; i < seeds; i++) {
            nodes[i] = random.nextInt(n);
            activations[i] = 0.5f;
        }
        int at = random.nextInt(seeds);
        nodes[at] = bad;
        MemorySegment seedNodes = ints(arena, nodes);
        MemorySegment seedActivations = arena.allocateFrom(JAVA_FLOAT, activations);
        MemorySegment activation = arena.allocate(JAVA_FLOAT, n);
        MemorySegment firstHop = arena.allocate(JAVA_INT, n);
        return new Call("spread with seedNodes[" + at + "] = " + bad + " on " + n + " nodes", "seedNodes[" + at + "]",
                onGraph(n, (k, g) -> k.spread(g, seedNodes, seedActivations, seeds, params(), activation, firstHop)));
    }

    private Call spreadSeedActivation(SplittableRandom random, Arena arena) {
        int n = 1 + random.nextInt(6);
        float[] bads = {0f, -0f, -0.5f, Math.nextUp(1f), 2f, Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, -Float.MIN_VALUE, Float.MAX_VALUE};
        float bad = bads[random.nextInt(bads.length)];
        MemorySegment seedNodes = ints(arena, 0, n - 1);
        MemorySegment seedActivations = arena.allocateFrom(JAVA_FLOAT, 1f, bad);
        MemorySegment activation = arena.allocate(JAVA_FLOAT, n);
        MemorySegment firstHop = arena.allocate(JAVA_INT, n);
        return new Call("spread with seedActivations[1] = " + bad, "seedActivations[1]",
                onGraph(n, (k, g) -> k.spread(g, seedNodes, seedActivations, 2, params(), activation, firstHop)));
    }

    private Call spreadSeedCount(SplittableRandom random, Arena arena) {
        int n = 1 + random.nextInt(6);
        MemorySegment seedNodes = ints(arena, 0, 0);
        MemorySegment seedActivations = arena.allocateFrom(JAVA_FLOAT, 0.5f, 0.5f);
        MemorySegment activation = arena.allocate(JAVA_FLOAT, n);
        MemorySegment firstHop = arena.allocate(JAVA_INT, n);
        boolean negative = random.nextBoolean();
        int bad = negative ? badInt(random, -1, Integer.MIN_VALUE) : 3 + random.nextInt(1 << 20);
        return new Call("spread with seedCount " + bad + " of 2 seeds", negative ? "seedCount" : "seedNodes",
                onGraph(n, (k, g) -> k.spread(g, seedNodes, seedActivations, bad, params(), activation, firstHop)));
    }

    private Call spreadBadOutput(SplittableRandom random, Arena arena) {
        int n = 1 + random.nextInt(6);
        MemorySegment seedNodes = ints(arena, 0);
        MemorySegment seedActivations = arena.allocateFrom(JAVA_FLOAT, 1f);
        boolean activationBroken = random.nextBoolean();
        String[] why = new String[1];
        MemorySegment broken = broken(random, arena, n, true, why);
        MemorySegment activation = activationBroken ? broken : arena.allocate(JAVA_FLOAT, n);
        MemorySegment firstHop = activationBroken ? arena.allocate(JAVA_INT, n) : broken;
        String name = activationBroken ? "outActivation" : "outFirstHop";
        return new Call("spread with " + name + " " + why[0], name,
                onGraph(n, (k, g) -> k.spread(g, seedNodes, seedActivations, 1, params(), activation, firstHop)));
    }

    private Call spreadClosedOrNull(SplittableRandom random, Arena arena) {
        int n = 1 + random.nextInt(6);
        MemorySegment seedNodes = ints(arena, 0);
        MemorySegment seedActivations = arena.allocateFrom(JAVA_FLOAT, 1f);
        MemorySegment activation = arena.allocate(JAVA_FLOAT, n);
        MemorySegment firstHop = arena.allocate(JAVA_INT, n);
        return switch (random.nextInt(3)) {
            case 0 -> new Call("spread over a closed graph", "graph", k -> {
                CsrGraph closed = graph(n);
                closed.close();
                k.spread(closed, seedNodes, seedActivations, 1, params(), activation, firstHop);
            });
            case 1 -> new Call("spread over a null graph", "graph",
                    k -> k.spread(null, seedNodes, seedActivations, 1, params(), activation, firstHop));
            default -> new Call("spread with null params", "params",
                    onGraph(n, (k, g) -> k.spread(g, seedNodes, seedActivations, 1, null, activation, firstHop)));
        };
    }

    private Call graphOffsets(SplittableRandom random, Arena arena) {
        int n = 2 + random.nextInt(8);
        int m = 1 + random.nextInt(10);
        int[] offsets = new int[n + 1];
        for (int u = 1; u < n; u++) {
            offsets[u] = Math.min(m, offsets[u - 1] + random.nextInt(3));
        }
        offsets[n] = m;
        int[] targets = new int[m];
        float[] weights = new float[m];
        String argument;
        String what;
        switch (random.nextInt(3)) {
            case 0 -> {
                int at = 1 + random.nextInt(n - 1);
                offsets[at] = offsets[at - 1] + 1;
                offsets[at + 1] = offsets[at] - 1 - random.nextInt(2);
                argument = "offsets[" + (at + 1) + "]";
                what = "offsets decreasing at " + (at + 1);
            }
            case 1 -> {
                offsets[0] = random.nextBoolean() ? 1 : -1 - random.nextInt(100);
                argument = "offsets[0]";
                what = "offsets[0] = " + offsets[0];
            }
            default -> {
                offsets[n] = m + (random.nextBoolean() ? 1 + random.nextInt(5) : -1);
                offsets[n] = Math.max(offsets[n], offsets[n - 1]);
                if (offsets[n] == m) {
                    offsets[n] = m + 1;
                }
                argument = "offsets[" + n + "]";
                what = "offsets[" + n + "] = " + offsets[n] + " with " + m + " edges";
            }
        }
        return new Call("a graph with " + what, argument, k -> CsrGraph.of(offsets, targets, weights).close());
    }

    private Call graphTargetsOrWeights(SplittableRandom random, Arena arena) {
        int n = 1 + random.nextInt(8);
        int m = 1 + random.nextInt(10);
        int[] offsets = new int[n + 1];
        offsets[n] = m;
        int[] targets = new int[m];
        float[] weights = new float[m];
        for (int j = 0; j < m; j++) {
            targets[j] = random.nextInt(n);
            weights[j] = random.nextFloat();
        }
        int at = random.nextInt(m);
        if (random.nextBoolean()) {
            targets[at] = badInt(random, -1, n, n + random.nextInt(100), Integer.MAX_VALUE, Integer.MIN_VALUE);
            return new Call("a graph with targets[" + at + "] = " + targets[at] + " of " + n + " nodes",
                    "targets[" + at + "]", k -> CsrGraph.of(offsets, targets, weights).close());
        }
        float[] bads = {Float.NaN, -0.25f, Math.nextUp(1f), 2f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            -Float.MIN_VALUE};
        weights[at] = bads[random.nextInt(bads.length)];
        return new Call("a graph with weights[" + at + "] = " + weights[at], "weights[" + at + "]",
                k -> CsrGraph.of(offsets, targets, weights).close());
    }

    private Call graphSegments(SplittableRandom random, Arena arena) {
        int n = 1 + random.nextInt(8);
        int m = random.nextInt(10);
        MemorySegment offsets = ints(arena, new int[n + 1]);
        MemorySegment targets = ints(arena, new int[m]);
        MemorySegment weights = floats(random, arena, m);
        return switch (random.nextInt(4)) {
            case 0 -> {
                int bad = badInt(random, -1, Integer.MIN_VALUE);
                yield new Call("a graph of " + bad + " nodes", "nodeCount",
                        k -> CsrGraph.copyOf(bad, m, offsets, targets, weights).close());
            }
            case 1 -> {
                int bad = badInt(random, -1, Integer.MIN_VALUE);
                yield new Call("a graph of " + bad + " edges", "edgeCount",
                        k -> CsrGraph.copyOf(n, bad, offsets, targets, weights).close());
            }
            case 2 -> new Call("a graph whose offsets hold " + n + " of " + (n + 1) + " values", "offsets",
                    k -> CsrGraph.copyOf(n, m, offsets.asSlice(0, (long) n * Integer.BYTES), targets, weights)
                            .close());
            default -> new Call("a graph of null offsets", "offsets", k -> CsrGraph.of(null, new int[0], new float[0]));
        };
    }

    private Call spreadParams(SplittableRandom random, Arena arena) {
        int depth = 1 + random.nextInt(32);
        float[] factors = new float[depth];
        Arrays.fill(factors, 0.5f);
        return switch (random.nextInt(5)) {
            case 0 -> {
                int bad = badInt(random, 0, -1, 33, 34 + random.nextInt(1000), Integer.MAX_VALUE, Integer.MIN_VALUE);
                yield new Call("spread params with maxDepth " + bad, "maxDepth",
                        k -> SpreadParams.exponential(bad, 0.5, 0).withRefractoryHops(1));
            }
            case 1 -> {
                float bad = pickFloat(random, Float.NaN, -1e-30f, -1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
                yield new Call("spread params with threshold " + bad, "threshold",
                        k -> SpreadParams.of(bad, factors).withRefractoryHops(1));
            }
            case 2 -> {
                int at = random.nextInt(depth);
                float[] bad = factors.clone();
                bad[at] = pickFloat(random, Float.NaN, -0.5f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
                yield new Call("spread params with hopFactors[" + at + "] = " + bad[at], "hopFactors[" + at + "]",
                        k -> SpreadParams.of(0, bad).withRefractoryHops(1));
            }
            case 3 -> {
                float[] wrong = new float[random.nextBoolean() ? 0 : SpreadParams.MAX_DEPTH + 1 + random.nextInt(8)];
                yield new Call("spread params with " + wrong.length + " hop factors", "hopFactors",
                        k -> SpreadParams.of(0, wrong).withRefractoryHops(1));
            }
            default -> {
                int bad = badInt(random, -1, Integer.MIN_VALUE);
                yield new Call("spread params with refractoryHops " + bad, "refractoryHops",
                        k -> SpreadParams.of(0, factors).withRefractoryHops(bad));
            }
        };
    }

    private static float pickFloat(SplittableRandom random, float... choices) {
        return choices[random.nextInt(choices.length)];
    }

    // ---- decay ---------------------------------------------------------------------------

    private Call decayShortOrBadSegment(SplittableRandom random, Arena arena) {
        int count = 1 + random.nextInt(40);
        MemorySegment[] args = {floats(random, arena, count), floats(random, arena, count),
            ints(arena, new int[count]), floats(random, arena, count)};
        String[] names = {"strength", "ageSeconds", "accessCount", "out"};
        int which = random.nextInt(5);
        if (which == 4) {
            int bad = badInt(random, -1, Integer.MIN_VALUE);
            return new Call("decay with count " + bad, "count",
                    k -> k.decay(args[0], args[1], args[2], bad, DecayParams.of(new DecayCurve.Exponential()), args[3]));
        }
        String[] why = new String[1];
        args[which] = broken(random, arena, count, which == 3, why);
        if (which == 2 && args[2] == null) {
            args[2] = MemorySegment.ofArray(new int[0]);
            why[0] = "empty";
        }
        DecayParams params = DecayParams.of(Generators.defaultCurve(random.nextInt(4)));
        return new Call("decay with " + names[which] + " " + why[0], names[which],
                k -> k.decay(args[0], args[1], args[2], count, params, args[3]));
    }

    private Call decayCurveConstants(SplittableRandom random, Arena arena) {
        double bad = new double[] {0, -0.0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            -Double.MIN_VALUE}[random.nextInt(7)];
        return switch (random.nextInt(9)) {
            case 0 -> new Call("an exponential curve of half-life " + bad, "halfLifeSeconds",
                    k -> new DecayCurve.Exponential(bad));
            case 1 -> new Call("a power law of scale " + bad, "scaleSeconds", k -> new DecayCurve.PowerLaw(bad, 0.18));
            case 2 -> new Call("a power law of beta " + bad, "beta", k -> new DecayCurve.PowerLaw(3600, bad));
            case 3 -> new Call("a two-component curve of tau " + bad, "tauSeconds",
                    k -> new DecayCurve.TwoComponent(bad, 86400, 0.18, 3));
            case 4 -> new Call("a two-component curve of scale " + bad, "neocorticalScaleSeconds",
                    k -> new DecayCurve.TwoComponent(7056, bad, 0.18, 3));
            case 5 -> new Call("a two-component curve of beta " + bad, "neocorticalBeta",
                    k -> new DecayCurve.TwoComponent(7056, 86400, bad, 3));
            case 6 -> {
                int count = badInt(random, -1, Integer.MIN_VALUE);
                yield new Call("a two-component curve consolidating at " + count + " accesses",
                        "consolidationAccessCount", k -> new DecayCurve.TwoComponent(7056, 86400, 0.18, count));
            }
            case 7 -> new Call("an Ebbinghaus curve of k " + bad, "k", k -> new DecayCurve.Ebbinghaus(bad, 1.25));
            default -> new Call("an Ebbinghaus curve of c " + bad, "c", k -> new DecayCurve.Ebbinghaus(1.84, bad));
        };
    }

    private Call decayFloorOrNull(SplittableRandom random, Arena arena) {
        if (random.nextInt(4) == 0) {
            float floor = random.nextFloat();
            return new Call("decay params of a null curve", "curve", k -> new DecayParams(null, floor));
        }
        if (random.nextBoolean()) {
            float bad = pickFloat(random, Float.NaN, -0.5f, -Float.MIN_VALUE, Math.nextUp(1f), 2f,
                    Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
            return new Call("decay params of floor " + bad, "floor",
                    k -> new DecayParams(new DecayCurve.Exponential(), bad));
        }
        MemorySegment s = floats(random, arena, 4);
        return new Call("decay with null params", "params", k -> k.decay(s, s, null, 4, null, s));
    }

    /**
     * NaN in an age or a strength, or a value out of range (negative or infinite ages, -0.0,
     * strengths outside [0, 1]): the contract's value rule in that memory's output, never
     * -0.0, the others as usual.
     */
    private Call decayOutOfRange(SplittableRandom random, Arena arena) {
        int count = 1 + random.nextInt(20);
        float[] strength = new float[count];
        float[] ages = new float[count];
        for (int i = 0; i < count; i++) {
            strength[i] = random.nextFloat();
            ages[i] = (float) Math.pow(10, random.nextDouble(0, 8));
        }
        int at = random.nextInt(count);
        if (random.nextBoolean()) {
            ages[at] = pickFloat(random, Generators.OUT_OF_RANGE_AGES);
        } else {
            strength[at] = pickFloat(random, Generators.OUT_OF_RANGE_STRENGTHS);
        }
        DecayParams params = new DecayParams(Generators.defaultCurve(random.nextInt(4)), pickFloat(random, 0f, 0.25f));
        return new Call("decay with strength " + strength[at] + " at age " + ages[at] + " in memory " + at + " of "
                + count + " (" + params + ")", null, k -> {
                    float[] got = k.decay(strength, ages, null, params);
                    Checks.Verdict verdict = Checks.decay(got, Oracle.decay(params, strength, ages, null));
                    if (verdict.failed()) {
                        throw new AssertionError("decay: " + verdict.failure());
                    }
                });
    }

    // ---- row ranges and batches ----------------------------------------------------------

    private Call rowRange(SplittableRandom random, Arena arena) {
        int d = dimensions(random);
        int rows = 1 + random.nextInt(6);
        MemorySegment q = floats(random, arena, d);
        MemorySegment m = floats(random, arena, (long) rows * d);
        MemorySegment out = floats(random, arena, rows);
        MemorySegment index = arena.allocate(JAVA_INT, rows);
        int firstRow;
        int rowCount;
        String argument;
        switch (random.nextInt(3)) {
            case 0 -> {
                firstRow = badInt(random, -1, Integer.MIN_VALUE);
                rowCount = random.nextInt(rows + 1);
                argument = "firstRow";
            }
            case 1 -> {
                firstRow = random.nextInt(rows);
                rowCount = badInt(random, -1, Integer.MIN_VALUE);
                argument = "rowCount";
            }
            default -> {
                // Each valid alone, their sum past the last row number 2^31 - 1.
                firstRow = 1 + random.nextInt(Integer.MAX_VALUE);
                rowCount = Integer.MAX_VALUE - firstRow + 1 + random.nextInt(firstRow);
                argument = "firstRow + rowCount";
            }
        }
        int from = firstRow;
        int count = rowCount;
        boolean topK = random.nextBoolean();
        return new Call((topK ? "cosineTopK" : "cosine") + " over " + count + " rows from row " + from, argument,
                topK ? k -> k.cosineTopK(null, q, 1, d, m, from, count, null, 1, index, out)
                        : k -> k.cosine(null, q, d, m, from, count, null, out));
    }

    /**
     * A valid row range whose matrix or norms end short of its last row (though they hold as
     * many rows as the range, counted from 0), or whose output is short.
     */
    private Call rowRangeShortSegment(SplittableRandom random, Arena arena) {
        int d = dimensions(random);
        int firstRow = 1 + random.nextInt(6);
        int rowCount = 1 + random.nextInt(6);
        int end = firstRow + rowCount;
        MemorySegment q = floats(random, arena, d);
        MemorySegment[] args = {floats(random, arena, (long) end * d), floats(random, arena, end),
            floats(random, arena, rowCount)};
        String[] names = {"matrix", "norms", "out"};
        int which = random.nextInt(3);
        long shorter = switch (which) {
            case 0 -> (long) rowCount * d + random.nextLong((long) firstRow * d);
            case 1 -> rowCount + random.nextInt(firstRow);
            default -> random.nextInt(rowCount);
        };
        args[which] = floats(random, arena, shorter);
        boolean topK = random.nextBoolean();
        MemorySegment index = arena.allocate(JAVA_INT, rowCount);
        String name = topK && which == 2 ? "outScore" : names[which];
        return new Call((topK ? "cosineTopK" : "cosine") + " over rows " + firstRow + ".." + (end - 1) + " with " + name
                + " holding " + shorter + " values", name,
                topK ? k -> k.cosineTopK(null, q, 1, d, args[0], firstRow, rowCount, args[1], rowCount, index, args[2])
                        : k -> k.cosine(null, q, d, args[0], firstRow, rowCount, args[1], args[2]));
    }

    private Call queryCount(SplittableRandom random, Arena arena) {
        int d = dimensions(random);
        int rows = 1 + random.nextInt(6);
        MemorySegment m = floats(random, arena, (long) rows * d);
        if (random.nextInt(3) > 0) {
            int bad = badInt(random, 0, -1, KernelArguments.MAX_QUERIES + 1,
                    KernelArguments.MAX_QUERIES + 2 + random.nextInt(1 << 20), Integer.MAX_VALUE, Integer.MIN_VALUE);
            MemorySegment queries = floats(random, arena, d);
            MemorySegment index = arena.allocate(JAVA_INT, 1);
            MemorySegment score = arena.allocate(JAVA_FLOAT, 1);
            return new Call("cosineTopK with queryCount " + bad, "queryCount",
                    k -> k.cosineTopK(null, queries, bad, d, m, 0, rows, null, 1, index, score));
        }
        int count = 2 + random.nextInt(KernelArguments.MAX_QUERIES - 1);
        long shorter = random.nextLong((long) count * d);
        MemorySegment queries = floats(random, arena, shorter);
        MemorySegment index = arena.allocate(JAVA_INT, count);
        MemorySegment score = arena.allocate(JAVA_FLOAT, count);
        return new Call("cosineTopK of " + count + " queries holding " + shorter + " of " + (long) count * d
                + " values", "queries", k -> k.cosineTopK(null, queries, count, d, m, 0, rows, null, 1, index, score));
    }

    /** A batch whose outputs hold a query's k results, or more, but not every query's. */
    private Call batchShortSegment(SplittableRandom random, Arena arena) {
        int d = dimensions(random);
        int rows = 1 + random.nextInt(8);
        int count = 2 + random.nextInt(15);
        int topK = 1 + random.nextInt(rows);
        long need = (long) count * topK;
        MemorySegment queries = floats(random, arena, need * d / topK);
        MemorySegment m = floats(random, arena, (long) rows * d);
        boolean indexBroken = random.nextBoolean();
        String[] why = new String[1];
        MemorySegment broken;
        if (random.nextBoolean()) {
            long shorter = topK + random.nextLong(need - topK);
            why[0] = "holding " + shorter + " of the " + need + " values of " + count + " queries";
            broken = indexBroken ? arena.allocate(JAVA_INT, shorter) : floats(random, arena, shorter);
        } else {
            broken = broken(random, arena, need, true, why);
        }
        MemorySegment index = indexBroken ? broken : arena.allocate(JAVA_INT, need);
        MemorySegment score = indexBroken ? arena.allocate(JAVA_FLOAT, need) : broken;
        String name = indexBroken ? "outIndex" : "outScore";
        return new Call("cosineTopK of " + count + " queries, k " + topK + ", with " + name + " " + why[0], name,
                k -> k.cosineTopK(null, queries, count, d, m, 0, rows, null, topK, index, score));
    }

    // ---- sparse spreading ----------------------------------------------------------------

    private Call sparseCapacity(SplittableRandom random, Arena arena) {
        int n = 1 + random.nextInt(6);
        int bad = badInt(random, -1, Integer.MIN_VALUE);
        MemorySegment seedNodes = ints(arena, 0);
        MemorySegment seedActivations = arena.allocateFrom(JAVA_FLOAT, 1f);
        MemorySegment outs = arena.allocate(JAVA_INT, n);
        if (random.nextBoolean()) {
            return new Call("spreadSparse with capacity " + bad + " (heap arrays)", "capacity",
                    onGraph(n, (k, g) -> k.spreadSparse(g, new int[] {0}, new float[] {1f}, params(), bad)));
        }
        return new Call("spreadSparse with capacity " + bad, "capacity", onGraph(n, (k, g) -> k.spreadSparse(null, g,
                seedNodes, seedActivations, 1, params(), outs, outs, outs, bad)));
    }

    private Call sparseBadOutput(SplittableRandom random, Arena arena) {
        int n = 1 + random.nextInt(6);
        int capacity = 1 + random.nextInt(n + 3);
        MemorySegment seedNodes = ints(arena, 0);
        MemorySegment seedActivations = arena.allocateFrom(JAVA_FLOAT, 1f);
        MemorySegment[] outs = {arena.allocate(JAVA_INT, capacity), arena.allocate(JAVA_FLOAT, capacity),
            arena.allocate(JAVA_INT, capacity)};
        String[] names = {"outNodes", "outActivation", "outFirstHop"};
        int which = random.nextInt(3);
        String[] why = new String[1];
        outs[which] = broken(random, arena, capacity, true, why);
        return new Call("spreadSparse of capacity " + capacity + " with " + names[which] + " " + why[0], names[which],
                onGraph(n, (k, g) -> k.spreadSparse(null, g, seedNodes, seedActivations, 1, params(), outs[0], outs[1],
                        outs[2], capacity)));
    }

    // ---- gather decay --------------------------------------------------------------------

    private static MemorySegment doubles(SplittableRandom random, Arena arena, long count) {
        MemorySegment segment = arena.allocate(Math.max(count, 1) * Double.BYTES, 64).asSlice(0, count * Double.BYTES);
        for (long i = 0; i < count; i++) {
            segment.setAtIndex(JAVA_DOUBLE, i, random.nextDouble(-1e6, 1e6));
        }
        return segment;
    }

    private static MemorySegment indices(SplittableRandom random, Arena arena, int count, int memoryCount) {
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = random.nextInt(memoryCount);
        }
        return ints(arena, indices);
    }

    private static DecayParams anyDecayParams(SplittableRandom random) {
        return DecayParams.of(Generators.defaultCurve(random.nextInt(4)));
    }

    private Call gatherIndices(SplittableRandom random, Arena arena) {
        int memories = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(20);
        int count = 1 + random.nextInt(20);
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = memories == 0 ? 0 : random.nextInt(memories);
        }
        int at = random.nextInt(count);
        if (memories > 0) {
            indices[at] = badInt(random, -1, memories, memories + random.nextInt(1000), Integer.MAX_VALUE,
                    Integer.MIN_VALUE);
        }
        MemorySegment index = ints(arena, indices);
        MemorySegment strength = floats(random, arena, memories);
        MemorySegment lastAccess = doubles(random, arena, memories);
        MemorySegment out = floats(random, arena, count);
        DecayParams params = anyDecayParams(random);
        int first = memories == 0 ? 0 : at;
        return new Call("decayGather with indices[" + first + "] = " + indices[first] + " of " + memories
                + " memories", "indices[" + first + "]",
                k -> k.decayGather(null, index, count, memories, strength, lastAccess, null, 1e6, params, out));
    }

    private Call gatherCounts(SplittableRandom random, Arena arena) {
        MemorySegment index = ints(arena, 0, 1);
        MemorySegment strength = floats(random, arena, 2);
        MemorySegment lastAccess = doubles(random, arena, 2);
        MemorySegment out = floats(random, arena, 2);
        int bad = badInt(random, -1, Integer.MIN_VALUE);
        DecayParams params = anyDecayParams(random);
        if (random.nextBoolean()) {
            return new Call("decayGather of count " + bad, "count",
                    k -> k.decayGather(null, index, bad, 2, strength, lastAccess, null, 0, params, out));
        }
        return new Call("decayGather of memoryCount " + bad, "memoryCount",
                k -> k.decayGather(null, index, 2, bad, strength, lastAccess, null, 0, params, out));
    }

    private Call gatherShortOrBadSegment(SplittableRandom random, Arena arena) {
        int memories = 1 + random.nextInt(20);
        int count = 1 + random.nextInt(20);
        MemorySegment[] args = {indices(random, arena, count, memories), floats(random, arena, memories),
            doubles(random, arena, memories), ints(arena, new int[memories]), floats(random, arena, count)};
        String[] names = {"indices", "strength", "lastAccessSeconds", "accessCount", "out"};
        long[] counts = {count, memories, memories, memories, count};
        int which = random.nextInt(5);
        String[] why = new String[1];
        if (which == 2) {
            args[2] = switch (random.nextInt(5)) {
                case 0 -> {
                    long shorter = random.nextLong(memories);
                    why[0] = "holding " + shorter + " of " + memories + " values";
                    yield doubles(random, arena, shorter);
                }
                case 1 -> {
                    why[0] = "aligned to 4 bytes, not the 8 of a float64";
                    yield arena.allocate((long) memories * Double.BYTES + 8, 8).asSlice(4,
                            (long) memories * Double.BYTES);
                }
                case 2 -> {
                    why[0] = "null";
                    yield null;
                }
                case 3 -> {
                    why[0] = "of a closed arena";
                    Arena closed = Arena.ofConfined();
                    MemorySegment segment = closed.allocate((long) memories * Double.BYTES, 8);
                    closed.close();
                    yield segment;
                }
                default -> {
                    why[0] = "on the heap, holding " + (memories - 1) + " of " + memories + " values";
                    yield MemorySegment.ofArray(new double[memories - 1]);
                }
            };
        } else {
            args[which] = broken(random, arena, counts[which], which == 4, why);
            if (which == 3 && args[3] == null) {
                args[3] = MemorySegment.ofArray(new int[0]);
                why[0] = "empty";
            }
        }
        DecayParams params = anyDecayParams(random);
        return new Call("decayGather with " + names[which] + " " + why[0], names[which],
                k -> k.decayGather(null, args[0], count, memories, args[1], args[2], args[3], 0, params, args[4]));
    }

    /** An output that overlaps an input of the gather (strengths, last-access times, indices or counts), which it reads after it writes. */
    private Call gatherOverlap(SplittableRandom random, Arena arena) {
        int memories = 1 + random.nextInt(20);
        int count = 1 + random.nextInt(20);
        String[] names = {"strength", "lastAccessSeconds", "indices", "accessCount"};
        int which = random.nextInt(names.length);
        long inBytes = which == 1 ? (long) memories * Double.BYTES : (long) (which == 2 ? count : memories) * Integer.BYTES;
        long outBytes = (long) count * Float.BYTES;
        MemorySegment block = arena.allocate(inBytes + outBytes, 64);
        MemorySegment input = block.asSlice(0, inBytes);
        switch (which) {
            case 0 -> input.copyFrom(floats(random, arena, memories));
            case 1 -> input.copyFrom(doubles(random, arena, memories));
            case 2 -> input.copyFrom(indices(random, arena, count, memories));
            default -> input.fill((byte) 0);
        }
        MemorySegment out = block.asSlice(Float.BYTES * random.nextLong(inBytes / Float.BYTES), outBytes);
        MemorySegment strength = which == 0 ? input : floats(random, arena, memories);
        MemorySegment lastAccess = which == 1 ? input : doubles(random, arena, memories);
        MemorySegment index = which == 2 ? input : indices(random, arena, count, memories);
        MemorySegment accessCount = which == 3 ? input : null;
        DecayParams params = anyDecayParams(random);
        return new Call("decayGather with out overlapping " + names[which], "out",
                k -> k.decayGather(null, index, count, memories, strength, lastAccess, accessCount, 0, params, out));
    }

    private Call gatherNow(SplittableRandom random, Arena arena) {
        double bad = new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}[random.nextInt(3)];
        MemorySegment index = ints(arena, 0, 1, 0);
        MemorySegment strength = floats(random, arena, 2);
        MemorySegment lastAccess = doubles(random, arena, 2);
        MemorySegment out = floats(random, arena, 3);
        DecayParams params = anyDecayParams(random);
        return new Call("decayGather at nowSeconds " + bad, "nowSeconds",
                k -> k.decayGather(null, index, 3, 2, strength, lastAccess, null, bad, params, out));
    }

    /**
     * Out-of-range strengths and last accesses (in the future, at +-inf, NaN): the contract's
     * value rule decides each memory's result, which is never -0.0.
     */
    private Call gatherOutOfRangeValues(SplittableRandom random, Arena arena) {
        int memories = 1 + random.nextInt(20);
        float[] strength = new float[memories];
        double[] lastAccess = new double[memories];
        double now = random.nextDouble(-1e9, 1e9);
        for (int m = 0; m < memories; m++) {
            strength[m] = random.nextBoolean() ? pickFloat(random, Generators.OUT_OF_RANGE_STRENGTHS)
                    : random.nextFloat();
            lastAccess[m] = switch (random.nextInt(6)) {
                case 0 -> now + random.nextDouble(1, 1e6);
                case 1 -> Double.POSITIVE_INFINITY;
                case 2 -> Double.NEGATIVE_INFINITY;
                case 3 -> Double.NaN;
                case 4 -> now;
                default -> now - random.nextDouble(1, 1e8);
            };
        }
        int count = 1 + random.nextInt(2 * memories);
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = random.nextInt(memories);
        }
        DecayParams params = new DecayParams(Generators.defaultCurve(random.nextInt(4)),
                pickFloat(random, 0f, -0f, 0.25f));
        return new Call("decayGather of out-of-range values (" + params + ")", null, k -> {
            float[] got = k.decayGather(indices, strength, lastAccess, null, now, params);
            double[] exact = Oracle.decayGather(params, indices, strength, lastAccess, null, now);
            Checks.Verdict verdict = Checks.decay(got, exact);
            if (verdict.failed()) {
                throw new AssertionError("decayGather: " + verdict.failure());
            }
        });
    }

    // ---- workspaces ----------------------------------------------------------------------

    /** A valid call of one of the segment entry points, with the workspace it is given. */
    private record WorkspaceCall(String entryPoint, BiConsumer<KernelService, KernelWorkspace> call) {
    }

    private static WorkspaceCall anyEntryPoint(SplittableRandom random, Arena arena) {
        int d = dimensions(random);
        int rows = 1 + random.nextInt(6);
        MemorySegment queries = floats(random, arena, 2L * d);
        MemorySegment m = floats(random, arena, (long) rows * d);
        MemorySegment out = floats(random, arena, 8);
        MemorySegment index = arena.allocate(JAVA_INT, 8);
        MemorySegment seedNodes = ints(arena, 0, 2);
        MemorySegment seedActivations = arena.allocateFrom(JAVA_FLOAT, 1f, 0.5f);
        MemorySegment hops = arena.allocate(JAVA_INT, 8);
        MemorySegment strength = floats(random, arena, 8);
        MemorySegment lastAccess = doubles(random, arena, 8);
        MemorySegment gathered = ints(arena, 7, 0, 7, 3);
        DecayParams params = anyDecayParams(random);
        return switch (random.nextInt(7)) {
            case 0 -> new WorkspaceCall("cosine", (k, w) -> k.cosine(w, queries, d, m, 0, rows, null, out));
            case 1 -> new WorkspaceCall("cosineTopK", (k, w) -> k.cosineTopK(w, queries, 2, d, m, 0, rows, null, 1,
                    index, out));
            case 2 -> new WorkspaceCall("spread", (k, w) -> {
                try (CsrGraph g = graph(4)) {
                    k.spread(w, g, seedNodes, seedActivations, 2, params(), out, hops);
                }
            });
            case 3 -> new WorkspaceCall("spreadSparse", (k, w) -> {
                try (CsrGraph g = graph(4)) {
                    k.spreadSparse(w, g, seedNodes, seedActivations, 2, params(), index, out, hops, 3);
                }
            });
            case 4 -> new WorkspaceCall("decay", (k, w) -> k.decay(w, strength, strength, null, 8, params, out));
            default -> new WorkspaceCall("decayGather", (k, w) -> k.decayGather(w, gathered, 4, 8, strength,
                    lastAccess, null, 0, params, out));
        };
    }

    private Call workspaceClosed(SplittableRandom random, Arena arena) {
        WorkspaceCall entry = anyEntryPoint(random, arena);
        return new Call(entry.entryPoint() + " with a workspace of the kernel, closed", "workspace", k -> {
            KernelWorkspace closed = k.newWorkspace();
            closed.close();
            entry.call().accept(k, closed);
        });
    }

    private Call workspaceForeign(SplittableRandom random, Arena arena) {
        WorkspaceCall entry = anyEntryPoint(random, arena);
        ForeignWorkspace foreignWorkspace = foreignWorkspaces.get(random.nextInt(foreignWorkspaces.size()));
        return new Call(entry.entryPoint() + " with " + foreignWorkspace.description(), "workspace",
                k -> entry.call().accept(k, foreignWorkspace.workspace()));
    }

    /** A workspace another call holds (taken here as a call takes it): refused, and free for the next call. */
    private Call workspaceBusy(SplittableRandom random, Arena arena) {
        WorkspaceCall entry = anyEntryPoint(random, arena);
        return new Call(entry.entryPoint() + " with a workspace another call is using", "workspace",
                IllegalStateException.class, k -> {
                    KernelWorkspace busy = k.newWorkspace();
                    AbstractWorkspace held = (AbstractWorkspace) busy;
                    held.enter();
                    try {
                        entry.call().accept(k, busy);
                    } finally {
                        held.exit();
                        busy.close();
                    }
                });
    }
}
