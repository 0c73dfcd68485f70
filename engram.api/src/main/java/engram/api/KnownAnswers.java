package engram.api;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Known-answer tests: small inputs whose results were worked out by hand, run on a kernel
 * before it is trusted (the Zig bundle runs them before it registers) and on demand from the
 * shell ({@code engram:selftest}). They cover every entry point, a workspace reused across
 * calls, and a workspace borrowed from the kernel's pool.
 */
public final class KnownAnswers {
    private static final double SIMILARITY_TOLERANCE = 1e-6;
    private static final double DECAY_RELATIVE_TOLERANCE = 1e-6;

    private KnownAnswers() {
    }

    /** Runs every known-answer test on {@code kernel}; a test that throws fails with the exception's message. */
    public static List<SelfTestResult> run(KernelService kernel) {
        String name = kernel.info().name();
        List<SelfTestResult> results = new ArrayList<>();
        results.add(check(name, "cosine of axis-aligned vectors", () -> cosine(kernel)));
        results.add(check(name, "cosine over a row range", () -> cosineRange(kernel)));
        results.add(check(name, "top-k order with ties", () -> topK(kernel)));
        results.add(check(name, "batched top-k equals single queries", () -> batch(kernel)));
        results.add(check(name, "spreading along a chain", () -> chain(kernel)));
        results.add(check(name, "spreading with a self-loop and saturation", () -> saturation(kernel)));
        results.add(check(name, "sparse spreading in activation order", () -> sparse(kernel)));
        results.add(check(name, "spreading twice in one workspace", () -> reusedWorkspace(kernel)));
        results.add(check(name, "decay on all four curves", () -> decay(kernel)));
        results.add(check(name, "decay of out-of-range values", () -> decayOutOfRange(kernel)));
        results.add(check(name, "gather decay from last-access times", () -> gather(kernel)));
        return results;
    }

    /** The failed tests of {@code results}, each as {@code test: detail}, for a log line; empty if none failed. */
    public static String failures(List<SelfTestResult> results) {
        return results.stream().filter(r -> !r.passed()).map(r -> r.test() + ": " + r.detail()).toList().toString();
    }

    /** Whether every result passed. */
    public static boolean allPassed(List<SelfTestResult> results) {
        return results.stream().allMatch(SelfTestResult::passed);
    }

    private interface Check {
        String run();
    }

    private static SelfTestResult check(String kernel, String test, Check check) {
        try {
            String failure = check.run();
            return new SelfTestResult(kernel, test, failure == null, failure == null ? "as expected" : failure);
        } catch (RuntimeException e) {
            return new SelfTestResult(kernel, test, false, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static final float[] AXES_QUERY = {1, 0, 0};
    private static final float[] AXES_MATRIX = {1, 0, 0, 0, 1, 0, -1, 0, 0, 3, 4, 0, 0, 0, 0, 2, 0, 0};
    private static final float[] AXES_SCORES = {1, 0, -1, 0.6f, 0, 1};

    private static String cosine(KernelService kernel) {
        float[] actual = kernel.cosine(AXES_QUERY, AXES_MATRIX, null);
        String wrong = scores("row", actual, AXES_SCORES, 0);
        if (wrong != null) {
            return wrong;
        }
        float[] withNorms = kernel.cosine(AXES_QUERY, AXES_MATRIX, new float[] {1, 1, 1, 5, 0, 2});
        return Arrays.equals(withNorms, actual) ? null
                : "with precomputed norms the scores are " + Arrays.toString(withNorms) + ", expected "
                        + Arrays.toString(actual);
    }

    private static String cosineRange(KernelService kernel) {
        float[] out = new float[3];
        kernel.cosine(null, MemorySegment.ofArray(AXES_QUERY), 3,
                MemorySegment.ofArray(AXES_MATRIX), 2, 3, null,
                MemorySegment.ofArray(out));
        return scores("row", out, Arrays.copyOfRange(AXES_SCORES, 2, 5), 2);
    }

    private static String scores(String what, float[] actual, float[] expected, int firstRow) {
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= SIMILARITY_TOLERANCE)) {
                return "score of " + what + " " + (firstRow + i) + " is " + actual[i] + ", expected " + expected[i];
            }
        }
        return null;
    }

    private static final float[] TIES_MATRIX = {0, 1, 1, 1, -1, -1, 2, 2, 1, 0};

    private static String topK(KernelService kernel) {
        TopK top = kernel.cosineTopK(new float[] {1, 1}, TIES_MATRIX, null, 4);
        int[] expectedIndices = {1, 3, 0, 4};
        float[] expectedScores = {1, 1, 0.70710678f, 0.70710678f};
        if (!Arrays.equals(top.indices(), expectedIndices)) {
            return "indices are " + Arrays.toString(top.indices()) + ", expected " + Arrays.toString(expectedIndices);
        }
        return scores("rank", top.scores(), expectedScores, 0);
    }

    private static String batch(KernelService kernel) {
        List<float[]> queries = List.of(new float[] {1, 1}, new float[] {0, 1}, new float[] {-1, 0.5f});
        List<TopK> together = kernel.cosineTopK(queries, TIES_MATRIX, null, 3);
        for (int q = 0; q < queries.size(); q++) {
            TopK alone = kernel.cosineTopK(queries.get(q), TIES_MATRIX, null, 3);
            if (!together.get(q).equals(alone)) {
                return "query " + q + " gives " + together.get(q) + " in a batch and " + alone + " alone";
            }
        }
        return together.get(1).index(0) == 0 ? null : "the best row for (0, 1) is " + together.get(1).index(0)
                + ", expected 0";
    }

    private static String chain(KernelService kernel) {
        try (CsrGraph graph = chainGraph()) {
            SpreadResult result = kernel.spread(graph, new int[] {0}, new float[] {1f}, SpreadParams.exponential(3, 0, 0));
            return compare(result, new float[] {1f, 0.5f, 0.25f, 0.125f}, new int[] {0, 1, 2, 3}, 4);
        }
    }

    private static CsrGraph chainGraph() {
        return CsrGraph.of(new int[] {0, 1, 2, 3, 3}, new int[] {1, 2, 3}, new float[] {0.5f, 0.5f, 0.5f});
    }

    private static String saturation(KernelService kernel) {
        try (CsrGraph graph = CsrGraph.of(new int[] {0, 2, 2}, new int[] {0, 1}, new float[] {1f, 1f})) {
            SpreadResult result = kernel.spread(graph, new int[] {0}, new float[] {0.75f},
                    SpreadParams.exponential(2, 0, 0).withRefractoryHops(0));
            return compare(result, new float[] {1f, 1f}, new int[] {0, 1}, 2);
        }
    }

    private static String sparse(KernelService kernel) {
        // 0 -> 3, 0 -> 1, 3 -> 2, weights 0.5; seeds 3 (0.5) and 0 (1): hop 0 activates {0, 3}, hop 1
        // first activates {1, 2} (node 2 gets 0.5 * 0.5) and tops node 3 up to 1.
        try (CsrGraph graph = CsrGraph.of(new int[] {0, 2, 2, 2, 3}, new int[] {3, 1, 2},
                new float[] {0.5f, 0.5f, 0.5f})) {
            ReachedNodes reached = kernel.spreadSparse(graph, new int[] {3, 0}, new float[] {0.5f, 1f},
                    SpreadParams.exponential(2, 0, 0), 4);
            ReachedNodes expected = new ReachedNodes(new int[] {0, 3, 1, 2}, new float[] {1f, 1f, 0.5f, 0.25f},
                    new int[] {0, 0, 1, 1}, 4);
            if (!reached.equals(expected)) {
                return "reached " + Arrays.toString(reached.nodes()) + " " + Arrays.toString(reached.activations())
                        + " " + Arrays.toString(reached.firstHops()) + ", expected [0, 3, 1, 2] [1.0, 1.0, 0.5, 0.25]"
                        + " [0, 0, 1, 1]";
            }
            ReachedNodes firstTwo = kernel.spreadSparse(graph, new int[] {3, 0}, new float[] {0.5f, 1f},
                    SpreadParams.exponential(2, 0, 0), 2);
            return firstTwo.size() == 2 && firstTwo.reachedCount() == 4 && firstTwo.node(1) == 3 ? null
                    : "with room for 2 the result is " + firstTwo + " " + Arrays.toString(firstTwo.nodes())
                            + ", expected nodes [0, 3] of 4";
        }
    }

    private static String reusedWorkspace(KernelService kernel) {
        try (CsrGraph graph = chainGraph(); KernelWorkspace workspace = kernel.newWorkspace();
                Arena arena = Arena.ofConfined()) {
            MemorySegment seeds = arena.allocate(ValueLayout.JAVA_INT, 1);
            MemorySegment activations = arena.allocate(ValueLayout.JAVA_FLOAT, 1);
            MemorySegment outActivation = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
            MemorySegment outFirstHop = arena.allocate(ValueLayout.JAVA_INT, 4);
            activations.set(ValueLayout.JAVA_FLOAT, 0, 1f);
            SpreadParams params = SpreadParams.exponential(3, 0, 0);
            kernel.spread(workspace, graph, seeds, activations, 1, params, outActivation, outFirstHop);
            seeds.set(ValueLayout.JAVA_INT, 0, 2);
            int activated = kernel.spread(workspace, graph, seeds, activations, 1, params, outActivation, outFirstHop);
            SpreadResult second = new SpreadResult(outActivation.toArray(ValueLayout.JAVA_FLOAT),
                    outFirstHop.toArray(ValueLayout.JAVA_INT), activated);
            return compare(second, new float[] {0, 0, 1f, 0.5f}, new int[] {-1, -1, 0, 1}, 2);
        }
    }

    private static String compare(SpreadResult result, float[] activation, int[] firstHop, int activated) {
        if (!Arrays.equals(result.activations(), activation)) {
            return "activations are " + Arrays.toString(result.activations()) + ", expected "
                    + Arrays.toString(activation);
        }
        if (!Arrays.equals(result.firstHops(), firstHop)) {
            return "first hops are " + Arrays.toString(result.firstHops()) + ", expected " + Arrays.toString(firstHop);
        }
        return result.activatedCount() == activated ? null
                : result.activatedCount() + " nodes activated, expected " + activated;
    }

    private record DecayCase(DecayCurve curve, float strength, float ageSeconds, int accessCount, double expected) {
    }

    private static String decay(KernelService kernel) {
        return decayCases(kernel, List.of(
                new DecayCase(new DecayCurve.Exponential(), 0.8f, 0f, 0, 0.8),
                new DecayCase(new DecayCurve.Exponential(), 0.8f, 86_400f, 0, 0.4),
                new DecayCase(new DecayCurve.PowerLaw(), 0.9f, 3_600f, 0, 0.7944326966615893),
                new DecayCase(new DecayCurve.TwoComponent(), 0.5f, 7_056f, 0, 0.18393972058572117),
                new DecayCase(new DecayCurve.TwoComponent(), 1f, 86_400f, 3, 0.8827029962906549),
                new DecayCase(new DecayCurve.Ebbinghaus(), 1f, 60f, 0, 1.0),
                new DecayCase(new DecayCurve.Ebbinghaus(), 1f, 600f, 0, 0.647887323943662)));
    }

    private static String decayOutOfRange(KernelService kernel) {
        return decayCases(kernel, List.of(
                new DecayCase(new DecayCurve.Exponential(), 0.8f, -3_600f, 0, 0.8),
                new DecayCase(new DecayCurve.PowerLaw(), 1.5f, 3_600f, 0, 0.8827029962906549),
                new DecayCase(new DecayCurve.Ebbinghaus(), -0.5f, 600f, 0, 0),
                new DecayCase(new DecayCurve.TwoComponent(), 0.5f, Float.POSITIVE_INFINITY, 0, 0),
                new DecayCase(new DecayCurve.Exponential(), Float.NaN, 60f, 0, Double.NaN)));
    }

    private static String decayCases(KernelService kernel, List<DecayCase> cases) {
        for (DecayCase c : cases) {
            float[] out = kernel.decay(new float[] {c.strength()}, new float[] {c.ageSeconds()},
                    new int[] {c.accessCount()}, DecayParams.of(c.curve()));
            boolean right = Double.isNaN(c.expected()) ? Float.isNaN(out[0])
                    : Math.abs(out[0] - c.expected()) <= DECAY_RELATIVE_TOLERANCE * Math.abs(c.expected())
                            && Float.floatToRawIntBits(out[0]) != Float.floatToRawIntBits(-0f);
            if (!right) {
                return c.curve() + " of strength " + c.strength() + " at " + c.ageSeconds() + " s gives " + out[0]
                        + ", expected " + c.expected();
            }
        }
        return null;
    }

    private static String gather(KernelService kernel) {
        float[] strength = {0.8f, 0.6f, 1f};
        double[] lastAccessSeconds = {1_000_000, 1_000_000 - 86_400, 1_000_000 + 50};
        float[] out = kernel.decayGather(new int[] {1, 0, 1, 2}, strength, lastAccessSeconds, null, 1_000_000,
                DecayParams.of(new DecayCurve.Exponential()));
        float[] expected = {0.3f, 0.8f, 0.3f, 1f};
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(out[i] - expected[i]) <= DECAY_RELATIVE_TOLERANCE * expected[i])) {
                return "out[" + i + "] is " + out[i] + ", expected " + expected[i];
            }
        }
        return null;
    }
}
