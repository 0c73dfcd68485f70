package engram.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Known-answer tests: small inputs whose results were worked out by hand, run on a
 * kernel before it is trusted (the Zig bundle runs them before it registers) and on
 * demand from the shell ({@code engram:selftest}).
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
        results.add(check(name, "top-k order with ties", () -> topK(kernel)));
        results.add(check(name, "spreading along a chain", () -> chain(kernel)));
        results.add(check(name, "spreading with a self-loop and saturation", () -> saturation(kernel)));
        results.add(check(name, "decay on all four curves", () -> decay(kernel)));
        return results;
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

    private static String cosine(KernelService kernel) {
        float[] query = {1, 0, 0};
        float[] matrix = {1, 0, 0, 0, 1, 0, -1, 0, 0, 3, 4, 0, 0, 0, 0, 2, 0, 0};
        float[] expected = {1, 0, -1, 0.6f, 0, 1};
        float[] actual = kernel.cosine(query, matrix, null);
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(actual[i] - expected[i]) > SIMILARITY_TOLERANCE) {
                return "score of row " + i + " is " + actual[i] + ", expected " + expected[i];
            }
        }
        float[] withNorms = kernel.cosine(query, matrix, new float[] {1, 1, 1, 5, 0, 2});
        return Arrays.equals(withNorms, actual) ? null
                : "with precomputed norms the scores are " + Arrays.toString(withNorms) + ", expected "
                        + Arrays.toString(actual);
    }

    private static String topK(KernelService kernel) {
        float[] query = {1, 1};
        float[] matrix = {0, 1, 1, 1, -1, -1, 2, 2, 1, 0};
        TopK top = kernel.cosineTopK(query, matrix, null, 4);
        int[] expectedIndices = {1, 3, 0, 4};
        float[] expectedScores = {1, 1, 0.70710678f, 0.70710678f};
        if (!Arrays.equals(top.indices(), expectedIndices)) {
            return "indices are " + Arrays.toString(top.indices()) + ", expected " + Arrays.toString(expectedIndices);
        }
        for (int i = 0; i < expectedScores.length; i++) {
            if (Math.abs(top.scores()[i] - expectedScores[i]) > SIMILARITY_TOLERANCE) {
                return "score " + i + " is " + top.scores()[i] + ", expected " + expectedScores[i];
            }
        }
        return null;
    }

    private static String chain(KernelService kernel) {
        try (CsrGraph graph = CsrGraph.of(new int[] {0, 1, 2, 3, 3}, new int[] {1, 2, 3},
                new float[] {0.5f, 0.5f, 0.5f})) {
            SpreadResult result = kernel.spread(graph, new int[] {0}, new float[] {1f},
                    SpreadParams.exponential(3, 0, 0f));
            return compare(result, new float[] {1f, 0.5f, 0.25f, 0.125f}, new int[] {0, 1, 2, 3}, 4);
        }
    }

    private static String saturation(KernelService kernel) {
        try (CsrGraph graph = CsrGraph.of(new int[] {0, 2, 2}, new int[] {0, 1}, new float[] {1f, 1f})) {
            SpreadResult result = kernel.spread(graph, new int[] {0}, new float[] {0.75f},
                    SpreadParams.exponential(2, 0, 0f).withRefractoryHops(0));
            return compare(result, new float[] {1f, 1f}, new int[] {0, 1}, 2);
        }
    }

    private static String compare(SpreadResult result, float[] activation, int[] firstHop, int activated) {
        if (!Arrays.equals(result.activation(), activation)) {
            return "activations are " + Arrays.toString(result.activation()) + ", expected " + Arrays.toString(activation);
        }
        if (!Arrays.equals(result.firstHop(), firstHop)) {
            return "first hops are " + Arrays.toString(result.firstHop()) + ", expected " + Arrays.toString(firstHop);
        }
        return result.activatedCount() == activated ? null
                : result.activatedCount() + " nodes activated, expected " + activated;
    }

    private static String decay(KernelService kernel) {
        record Case(DecayCurve curve, float strength, float ageSeconds, int accessCount, double expected) {
        }
        List<Case> cases = List.of(
                new Case(new DecayCurve.Exponential(), 0.8f, 0f, 0, 0.8),
                new Case(new DecayCurve.Exponential(), 0.8f, 86_400f, 0, 0.4),
                new Case(new DecayCurve.PowerLaw(), 0.9f, 3_600f, 0, 0.7944326966615893),
                new Case(new DecayCurve.TwoComponent(), 0.5f, 7_056f, 0, 0.18393972058572117),
                new Case(new DecayCurve.TwoComponent(), 1f, 86_400f, 3, 0.8827029962906549),
                new Case(new DecayCurve.Ebbinghaus(), 1f, 60f, 0, 1.0),
                new Case(new DecayCurve.Ebbinghaus(), 1f, 600f, 0, 0.647887323943662));
        for (Case c : cases) {
            float[] out = kernel.decay(new float[] {c.strength()}, new float[] {c.ageSeconds()},
                    new int[] {c.accessCount()}, DecayParams.of(c.curve()));
            if (Math.abs(out[0] - c.expected()) > DECAY_RELATIVE_TOLERANCE * Math.abs(c.expected())) {
                return c.curve() + " at " + c.ageSeconds() + " s gives " + out[0] + ", expected " + c.expected();
            }
        }
        return null;
    }
}
