package engram.kernels.zig.impl.differential;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.SpreadParams;

/**
 * The hand-picked hard cases the corpus starts from: each named for what it reaches. An
 * update ({@code CorpusUpdateTest} with {@code -Dengram.corpus.update=true}) adds any of
 * them that the corpus lacks; cases that once failed are pasted into the corpus files as a
 * failing run prints them, and need no entry here.
 */
public final class CorpusSeeds {
    private static final long SEED = 0x5EED_C0DEL;

    private CorpusSeeds() {
    }

    private static SplittableRandom random(String name) {
        return new SplittableRandom(SEED ^ name.hashCode());
    }

    private static float[] gaussian(SplittableRandom random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextDouble(-1, 1) + random.nextDouble(-1, 1) + random.nextDouble(-1, 1));
        }
        return values;
    }

    private static float[] norms(float[] matrix, int dimensions) {
        float[] norms = new float[matrix.length / dimensions];
        for (int row = 0; row < norms.length; row++) {
            double sum = 0;
            for (int j = 0; j < dimensions; j++) {
                sum += (double) matrix[row * dimensions + j] * matrix[row * dimensions + j];
            }
            norms[row] = (float) Math.sqrt(sum);
        }
        return norms;
    }

    public static List<CosineCase> cosine() {
        List<CosineCase> cases = new ArrayList<>();
        for (int d : Generators.TAIL_LENGTHS) {
            SplittableRandom random = random("tail-" + d);
            cases.add(CosineCase.of("tail-d" + d, gaussian(random, d), gaussian(random, 3 * d), null));
        }
        for (int d : Generators.EMBEDDING_DIMENSIONS) {
            SplittableRandom random = random("embedding-" + d);
            float[] matrix = gaussian(random, 2 * d);
            cases.add(CosineCase.of("embedding-d" + d + "-given-norms", gaussian(random, d), matrix, norms(matrix, d)));
        }
        SplittableRandom random = random("cosine");
        float[] q17 = gaussian(random, 17);
        cases.add(CosineCase.of("zero-query", new float[17], gaussian(random, 2 * 17), null));
        float[] someZeroRows = gaussian(random, 4 * 17);
        Arrays.fill(someZeroRows, 17, 34, 0f);
        Arrays.fill(someZeroRows, 51, 68, -0f);
        cases.add(CosineCase.of("zero-rows", q17, someZeroRows, null));
        cases.add(CosineCase.of("zero-given-norms", q17, gaussian(random, 2 * 17), new float[] {0f, -0f}));
        float[] mixed = gaussian(random, 3 * 33);
        for (int j = 0; j < mixed.length; j++) {
            mixed[j] *= (float) Math.pow(10, (j % 5 - 2) * 15);
        }
        cases.add(CosineCase.of("magnitudes-1e-30-to-1e30-within-rows", gaussian(random, 33), mixed, null));
        float[] rowsApart = gaussian(random, 3 * 31);
        for (int j = 0; j < 31; j++) {
            rowsApart[j] *= 1e35f;
            rowsApart[31 + j] *= 1e-38f;
            rowsApart[62 + j] *= 1e-43f;
        }
        cases.add(CosineCase.of("rows-of-1e35-1e-38-and-subnormal-magnitude", gaussian(random, 31), rowsApart, null));
        float[] q7 = gaussian(random, 7);
        float[] parallel = new float[4 * 7];
        float[] factors = {1f, -1f, 3f, -1e10f};
        for (int row = 0; row < 4; row++) {
            for (int j = 0; j < 7; j++) {
                parallel[row * 7 + j] = q7[j] * factors[row];
            }
        }
        cases.add(CosineCase.of("parallel-and-opposite-clamp-to-1", q7, parallel, null));
        float[] understated = norms(parallel, 7);
        for (int row = 0; row < understated.length; row++) {
            understated[row] *= 0.5f;
        }
        cases.add(CosineCase.of("given-norms-too-small-clamp", q7, parallel, understated));
        float[] oneHot = new float[15 * 15];
        for (int row = 0; row < 15; row++) {
            oneHot[row * 15 + row] = row - 7;
        }
        cases.add(CosineCase.of("one-hot-rows-d15", gaussian(random, 15), oneHot, null));
        cases.add(CosineCase.of("no-rows", gaussian(random, 5), new float[0], null));
        float[] nanRow = gaussian(random, 3 * 3);
        nanRow[4] = Float.NaN;
        cases.add(CosineCase.of("nan-in-one-row-gives-nan-there-only", gaussian(random, 3), nanRow, null));
        float[] infiniteQuery = gaussian(random, 3);
        infiniteQuery[1] = Float.POSITIVE_INFINITY;
        cases.add(CosineCase.of("infinite-query-gives-nan-everywhere", infiniteQuery, gaussian(random, 2 * 3), null));
        // Not finite shows as NaN even against a zero norm: rows +0.0, -0.0 and of values, norms
        // computed or given (a given 0 included).
        float[] zeroFirst = gaussian(random, 3 * 9);
        Arrays.fill(zeroFirst, 0, 9, 0f);
        Arrays.fill(zeroFirst, 9, 18, -0f);
        float[] nanQuery = gaussian(random, 9);
        nanQuery[4] = Float.NaN;
        cases.add(CosineCase.of("nan-query-against-zero-rows-gives-nan", nanQuery, zeroFirst, null));
        float[] minusInfinityQuery = gaussian(random, 9);
        minusInfinityQuery[8] = Float.NEGATIVE_INFINITY;
        cases.add(CosineCase.of("infinite-query-against-zero-rows-and-given-norms-gives-nan", minusInfinityQuery,
                zeroFirst, new float[] {0f, 0f, norms(zeroFirst, 9)[2]}));
        float[] nanInZeroQuery = gaussian(random, 3 * 9);
        nanInZeroQuery[9 + 2] = Float.NaN;
        cases.add(CosineCase.of("zero-query-against-a-nan-row-gives-nan-there-only", new float[9], nanInZeroQuery,
                null));
        return cases;
    }

    public static List<TopKCase> topK() {
        List<TopKCase> cases = new ArrayList<>();
        for (int d : Generators.TAIL_LENGTHS) {
            SplittableRandom random = random("topk-tail-" + d);
            int rows = d > 100 ? 4 : 40;
            cases.add(TopKCase.of("tail-d" + d, gaussian(random, d), gaussian(random, rows * d), null, Math.min(5, rows)));
        }
        SplittableRandom random = random("topk");
        float[] ties = gaussian(random, 12 * 4);
        for (int row : new int[] {3, 5, 8, 11}) {
            System.arraycopy(ties, 0, ties, row * 4, 4);
        }
        cases.add(TopKCase.of("exact-ties-cut-by-k", gaussian(random, 4), ties, null, 3));
        float[] zeros = gaussian(random, 10 * 5);
        Arrays.fill(zeros, 10, 40, 0f);
        cases.add(TopKCase.of("zero-rows-tie-at-0", gaussian(random, 5), zeros, null, 7));
        cases.add(TopKCase.of("zero-query-all-0-in-index-order", new float[6], gaussian(random, 9 * 6), null, 4));
        float[] near = gaussian(random, 8 * 16);
        for (int row = 1; row < 8; row++) {
            System.arraycopy(near, 0, near, row * 16, 16);
            near[row * 16 + row] = row % 2 == 0 ? Math.nextUp(near[row * 16 + row]) : Math.nextDown(near[row * 16 + row]);
        }
        cases.add(TopKCase.of("near-ties-one-step-apart", gaussian(random, 16), near, null, 4));
        float[] scaled = gaussian(random, 6 * 9);
        for (int row = 1; row < 6; row++) {
            for (int j = 0; j < 9; j++) {
                scaled[row * 9 + j] = scaled[j] * (row * 3 - 0.5f);
            }
        }
        cases.add(TopKCase.of("scaled-copies-equal-cosines", gaussian(random, 9), scaled, null, 3));
        float[] q = gaussian(random, 8);
        float[] negative = new float[5 * 8];
        for (int row = 0; row < 5; row++) {
            for (int j = 0; j < 8; j++) {
                negative[row * 8 + j] = -q[j] * (row + 1) + (j == row ? 0.3f : 0f);
            }
        }
        cases.add(TopKCase.of("negative-scores-only", q, negative, null, 5));
        float[] withNan = gaussian(random, 6 * 3);
        withNan[4] = Float.NaN;
        withNan[13] = Float.NaN;
        cases.add(TopKCase.of("nan-rows-rank-last", gaussian(random, 3), withNan, null, 6));
        cases.add(TopKCase.of("k-1", gaussian(random, 33), gaussian(random, 50 * 33), null, 1));
        cases.add(TopKCase.of("k-equals-rows", gaussian(random, 31), gaussian(random, 20 * 31), null, 20));
        float[] many = gaussian(random, 1000 * 7);
        cases.add(TopKCase.of("1000-rows-k-100", gaussian(random, 7), many, null, 100));
        float[] given = gaussian(random, 4 * 2);
        cases.add(TopKCase.of("given-norms-minus-0-and-0", new float[] {1f, 0.5f}, given,
                new float[] {-0f, 0f, 1f, 0f}, 4));
        float[] embedding = gaussian(random, 6 * 768);
        cases.add(TopKCase.of("embedding-d768-given-norms", gaussian(random, 768), embedding, norms(embedding, 768), 5));
        return cases;
    }

    private static int[] offsets(int... outDegrees) {
        int[] offsets = new int[outDegrees.length + 1];
        for (int u = 0; u < outDegrees.length; u++) {
            offsets[u + 1] = offsets[u] + outDegrees[u];
        }
        return offsets;
    }

    private static SpreadParams exponential(int maxDepth, float threshold, int refractory) {
        return SpreadParams.exponential(maxDepth, 0.5, threshold).withRefractoryHops(refractory);
    }

    private static SpreadCase ring(String name, int n, float weight, SpreadParams params) {
        int[] targets = new int[n];
        float[] weights = new float[n];
        for (int u = 0; u < n; u++) {
            targets[u] = (u + 1) % n;
            weights[u] = weight;
        }
        int[] offsets = new int[n + 1];
        Arrays.setAll(offsets, u -> u);
        return SpreadCase.of(name, offsets, targets, weights, new int[] {0}, new float[] {1f}, params);
    }

    private static SpreadCase randomGraph(String name, int n, int maxOutDegree, int[] seeds, SpreadParams params) {
        SplittableRandom random = random(name);
        Generators.GraphBuilder graph = Generators.GraphBuilder.random(random, n, maxOutDegree);
        float[] activations = new float[seeds.length];
        for (int i = 0; i < seeds.length; i++) {
            activations[i] = 1f - random.nextFloat();
        }
        return SpreadCase.of(name, graph.offsets(), graph.targets(), graph.weights(), seeds, activations, params);
    }

    public static List<SpreadCase> spread() {
        List<SpreadCase> cases = new ArrayList<>();
        SpreadParams three = exponential(3, 0f, 3);
        cases.add(SpreadCase.of("empty-graph", new int[] {0}, new int[0], new float[0], new int[0], new float[0],
                three));
        cases.add(SpreadCase.of("no-seeds", offsets(1, 1, 0), new int[] {1, 2}, new float[] {1f, 1f}, new int[0],
                new float[0], three));
        cases.add(SpreadCase.of("one-node", new int[] {0, 0}, new int[0], new float[0], new int[] {0},
                new float[] {0.25f}, three));
        cases.add(SpreadCase.of("one-node-self-loop-refractory-0-depth-32", new int[] {0, 1}, new int[] {0},
                new float[] {0.9f}, new int[] {0}, new float[] {0.1f}, exponential(32, 0f, 0)));
        cases.add(SpreadCase.of("chain-halving", offsets(1, 1, 1, 0), new int[] {1, 2, 3},
                new float[] {0.5f, 0.5f, 0.5f}, new int[] {0}, new float[] {1f},
                SpreadParams.of(0f, new float[] {0.5f, 0.5f, 0.5f}).withRefractoryHops(3)));
        cases.add(ring("cycle-refractory-0", 5, 0.9f, exponential(20, 0f, 0)));
        cases.add(ring("cycle-refractory-1", 4, 0.9f, exponential(20, 0f, 1)));
        cases.add(ring("cycle-refractory-default", 6, 0.9f, exponential(20, 0f, 20)));
        cases.add(ring("cycle-refractory-max-int", 3, 1f, exponential(32, 0f, Integer.MAX_VALUE)));
        Generators.GraphBuilder loops = Generators.GraphBuilder.random(random("self-loops"), 12, 2);
        for (int u = 0; u < 12; u++) {
            loops.edge(u, u, 0.5f + u / 24f);
        }
        cases.add(SpreadCase.of("self-loops-everywhere", loops.offsets(), loops.targets(), loops.weights(),
                new int[] {0, 5}, new float[] {0.75f, 0.5f}, exponential(8, 0.01f, 1)));
        SplittableRandom random = random("hubs");
        Generators.GraphBuilder hubOut = new Generators.GraphBuilder(2000);
        for (int j = 0; j < 3000; j++) {
            hubOut.edge(0, random.nextInt(2000), random.nextFloat());
        }
        for (int u = 1; u < 2000; u++) {
            hubOut.edge(u, random.nextInt(2000), random.nextFloat());
        }
        cases.add(SpreadCase.of("hub-with-3000-out-edges", hubOut.offsets(), hubOut.targets(), hubOut.weights(),
                new int[] {0}, new float[] {1f}, exponential(4, 1e-4f, 4)));
        Generators.GraphBuilder hubIn = new Generators.GraphBuilder(2500);
        for (int v = 1; v < 2499; v++) {
            hubIn.edge(0, v, random.nextFloat());
            hubIn.edge(v, 2499, random.nextFloat() * 0.01f);
        }
        cases.add(SpreadCase.of("hub-with-2498-in-edges-sums-in-order", hubIn.offsets(), hubIn.targets(),
                hubIn.weights(), new int[] {0}, new float[] {0.3f}, exponential(3, 0f, 3)));
        cases.add(SpreadCase.of("duplicate-seeds-sum-and-cap-at-1", offsets(1, 1, 1), new int[] {1, 2, 0},
                new float[] {1f, 1f, 1f}, new int[] {1, 0, 1, 0}, new float[] {0.75f, 0.5f, 0.75f, 0.25f},
                exponential(4, 0f, 0)));
        cases.add(SpreadCase.of("hop-factors-above-1-saturate", offsets(2, 2, 2), new int[] {1, 2, 0, 2, 0, 1},
                new float[] {1f, 0.9f, 0.95f, 1f, 1f, 0.99f}, new int[] {0}, new float[] {0.4f},
                SpreadParams.of(0f, new float[] {2f, 3f, 1.5f, 2.5f, 1f, 3f}).withRefractoryHops(0)));
        // Node 1 gains exactly (0.6 * 0.7) * 0.8 in float32 at hop 1: exactly the threshold, so it fires.
        float exact = 0.6f * 0.7f * 0.8f;
        cases.add(SpreadCase.of("threshold-exactly-at-the-applied-activation", offsets(1, 1, 1, 0),
                new int[] {1, 2, 3}, new float[] {0.7f, 0.5f, 0.5f}, new int[] {0}, new float[] {0.6f},
                SpreadParams.of(exact, new float[] {0.8f, 1f, 1f}).withRefractoryHops(3)));
        cases.add(SpreadCase.of("threshold-just-above-the-applied-activation", offsets(1, 1, 1, 0),
                new int[] {1, 2, 3}, new float[] {0.7f, 0.5f, 0.5f}, new int[] {0}, new float[] {0.6f},
                SpreadParams.of(Math.nextUp(exact), new float[] {0.8f, 1f, 1f}).withRefractoryHops(3)));
        int chain = 40;
        int[] chainOffsets = new int[chain + 1];
        Arrays.setAll(chainOffsets, u -> Math.min(u, chain - 1));
        int[] chainTargets = new int[chain - 1];
        Arrays.setAll(chainTargets, u -> u + 1);
        float[] ones = new float[chain - 1];
        Arrays.fill(ones, 1f);
        float[] flat = new float[32];
        Arrays.fill(flat, 1f);
        cases.add(SpreadCase.of("chain-of-40-stops-at-depth-32", chainOffsets, chainTargets, ones, new int[] {0},
                new float[] {1f}, SpreadParams.of(0f, flat).withRefractoryHops(32)));
        cases.add(SpreadCase.of("max-depth-1", offsets(1, 1, 0), new int[] {1, 2}, new float[] {1f, 1f},
                new int[] {0}, new float[] {1f}, exponential(1, 0f, 1)));
        cases.add(SpreadCase.of("zero-weights-touch-but-never-reach", offsets(3, 0, 0, 0), new int[] {1, 2, 3},
                new float[] {0f, 0.5f, 0f}, new int[] {0}, new float[] {1f}, exponential(2, 0f, 2)));
        cases.add(SpreadCase.of("subnormal-seed-underflows-to-0", offsets(1, 1, 0), new int[] {1, 2},
                new float[] {0.5f, 0.5f}, new int[] {0}, new float[] {Float.MIN_VALUE}, exponential(2, 0f, 2)));
        cases.add(SpreadCase.of("linear-hop-factors-reach-0", offsets(1, 1, 1, 1, 0), new int[] {1, 2, 3, 4},
                new float[] {1f, 1f, 1f, 1f}, new int[] {0}, new float[] {1f}, SpreadParams.linear(4, 0.4, 0f)));
        cases.add(randomGraph("random-300-nodes-power-hop-factors", 300, 5, new int[] {7, 100, 7, 299},
                SpreadParams.power(6, 1.2, 0.001f).withRefractoryHops(1)));
        cases.add(randomGraph("random-200-nodes-refractory-2", 200, 6, new int[] {3, 150},
                exponential(12, 0.005f, 2)));
        cases.add(randomGraph("random-parallel-edges-unsorted-seeds", 10, 8, new int[] {9, 2, 9, 4, 0},
                exponential(5, 0f, 5)));
        return cases;
    }

    /**
     * Every out-of-range strength against every out-of-range age, and each of them against an
     * age of a day and a strength of 0.8, with access counts on both sides of consolidation:
     * the contract's value rule on one curve. The floor is 0 (where -0.0 strengths must give
     * +0.0) or 0.125 (which an infinite age leaves).
     */
    private static DecayCase outOfRange(DecayCurve curve, float floor) {
        float[] strengths = Generators.OUT_OF_RANGE_STRENGTHS;
        float[] ages = Generators.OUT_OF_RANGE_AGES;
        List<float[]> pairs = new ArrayList<>();
        for (float s : strengths) {
            for (float t : ages) {
                pairs.add(new float[] {s, t});
            }
            pairs.add(new float[] {s, 86_400f});
        }
        for (float t : ages) {
            pairs.add(new float[] {0.8f, t});
        }
        float[] strength = new float[pairs.size()];
        float[] age = new float[pairs.size()];
        int[] access = new int[pairs.size()];
        for (int i = 0; i < strength.length; i++) {
            strength[i] = pairs.get(i)[0];
            age[i] = pairs.get(i)[1];
            access[i] = i % 2 == 0 ? 2 : 3;
        }
        return DecayCase.of(curve.getClass().getSimpleName().toLowerCase() + "-out-of-range-strengths-and-ages",
                new DecayParams(curve, floor), strength, age, access);
    }

    public static List<DecayCase> decay() {
        List<DecayCase> cases = new ArrayList<>();
        int special = Generators.SPECIAL_AGES.length;
        for (int round = 0; round < 4; round++) {
            DecayCurve curve = Generators.defaultCurve(round);
            float[] strength = new float[2 * special];
            float[] ages = new float[2 * special];
            int[] access = new int[2 * special];
            for (int i = 0; i < strength.length; i++) {
                strength[i] = i < special ? 1f : (i % 3 == 0 ? 0f : 0.8f);
                ages[i] = Generators.SPECIAL_AGES[i % special];
                access[i] = i < special ? 2 : 3;
            }
            String curveName = curve.getClass().getSimpleName().toLowerCase();
            cases.add(DecayCase.of(curveName + "-special-ages-strengths-0-and-1", DecayParams.of(curve), strength,
                    ages, access));
        }
        for (int i = 0; i < Generators.TAIL_LENGTHS.length; i++) {
            int count = Generators.TAIL_LENGTHS[i];
            SplittableRandom random = random("decay-tail-" + count);
            float[] strength = new float[count];
            float[] ages = new float[count];
            int[] access = new int[count];
            for (int j = 0; j < count; j++) {
                strength[j] = random.nextFloat();
                ages[j] = (float) Math.pow(10, random.nextDouble(-1, 9));
                access[j] = random.nextInt(6);
            }
            DecayCurve curve = Generators.defaultCurve(i);
            cases.add(DecayCase.of("tail-" + count + "-" + curve.getClass().getSimpleName().toLowerCase(),
                    DecayParams.of(curve), strength, ages, i % 2 == 0 ? access : null));
        }
        float[] strength = {0.9f, 0.5f, 0.25f, 1f, 0f};
        float[] ages = {86_400f, 0f, 3_600f, Generators.TEN_YEARS_SECONDS, 60f};
        cases.add(DecayCase.of("floor-exactly-at-a-kept-strength", new DecayParams(new DecayCurve.PowerLaw(), 0.5f),
                strength, ages, null));
        cases.add(DecayCase.of("floor-1-keeps-everything-at-1", new DecayParams(new DecayCurve.Ebbinghaus(), 1f),
                strength, ages, null));
        cases.add(DecayCase.of("floor-subnormal", new DecayParams(new DecayCurve.Exponential(), Float.MIN_VALUE),
                strength, ages, null));
        int[] around = {2, 3, 4, 0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE};
        float[] aroundAges = new float[around.length];
        float[] aroundStrength = new float[around.length];
        Arrays.fill(aroundAges, 7_056f);
        Arrays.fill(aroundStrength, 1f);
        cases.add(DecayCase.of("two-component-access-counts-around-consolidation",
                DecayParams.of(new DecayCurve.TwoComponent()), aroundStrength, aroundAges, around));
        cases.add(DecayCase.of("two-component-no-access-counts-count-as-0",
                DecayParams.of(new DecayCurve.TwoComponent()), aroundStrength, aroundAges, null));
        cases.add(DecayCase.of("exponential-half-life-1-hour", DecayParams.of(new DecayCurve.Exponential(3_600)),
                strength, ages, null));
        cases.add(DecayCase.of("power-law-scale-60-beta-2", DecayParams.of(new DecayCurve.PowerLaw(60, 2)), strength,
                ages, null));
        cases.add(DecayCase.of("two-component-tau-60-consolidation-0",
                DecayParams.of(new DecayCurve.TwoComponent(60, 600, 0.5, 0)), strength, ages, new int[] {0, 1, 0, 5, 0}));
        cases.add(DecayCase.of("ebbinghaus-k-0.5-c-3", DecayParams.of(new DecayCurve.Ebbinghaus(0.5, 3)), strength, ages,
                null));
        cases.add(DecayCase.of("no-memories", DecayParams.of(new DecayCurve.Exponential()), new float[0], new float[0],
                null));
        cases.add(DecayCase.of("extreme-ages-up-to-float-max", DecayParams.of(new DecayCurve.PowerLaw()),
                new float[] {1f, 1f, 1f, 1f}, new float[] {1e20f, 1e30f, Float.MAX_VALUE, 3.1536e10f}, null));
        cases.add(DecayCase.of("nan-age-gives-nan-there-only", DecayParams.of(new DecayCurve.Ebbinghaus()),
                new float[] {0.5f, 0.5f, 0.5f}, new float[] {120f, Float.NaN, 30f}, null));
        for (int round = 0; round < 4; round++) {
            cases.add(outOfRange(Generators.defaultCurve(round), round % 2 == 0 ? 0f : 0.125f));
        }
        return cases;
    }
}
