package engram.kernels.zig.impl.differential;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.SpreadParams;

/**
 * Generated cases that reach the contract's hard cases on purpose: case {@code index} takes
 * shape {@code index % shapes}, so each shape (tails, zero vectors, non-finite inputs,
 * near-ties, hubs, saturation, exact thresholds, special ages, out-of-range values, ...)
 * gets an equal share of every run, and the sizes within a shape cycle through the lists
 * below rather than being left to chance. The derived entry points take case {@code index}
 * of their base entry point and add what they need (a row range, a k for it, a sparse
 * capacity, a gather) from a second random stream, so the base case stays as it is; the
 * batch has generators of its own. Case {@code index} of seed {@code seed} is the same on
 * every run.
 */
public final class Generators {
    /** Every SIMD tail the contract names: one off each vector width (4, 8, 16 lanes) and its multiples. */
    public static final int[] TAIL_LENGTHS = {1, 3, 7, 15, 17, 31, 33, 1023, 1025};
    /** The embedding sizes the benchmarks use. */
    public static final int[] EMBEDDING_DIMENSIONS = {384, 768, 1536};
    /** Ten years of 365 days, in seconds. */
    public static final float TEN_YEARS_SECONDS = 315_360_000f;
    /** Ages that sit on a curve's edges: 0, 1 s, around the Ebbinghaus minute, default constants, 10 years. */
    public static final float[] SPECIAL_AGES = {0f, Float.MIN_VALUE, 1f, Math.nextDown(60f), 60f, Math.nextUp(60f),
        3_600f, 7_056f, 86_400f, 604_800f, 2_592_000f, 31_536_000f, TEN_YEARS_SECONDS, 3.1536e9f};

    private Generators() {
    }

    private static SplittableRandom random(long seed, int index) {
        return new SplittableRandom(seed * 0x9E37_79B9_7F4A_7C15L + index);
    }

    /**
     * A second stream for what a derived entry point adds to case {@code index} (a range, a
     * capacity, a gather), so that the case itself stays the one its base entry point runs.
     */
    private static SplittableRandom derived(long seed, int index, long salt) {
        return new SplittableRandom((seed ^ salt) * 0xBF58_476D_1CE4_E5B9L + index);
    }

    // ---- similarity --------------------------------------------------------------------

    private enum CosineShape { TAIL, SHORT, ZERO, MAGNITUDE, PARALLEL, GIVEN_NORMS, ONE_HOT, EMBEDDING, NON_FINITE }

    public static CosineCase cosine(long seed, int index) {
        SplittableRandom random = random(seed, index);
        CosineShape[] shapes = CosineShape.values();
        CosineShape shape = shapes[index % shapes.length];
        int round = index / shapes.length;
        int dimensions = switch (shape) {
            case TAIL, MAGNITUDE -> TAIL_LENGTHS[round % TAIL_LENGTHS.length];
            case EMBEDDING -> EMBEDDING_DIMENSIONS[round % EMBEDDING_DIMENSIONS.length];
            default -> 1 + random.nextInt(70);
        };
        int rows = dimensions > 256 ? 1 + random.nextInt(3) : random.nextInt(12);
        float[] query = gaussian(random, dimensions);
        float[] matrix = gaussian(random, rows * dimensions);
        float[] norms = null;
        switch (shape) {
            case ZERO -> {
                if (random.nextBoolean()) {
                    Arrays.fill(query, 0f);
                }
                for (int row = 0; row < rows; row++) {
                    if (random.nextBoolean()) {
                        Arrays.fill(matrix, row * dimensions, (row + 1) * dimensions, 0f);
                    }
                }
            }
            case MAGNITUDE -> {
                scaleMagnitudes(random, query, 0, dimensions);
                for (int row = 0; row < rows; row++) {
                    scaleMagnitudes(random, matrix, row * dimensions, dimensions);
                }
            }
            case PARALLEL -> {
                float[] factors = {1f, -1f, 2f, -0.5f, 3f, 1e10f, -1e-10f, 7f};
                for (int row = 0; row < rows; row++) {
                    float factor = factors[random.nextInt(factors.length)];
                    for (int j = 0; j < dimensions; j++) {
                        matrix[row * dimensions + j] = query[j] * factor;
                    }
                    if (random.nextInt(3) == 0) {
                        int j = random.nextInt(dimensions);
                        matrix[row * dimensions + j] = Math.nextUp(matrix[row * dimensions + j]);
                    }
                }
            }
            case GIVEN_NORMS -> {
                norms = trueNorms(matrix, rows, dimensions);
                float[] factors = {1f, 1f, 0.5f, 2f, 0f, 0.999f};
                for (int row = 0; row < rows; row++) {
                    norms[row] *= factors[random.nextInt(factors.length)];
                }
            }
            case ONE_HOT -> {
                Arrays.fill(matrix, 0f);
                for (int row = 0; row < rows; row++) {
                    matrix[row * dimensions + random.nextInt(dimensions)] = (float) (random.nextInt(9) - 4);
                }
            }
            case NON_FINITE -> norms = nonFinite(random, query, matrix, rows, dimensions);
            default -> {
            }
        }
        if (norms == null && random.nextInt(3) == 0) {
            norms = trueNorms(matrix, rows, dimensions);
        }
        return new CosineCase("gen-" + index + "-" + shape.name().toLowerCase(), dimensions, rows, query, matrix,
                norms, null);
    }

    /**
     * The contract's rule that a value that is not finite shows as NaN even against a zero
     * norm: a NaN or infinite query against rows of which about half are zero (+0.0 or
     * -0.0); or a zero query against rows one of which holds NaN or an infinity; or given
     * norms one of which is NaN or infinite, on a zero row or not. Returns the given norms,
     * or null.
     */
    private static float[] nonFinite(SplittableRandom random, float[] query, float[] matrix, int rows,
            int dimensions) {
        float bad = pick(random, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
        for (int row = 0; row < rows; row++) {
            if (random.nextBoolean()) {
                Arrays.fill(matrix, row * dimensions, (row + 1) * dimensions, random.nextBoolean() ? 0f : -0f);
            }
        }
        switch (random.nextInt(3)) {
            case 0 -> query[random.nextInt(dimensions)] = bad;
            case 1 -> {
                Arrays.fill(query, 0f);
                if (rows > 0) {
                    matrix[random.nextInt(rows) * dimensions + random.nextInt(dimensions)] = bad;
                }
            }
            default -> {
                float[] norms = trueNorms(matrix, rows, dimensions);
                if (rows > 0) {
                    norms[random.nextInt(rows)] = bad;
                }
                return norms;
            }
        }
        return random.nextInt(3) == 0 ? trueNorms(matrix, rows, dimensions) : null;
    }

    /**
     * A row range of {@code rows} rows for case {@code index}: {@code {firstRow, rowCount}},
     * ending at the last row half the time. When {@code nonEmpty} is false, a tenth of the
     * ranges are empty (at any first row up to {@code rows} itself); the rest, and all when it
     * is true, hold a row or more (given {@code rows} of 1 or more).
     */
    public static int[] rowRange(long seed, int index, int rows, boolean nonEmpty) {
        SplittableRandom random = derived(seed, index, 0x5A4E_6E00L);
        if (rows == 0 || (!nonEmpty && random.nextInt(10) == 0)) {
            return new int[] {random.nextInt(rows + 1), 0};
        }
        int firstRow = random.nextInt(rows);
        int room = rows - firstRow;
        int rowCount = random.nextBoolean() ? room : 1 + random.nextInt(room);
        return new int[] {firstRow, rowCount};
    }

    private enum TopKShape { RANDOM, DUPLICATES, NEAR_TIES, ZERO_TIES, LARGE, EMBEDDING, EDGE_K }

    public static TopKCase topK(long seed, int index) {
        SplittableRandom random = random(seed, index);
        TopKShape[] shapes = TopKShape.values();
        TopKShape shape = shapes[index % shapes.length];
        int round = index / shapes.length;
        int dimensions = switch (shape) {
            case EMBEDDING -> EMBEDDING_DIMENSIONS[round % EMBEDDING_DIMENSIONS.length];
            case LARGE -> 3 + random.nextInt(15);
            default -> TAIL_LENGTHS[round % (TAIL_LENGTHS.length - 2)] + random.nextInt(2);
        };
        int rows = switch (shape) {
            // Mostly hundreds of rows; every tenth time thousands, for deep heaps at little cost.
            case LARGE -> round % 10 == 0 ? 2000 + random.nextInt(1000) : 200 + random.nextInt(800);
            case EMBEDDING -> 2 + random.nextInt(12);
            default -> 1 + random.nextInt(120);
        };
        float[] query = gaussian(random, dimensions);
        float[] matrix = gaussian(random, rows * dimensions);
        switch (shape) {
            case DUPLICATES -> copyRows(random, matrix, rows, dimensions, 1f);
            case NEAR_TIES -> nearTies(random, matrix, rows, dimensions);
            case ZERO_TIES -> {
                if (random.nextInt(4) == 0) {
                    Arrays.fill(query, 0f);
                }
                for (int row = 0; row < rows; row++) {
                    if (random.nextInt(3) > 0) {
                        Arrays.fill(matrix, row * dimensions, (row + 1) * dimensions, 0f);
                    }
                }
            }
            case LARGE -> copyRows(random, matrix, rows, dimensions, 0.3f);
            default -> {
            }
        }
        float[] norms = random.nextInt(4) == 0 ? trueNorms(matrix, rows, dimensions) : null;
        int k = switch (shape) {
            case EDGE_K -> random.nextBoolean() ? 1 : rows;
            case DUPLICATES, NEAR_TIES, ZERO_TIES, LARGE -> kAtATie(random, query, matrix, norms, rows);
            default -> 1 + random.nextInt(rows);
        };
        return new TopKCase("gen-" + index + "-" + shape.name().toLowerCase(), dimensions, rows, k, query, matrix,
                norms, null, null, null);
    }

    /** A k whose k-th and (k+1)-th scores are within the tie window, when the scores have such a pair. */
    private static int kAtATie(SplittableRandom random, float[] query, float[] matrix, float[] norms, int rows) {
        return kAtATie(random, Oracle.cosine(query, matrix, norms), 0, rows);
    }

    /** {@link #kAtATie} among rows {@code firstRow .. firstRow + rowCount - 1}. */
    private static int kAtATie(SplittableRandom random, double[] exact, int firstRow, int rowCount) {
        int[] ranked = Oracle.rank(exact, firstRow, rowCount);
        List<Integer> ties = new ArrayList<>();
        for (int i = 0; i + 1 < rowCount; i++) {
            if (Math.abs(exact[ranked[i]] - exact[ranked[i + 1]]) <= Checks.TOPK_TIE_WINDOW) {
                ties.add(i + 1);
            }
        }
        return ties.isEmpty() ? 1 + random.nextInt(rowCount) : ties.get(random.nextInt(ties.size()));
    }

    /** A top-k case, its k chosen for the row range it runs over. */
    public record RangedTopK(TopKCase topK, int firstRow, int rowCount) {
    }

    /**
     * Top-k case {@code index} over a non-empty row range of its rows, with a k chosen for
     * the range: at a tie of the range's scores half the time (when it has one), 1 or the
     * whole range a sixth of the time each, else any.
     */
    public static RangedTopK topKRange(long seed, int index) {
        TopKCase c = topK(seed, index);
        int[] range = rowRange(seed, index, c.rows(), true);
        int firstRow = range[0];
        int rowCount = range[1];
        SplittableRandom random = derived(seed, index, 0x70B4_0000L);
        int k = switch (random.nextInt(6)) {
            case 0, 1, 2 -> kAtATie(random, Oracle.cosine(c.query(), c.matrix(), c.norms()), firstRow, rowCount);
            case 3 -> 1;
            case 4 -> rowCount;
            default -> 1 + random.nextInt(rowCount);
        };
        return new RangedTopK(new TopKCase(c.name() + "-rows-" + firstRow + "-" + (firstRow + rowCount - 1),
                c.dimensions(), c.rows(), k, c.query(), c.matrix(), c.norms(), null, null, null), firstRow, rowCount);
    }

    /** The most queries a generated batch holds: Q = 1..16 in turn. */
    public static final int BATCH_QUERIES_MAX = 16;

    private enum BatchShape { RANDOM, DUPLICATES, NEAR_TIES, ZERO_TIES, LARGE, EMBEDDING, EDGE_K }

    /**
     * A batch of Q = 1..16 queries (in turn) over the rows of a top-k shape, at smaller sizes
     * than {@link #topK} (each query also runs alone): the shape's query first, then copies
     * of rows (scores of exactly 1, tied among duplicate rows), rows one float32 step off,
     * the negated first query, a repeat of an earlier query, a zero query, random ones, and
     * now and then one holding NaN or an infinity. Half the batches run over a row range.
     */
    public static BatchCase topKBatch(long seed, int index) {
        SplittableRandom random = random(seed, index);
        BatchShape[] shapes = BatchShape.values();
        BatchShape shape = shapes[index % shapes.length];
        int round = index / shapes.length;
        int queryCount = 1 + round % BATCH_QUERIES_MAX;
        int dimensions = switch (shape) {
            case EMBEDDING -> EMBEDDING_DIMENSIONS[round % EMBEDDING_DIMENSIONS.length];
            case LARGE -> 3 + random.nextInt(15);
            default -> TAIL_LENGTHS[round % (TAIL_LENGTHS.length - 2)] + random.nextInt(2);
        };
        int rows = switch (shape) {
            case LARGE -> 100 + random.nextInt(400);
            case EMBEDDING -> 2 + random.nextInt(6);
            default -> 1 + random.nextInt(60);
        };
        float[] matrix = gaussian(random, rows * dimensions);
        float[] first = gaussian(random, dimensions);
        switch (shape) {
            case DUPLICATES -> copyRows(random, matrix, rows, dimensions, 1f);
            case NEAR_TIES -> nearTies(random, matrix, rows, dimensions);
            case ZERO_TIES -> {
                for (int row = 0; row < rows; row++) {
                    if (random.nextInt(3) > 0) {
                        Arrays.fill(matrix, row * dimensions, (row + 1) * dimensions, 0f);
                    }
                }
            }
            case LARGE -> copyRows(random, matrix, rows, dimensions, 0.3f);
            default -> {
            }
        }
        float[] queries = new float[queryCount * dimensions];
        System.arraycopy(first, 0, queries, 0, dimensions);
        for (int q = 1; q < queryCount; q++) {
            int at = q * dimensions;
            int row = random.nextInt(rows);
            switch (random.nextInt(9)) {
                case 0, 1 -> System.arraycopy(matrix, row * dimensions, queries, at, dimensions);
                case 2 -> {
                    System.arraycopy(matrix, row * dimensions, queries, at, dimensions);
                    int j = at + random.nextInt(dimensions);
                    queries[j] = Math.nextUp(queries[j]);
                }
                case 3 -> {
                    for (int j = 0; j < dimensions; j++) {
                        queries[at + j] = -first[j];
                    }
                }
                case 4 -> System.arraycopy(queries, random.nextInt(q) * dimensions, queries, at, dimensions);
                case 5 -> {
                    // A zero query: every score 0, the first k rows in index order.
                }
                case 6 -> {
                    System.arraycopy(gaussian(random, dimensions), 0, queries, at, dimensions);
                    if (random.nextInt(4) == 0) {
                        queries[at + random.nextInt(dimensions)] = pick(random, Float.NaN, Float.POSITIVE_INFINITY);
                    }
                }
                default -> System.arraycopy(gaussian(random, dimensions), 0, queries, at, dimensions);
            }
        }
        float[] norms = random.nextInt(4) == 0 ? trueNorms(matrix, rows, dimensions) : null;
        int firstRow = 0;
        int rowCount = rows;
        if (random.nextBoolean()) {
            int[] range = rowRange(seed, index, rows, true);
            firstRow = range[0];
            rowCount = range[1];
        }
        int k = switch (shape) {
            case EDGE_K -> random.nextBoolean() ? 1 : rowCount;
            case DUPLICATES, NEAR_TIES, ZERO_TIES, LARGE ->
                kAtATie(random, Oracle.cosine(first, matrix, norms), firstRow, rowCount);
            default -> 1 + random.nextInt(rowCount);
        };
        return new BatchCase("gen-" + index + "-" + shape.name().toLowerCase() + "-" + queryCount + "-queries",
                dimensions, rows, k, queryCount, queries, matrix, norms, firstRow, rowCount);
    }

    /** Overwrites some rows with exact copies of others (exact ties), some scaled by 2 (still exact). */
    private static void copyRows(SplittableRandom random, float[] matrix, int rows, int dimensions, float share) {
        for (int row = 0; row < rows; row++) {
            if (random.nextFloat() < share) {
                int from = random.nextInt(rows);
                float factor = random.nextBoolean() ? 1f : 2f;
                for (int j = 0; j < dimensions; j++) {
                    matrix[row * dimensions + j] = matrix[from * dimensions + j] * factor;
                }
            }
        }
    }

    /** Rows one float32 step away from another row, or scaled by 3 or 0.1 (equal cosines, unequal rounding). */
    private static void nearTies(SplittableRandom random, float[] matrix, int rows, int dimensions) {
        for (int row = 1; row < rows; row++) {
            if (random.nextInt(3) == 0) {
                continue;
            }
            int from = random.nextInt(row);
            float factor = switch (random.nextInt(3)) {
                case 0 -> 1f;
                case 1 -> 3f;
                default -> 0.1f;
            };
            for (int j = 0; j < dimensions; j++) {
                matrix[row * dimensions + j] = matrix[from * dimensions + j] * factor;
            }
            int j = row * dimensions + random.nextInt(dimensions);
            matrix[j] = random.nextBoolean() ? Math.nextUp(matrix[j]) : Math.nextDown(matrix[j]);
        }
    }

    private static float[] gaussian(SplittableRandom random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) gaussian(random);
        }
        return values;
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian of its own before Java 17's RandomGenerator.
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /**
     * Multiplies a vector by 10^e with e in -30..30, and some of its elements by a further
     * 10^f with f in -14..6: huge and tiny values side by side, some of them subnormal, none
     * beyond float32's range.
     */
    private static void scaleMagnitudes(SplittableRandom random, float[] values, int start, int length) {
        int vectorExponent = random.nextInt(-30, 31);
        for (int j = start; j < start + length; j++) {
            int exponent = vectorExponent + (random.nextInt(4) == 0 ? random.nextInt(-14, 7) : 0);
            values[j] = (float) (values[j] * Math.pow(10, Math.clamp(exponent, -44, 36)));
        }
    }

    private static float[] trueNorms(float[] matrix, int rows, int dimensions) {
        float[] norms = new float[rows];
        for (int row = 0; row < rows; row++) {
            double sum = 0;
            for (int j = 0; j < dimensions; j++) {
                double v = matrix[row * dimensions + j];
                sum += v * v;
            }
            norms[row] = (float) Math.sqrt(sum);
        }
        return norms;
    }

    // ---- spreading ---------------------------------------------------------------------

    private enum SpreadShape {
        EMPTY, ONE_NODE, RANDOM, CYCLE, SELF_LOOPS, HUB_OUT, HUB_IN, SATURATION, EXACT_THRESHOLD, DEEP, TINY,
        ZERO_WEIGHTS
    }

    /** Case index at which, once per this many cases, the graph is of the profiling size (10,000 / 50,000). */
    private static final int LARGE_GRAPH_EVERY = 1_000;

    public static SpreadCase spread(long seed, int index) {
        SplittableRandom random = random(seed, index);
        SpreadShape[] shapes = SpreadShape.values();
        SpreadShape shape = shapes[index % shapes.length];
        int maxDepth = pick(random, 1, 2, 3, 5, 8, 32, 1 + random.nextInt(32));
        GraphBuilder graph;
        switch (shape) {
            case EMPTY -> graph = new GraphBuilder(random.nextInt(4) == 0 ? 0 : random.nextInt(5));
            case ONE_NODE -> {
                graph = new GraphBuilder(1);
                if (random.nextBoolean()) {
                    graph.edge(0, 0, weight(random));
                }
            }
            case CYCLE -> {
                int n = 2 + random.nextInt(40);
                graph = new GraphBuilder(n);
                for (int u = 0; u < n; u++) {
                    graph.edge(u, (u + 1) % n, weight(random));
                    if (random.nextInt(4) == 0) {
                        graph.edge(u, random.nextInt(n), weight(random));
                    }
                }
            }
            case HUB_OUT -> {
                int n = 500 + random.nextInt(2500);
                graph = GraphBuilder.random(random, n, 2);
                for (int j = 1000 + random.nextInt(4000); j > 0; j--) {
                    graph.edge(0, random.nextInt(n), weight(random));
                }
            }
            case HUB_IN -> {
                // The source reaches every node at hop 1; at hop 2 they all pour into the hub.
                int n = 500 + random.nextInt(2500);
                graph = new GraphBuilder(n);
                for (int v = 1; v < n - 1; v++) {
                    graph.edge(0, v, weight(random));
                    graph.edge(v, n - 1, weight(random));
                }
            }
            case SATURATION, EXACT_THRESHOLD, TINY, ZERO_WEIGHTS ->
                graph = GraphBuilder.random(random, 2 + random.nextInt(100), 6);
            case SELF_LOOPS -> {
                graph = GraphBuilder.random(random, 1 + random.nextInt(60), 3);
                for (int u = 0; u < graph.nodeCount(); u++) {
                    graph.edge(u, u, weight(random));
                }
            }
            case DEEP -> {
                maxDepth = 32;
                int n = 20 + random.nextInt(50);
                graph = new GraphBuilder(n);
                for (int u = 0; u + 1 < n; u++) {
                    graph.edge(u, u + 1, random.nextBoolean() ? 1f : 1f - random.nextFloat() * 0.01f);
                }
                if (random.nextBoolean()) {
                    graph.edge(n - 1, 0, 1f);
                }
            }
            default -> graph = index % LARGE_GRAPH_EVERY == 2
                    ? GraphBuilder.random(random, 10_000, 10)
                    : GraphBuilder.random(random, 2 + random.nextInt(300), 6);
        }
        int n = graph.nodeCount();
        if (shape == SpreadShape.ZERO_WEIGHTS) {
            graph.zeroWeights(random, 0.8f);
        }
        if (shape == SpreadShape.SATURATION) {
            graph.saturateWeights();
        }

        int[] seedNodes;
        float[] seedActivations;
        if (n == 0 || (shape == SpreadShape.EMPTY && random.nextBoolean())) {
            seedNodes = new int[0];
            seedActivations = new float[0];
        } else {
            int seedCount = shape == SpreadShape.HUB_OUT || shape == SpreadShape.HUB_IN ? 1 : 1 + random.nextInt(8);
            seedNodes = new int[seedCount];
            seedActivations = new float[seedCount];
            for (int i = 0; i < seedCount; i++) {
                seedNodes[i] = shape == SpreadShape.HUB_OUT || shape == SpreadShape.HUB_IN ? 0 : random.nextInt(n);
                seedActivations[i] = switch (shape) {
                    case SATURATION -> 0.5f + random.nextFloat() * 0.5f;
                    case TINY -> pick(random, Float.MIN_VALUE, 1e-40f, Float.MIN_NORMAL, 1e-30f);
                    default -> activation(random);
                };
            }
            if (random.nextInt(4) == 0) {
                // A duplicate seed: the two are summed, then capped at 1.
                seedNodes[0] = seedNodes[seedCount - 1];
            }
        }

        float[] hopFactors = hopFactors(random, shape, maxDepth);
        float threshold = switch (shape) {
            case EXACT_THRESHOLD -> exactThreshold(random, graph, seedNodes, seedActivations, hopFactors[0]);
            case DEEP, SATURATION -> 0f;
            case TINY -> pick(random, 0f, Float.MIN_VALUE);
            default -> pick(random, 0f, 0f, 1e-3f, 0.01f, 0.05f, random.nextFloat() * 0.2f);
        };
        int refractory = switch (shape) {
            case CYCLE, ONE_NODE, SELF_LOOPS, DEEP -> pick(random, 0, 0, 1, 2, 3, maxDepth);
            default -> pick(random, 0, 1, 2, maxDepth - 1, maxDepth, maxDepth + 3, Integer.MAX_VALUE,
                    random.nextInt(maxDepth + 1));
        };
        return SpreadCase.of("gen-" + index + "-" + shape.name().toLowerCase(), graph.offsets(), graph.targets(),
                graph.weights(), seedNodes, seedActivations, SpreadParams.of(threshold, hopFactors)
                        .withRefractoryHops(refractory));
    }

    /**
     * The capacity of the sparse form of spreading case {@code index}, which activates
     * {@code activated} of {@code nodeCount} nodes: room for them all (exactly, one more, or
     * every node, as the dense form has), or fewer (none, one, one short, half, any), so that
     * about half the cases are cut short.
     */
    public static int sparseCapacity(long seed, int index, int nodeCount, int activated) {
        SplittableRandom random = derived(seed, index, 0x5BA2_5E00L);
        return switch (random.nextInt(8)) {
            case 0 -> activated;
            case 1 -> activated + 1;
            case 2 -> nodeCount;
            case 3 -> 0;
            case 4 -> Math.min(1, activated);
            case 5 -> Math.max(0, activated - 1);
            case 6 -> activated / 2;
            default -> random.nextInt(nodeCount + 3);
        };
    }

    private static float[] hopFactors(SplittableRandom random, SpreadShape shape, int maxDepth) {
        if (shape == SpreadShape.DEEP) {
            return constant(maxDepth, 1f);
        }
        if (shape == SpreadShape.SATURATION) {
            float[] factors = new float[maxDepth];
            for (int h = 0; h < maxDepth; h++) {
                factors[h] = 1f + random.nextFloat() * 2f;
            }
            return factors;
        }
        return switch (random.nextInt(shape == SpreadShape.ZERO_WEIGHTS ? 5 : 4)) {
            case 0 -> SpreadParams.exponential(maxDepth, random.nextDouble() * 2, 0f).hopFactors();
            case 1 -> SpreadParams.power(maxDepth, random.nextDouble() * 3, 0f).hopFactors();
            // Steep enough to reach 0 within the depth.
            case 2 -> SpreadParams.linear(maxDepth, random.nextDouble() * 0.6, 0f).hopFactors();
            case 3 -> {
                float[] factors = new float[maxDepth];
                for (int h = 0; h < maxDepth; h++) {
                    factors[h] = random.nextFloat() * 1.5f;
                }
                yield factors;
            }
            default -> constant(maxDepth, 0f);
        };
    }

    private static float[] constant(int length, float value) {
        float[] values = new float[length];
        Arrays.fill(values, value);
        return values;
    }

    /**
     * The energy a seed's first edge passes at hop 1, computed as the kernels compute it:
     * a node reached by that edge alone gains exactly the threshold.
     */
    private static float exactThreshold(SplittableRandom random, GraphBuilder graph, int[] seedNodes,
            float[] seedActivations, float hopFactor) {
        for (int attempt = 0; attempt < seedNodes.length; attempt++) {
            int seed = seedNodes[random.nextInt(seedNodes.length)];
            List<GraphBuilder.Edge> edges = graph.edgesOf(seed);
            if (!edges.isEmpty()) {
                float activation = 0f;
                for (int i = 0; i < seedNodes.length; i++) {
                    activation += seedNodes[i] == seed ? seedActivations[i] : 0f;
                }
                activation = Math.min(1f, activation);
                float weight = edges.get(random.nextInt(edges.size())).weight();
                return activation * weight * hopFactor;
            }
        }
        return seedActivations.length == 0 ? 0f : seedActivations[0];
    }

    private static float weight(SplittableRandom random) {
        return switch (random.nextInt(10)) {
            case 0 -> 1f;
            case 1 -> 0f;
            default -> random.nextFloat();
        };
    }

    /** An activation in (0, 1], now and then exactly 1. */
    private static float activation(SplittableRandom random) {
        return random.nextInt(5) == 0 ? 1f : 1f - random.nextFloat();
    }

    private static float pick(SplittableRandom random, float... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static int pick(SplittableRandom random, int... choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** Edges per node, in insertion order, turned into CSR arrays. */
    static final class GraphBuilder {
        record Edge(int target, float weight) {
        }

        private final List<List<Edge>> edges = new ArrayList<>();

        GraphBuilder(int nodeCount) {
            for (int u = 0; u < nodeCount; u++) {
                edges.add(new ArrayList<>());
            }
        }

        /** Up to {@code maxOutDegree} edges per node to uniform targets: self-loops, cycles and parallel edges by chance. */
        static GraphBuilder random(SplittableRandom random, int nodeCount, int maxOutDegree) {
            GraphBuilder graph = new GraphBuilder(nodeCount);
            for (int u = 0; u < nodeCount; u++) {
                for (int j = random.nextInt(maxOutDegree + 1); j > 0; j--) {
                    graph.edge(u, random.nextInt(nodeCount), weight(random));
                }
            }
            return graph;
        }

        GraphBuilder edge(int from, int to, float weight) {
            edges.get(from).add(new Edge(to, weight));
            return this;
        }

        int nodeCount() {
            return edges.size();
        }

        List<Edge> edgesOf(int node) {
            return edges.get(node);
        }

        /** Sets about {@code share} of the weights to 0. */
        void zeroWeights(SplittableRandom random, float share) {
            edges.forEach(list -> list.replaceAll(e -> random.nextFloat() < share ? new Edge(e.target(), 0f) : e));
        }

        /** Sets every weight to at least 0.9, so that energy reaches far and activations cap at 1. */
        void saturateWeights() {
            edges.forEach(list -> list.replaceAll(e -> new Edge(e.target(), Math.max(e.weight(), 0.9f))));
        }

        int[] offsets() {
            int[] offsets = new int[edges.size() + 1];
            for (int u = 0; u < edges.size(); u++) {
                offsets[u + 1] = offsets[u] + edges.get(u).size();
            }
            return offsets;
        }

        int[] targets() {
            return edges.stream().flatMap(List::stream).mapToInt(Edge::target).toArray();
        }

        float[] weights() {
            List<Edge> all = edges.stream().flatMap(List::stream).toList();
            float[] weights = new float[all.size()];
            for (int j = 0; j < weights.length; j++) {
                weights[j] = all.get(j).weight();
            }
            return weights;
        }
    }

    // ---- decay -------------------------------------------------------------------------

    private enum DecayShape {
        SPECIAL_AGES, RANDOM_AGES, TAILS, FLOOR, ACCESS_COUNTS, CUSTOM_CONSTANTS, EXTREME, OUT_OF_RANGE
    }

    /** Strengths outside [0, 1], which the contract clamps: -0.0, negatives, -inf, above 1, +inf; and NaN. */
    public static final float[] OUT_OF_RANGE_STRENGTHS = {-0f, -Float.MIN_VALUE, -0.5f, -1f, Float.NEGATIVE_INFINITY,
        Math.nextUp(1f), 1.5f, Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NaN};
    /** Ages outside [0, +inf), which the contract clamps: -0.0, negatives (clock skew), -inf; +inf; and NaN. */
    public static final float[] OUT_OF_RANGE_AGES = {-0f, -Float.MIN_VALUE, -1f, -86_400f, -Float.MAX_VALUE,
        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN};

    public static DecayCase decay(long seed, int index) {
        SplittableRandom random = random(seed, index);
        DecayShape[] shapes = DecayShape.values();
        DecayShape shape = shapes[index % shapes.length];
        int round = index / shapes.length;
        int count = switch (shape) {
            case TAILS -> TAIL_LENGTHS[round % TAIL_LENGTHS.length];
            case SPECIAL_AGES -> SPECIAL_AGES.length * (1 + random.nextInt(3));
            default -> random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(40);
        };
        DecayCurve curve = shape == DecayShape.CUSTOM_CONSTANTS ? customCurve(random, round) : defaultCurve(round);
        float[] strength = new float[count];
        float[] ages = new float[count];
        for (int i = 0; i < count; i++) {
            strength[i] = switch (random.nextInt(8)) {
                case 0 -> 0f;
                case 1 -> 1f;
                case 2 -> Float.MIN_VALUE;
                default -> random.nextFloat();
            };
            ages[i] = switch (shape) {
                case SPECIAL_AGES -> SPECIAL_AGES[i % SPECIAL_AGES.length];
                case EXTREME -> pick(random, 1e12f, 1e20f, 1e30f, Float.MAX_VALUE, TEN_YEARS_SECONDS * 100f);
                default -> random.nextInt(4) == 0 ? pick(random, SPECIAL_AGES)
                        : (float) Math.pow(10, random.nextDouble(-3, 10));
            };
        }
        int[] accessCount = null;
        if (shape == DecayShape.ACCESS_COUNTS || random.nextInt(3) == 0) {
            int consolidation = curve instanceof DecayCurve.TwoComponent c ? c.consolidationAccessCount() : 3;
            accessCount = new int[count];
            for (int i = 0; i < count; i++) {
                accessCount[i] = pick(random, consolidation - 1, consolidation, consolidation + 1, 0, -1,
                        Integer.MAX_VALUE, Integer.MIN_VALUE, random.nextInt(10));
            }
        }
        float floor = 0f;
        if (shape == DecayShape.FLOOR && count > 0) {
            // Exactly at a value: a memory of age 0 keeps its strength, which then equals the floor.
            int at = random.nextInt(count);
            ages[at] = 0f;
            floor = pick(random, strength[at], 1f, random.nextFloat(), Float.MIN_VALUE, -0f);
        }
        if (shape == DecayShape.OUT_OF_RANGE) {
            // Each memory's strength and age out of range half the time each: every value of
            // the two lists in every case of about 20 memories, on every curve in turn.
            for (int i = 0; i < count; i++) {
                if (random.nextBoolean()) {
                    strength[i] = pick(random, OUT_OF_RANGE_STRENGTHS);
                }
                if (random.nextBoolean()) {
                    ages[i] = pick(random, OUT_OF_RANGE_AGES);
                }
            }
            floor = pick(random, 0f, -0f, 0.25f, random.nextFloat());
        }
        return DecayCase.of("gen-" + index + "-" + shape.name().toLowerCase(), new DecayParams(curve, floor), strength,
                ages, accessCount);
    }

    /**
     * A gather over the memories of decay case {@code index}: each last accessed at
     * {@code now - age} (in float64, so that its out-of-range ages become last accesses in the
     * future, at +-inf or NaN; half the finite ages a few float32 steps off their float32
     * value, so that only a float64 age is right), decayed at a {@code now} of 0, of today's epoch seconds
     * (where a float32 age would be off by minutes), negative, or 1e15 (where the subtraction
     * itself rounds); the indices any number up to twice the memories and more, with repeats.
     */
    public static GatherCase decayGather(long seed, int index) {
        DecayCase memories = decay(seed, index);
        SplittableRandom random = derived(seed, index, 0x6A7E_0000L);
        int memoryCount = memories.count();
        double now = switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> 1.7e9 + random.nextDouble(1e8);
            case 2 -> -3.0e5;
            case 3 -> 1e15;
            default -> random.nextDouble(-1e10, 1e10);
        };
        double[] lastAccess = new double[memoryCount];
        for (int m = 0; m < memoryCount; m++) {
            // Half the finite ages moved off the float32 grid, by up to 3 float32 steps.
            double age = memories.ageSeconds()[m];
            double off = Float.isFinite((float) age) && random.nextBoolean() ? random.nextDouble(-3, 3) * 0x1p-24 : 0;
            lastAccess[m] = now - age * (1 + off);
        }
        int count = memoryCount == 0 ? 0 : switch (random.nextInt(4)) {
            case 0 -> memoryCount;
            case 1 -> TAIL_LENGTHS[random.nextInt(TAIL_LENGTHS.length)];
            case 2 -> 1 + random.nextInt(2 * memoryCount + 3);
            default -> random.nextInt(memoryCount + 1);
        };
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = i > 0 && random.nextInt(4) == 0 ? indices[random.nextInt(i)] : random.nextInt(memoryCount);
        }
        return new GatherCase(memories.name() + "-gather", memories.params(), indices, memories.strength(), lastAccess,
                memories.accessCount(), now);
    }

    /** Every curve in turn, with the contract's constants. */
    public static DecayCurve defaultCurve(int round) {
        return switch (round % 4) {
            case 0 -> new DecayCurve.Exponential();
            case 1 -> new DecayCurve.PowerLaw();
            case 2 -> new DecayCurve.TwoComponent();
            default -> new DecayCurve.Ebbinghaus();
        };
    }

    private static DecayCurve customCurve(SplittableRandom random, int round) {
        return switch (round % 4) {
            case 0 -> new DecayCurve.Exponential(Math.pow(10, random.nextDouble(0, 9)));
            case 1 -> new DecayCurve.PowerLaw(Math.pow(10, random.nextDouble(0, 7)), random.nextDouble(0.01, 3));
            case 2 -> new DecayCurve.TwoComponent(Math.pow(10, random.nextDouble(0, 7)),
                    Math.pow(10, random.nextDouble(0, 7)), random.nextDouble(0.01, 3), random.nextInt(0, 10));
            default -> new DecayCurve.Ebbinghaus(random.nextDouble(0.1, 10), random.nextDouble(0.1, 3));
        };
    }
}
