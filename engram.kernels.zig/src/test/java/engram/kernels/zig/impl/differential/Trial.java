package engram.kernels.zig.impl.differential;

import java.util.Arrays;

import engram.api.CsrGraph;
import engram.api.KernelService;
import engram.api.SpreadResult;
import engram.api.TopK;

/**
 * One case with its expected answer, ready to run on any kernel: a generated case, whose
 * expectations are the oracle's, or a corpus case, whose expectations are stored.
 */
public interface Trial extends AutoCloseable {
    /** The case's name, as the corpus would hold it. */
    String name();

    /** Runs the case on {@code kernel} with its arrays where {@code placement} says, and judges the result. */
    Checks.Verdict check(KernelService kernel, Calls.Placement placement);

    /** The case with the reference's expectations, in corpus format: what to paste into the corpus. */
    String corpusText(KernelService reference);

    @Override
    default void close() {
    }

    /** A cosine case judged against the double-precision oracle. */
    static Trial cosine(CosineCase c) {
        return cosine(c, Oracle.cosine(c.query(), c.matrix(), c.norms()));
    }

    /** A cosine case of the corpus, judged against its stored expectations. */
    static Trial storedCosine(CosineCase c) {
        return cosine(c, widen(c.expect()));
    }

    private static Trial cosine(CosineCase c, double[] expected) {
        return new Trial() {
            public String name() {
                return c.name();
            }

            public Checks.Verdict check(KernelService kernel, Calls.Placement placement) {
                return Checks.cosine(Calls.cosine(kernel, c, placement), expected);
            }

            public String corpusText(KernelService reference) {
                return Corpus.caseText(c.withExpectations(reference), CosineCase::write);
            }
        };
    }

    /**
     * A top-k case judged against the oracle's exact scores and its ranking of them; the
     * reference is judged by the same rule as every other kernel.
     */
    static Trial topK(TopKCase c) {
        double[] exact = Oracle.cosine(c.query(), c.matrix(), c.norms());
        int[] ranked = Arrays.copyOf(Oracle.rank(exact), c.k());
        float[] rankedScores = new float[c.k()];
        for (int i = 0; i < rankedScores.length; i++) {
            rankedScores[i] = (float) exact[ranked[i]];
        }
        return topK(c, exact, ranked, rankedScores);
    }

    static Trial storedTopK(TopKCase c) {
        return topK(c, widen(c.scores()), c.expectIndex(), c.expectScore());
    }

    private static Trial topK(TopKCase c, double[] rowScores, int[] expectIndex, float[] expectScore) {
        return new Trial() {
            public String name() {
                return c.name();
            }

            public Checks.Verdict check(KernelService kernel, Calls.Placement placement) {
                TopK got = Calls.topK(kernel, c, placement);
                return Checks.topK(got.indices(), got.scores(), expectIndex, expectScore, rowScores);
            }

            public String corpusText(KernelService reference) {
                return Corpus.caseText(c.withExpectations(reference), TopKCase::write);
            }
        };
    }

    /** A spreading case judged against the literal oracle, bit for bit. */
    static Trial spread(SpreadCase c) {
        Oracle.Spread expected = Oracle.spread(c);
        return spread(c, expected.activation(), expected.firstHop(), expected.activatedCount());
    }

    static Trial storedSpread(SpreadCase c) {
        return spread(c, c.expectActivation(), c.expectFirstHop(), c.expectCount());
    }

    private static Trial spread(SpreadCase c, float[] activation, int[] firstHop, int count) {
        CsrGraph graph = c.graph();
        return new Trial() {
            public String name() {
                return c.name();
            }

            public Checks.Verdict check(KernelService kernel, Calls.Placement placement) {
                SpreadResult got = Calls.spread(kernel, graph, c, placement);
                return Checks.spread(got.activations(), got.firstHops(), got.activatedCount(), activation, firstHop,
                        count);
            }

            public String corpusText(KernelService reference) {
                return Corpus.caseText(c.withExpectations(reference), SpreadCase::write);
            }

            @Override
            public void close() {
                graph.close();
            }
        };
    }

    /** A decay case judged against the double-precision oracle. */
    static Trial decay(DecayCase c) {
        return decay(c, Oracle.decay(c.params(), c.strength(), c.ageSeconds(), c.accessCount()));
    }

    static Trial storedDecay(DecayCase c) {
        return decay(c, widen(c.expect()));
    }

    private static Trial decay(DecayCase c, double[] expected) {
        return new Trial() {
            public String name() {
                return c.name();
            }

            public Checks.Verdict check(KernelService kernel, Calls.Placement placement) {
                return Checks.decay(Calls.decay(kernel, c, placement), expected);
            }

            public String corpusText(KernelService reference) {
                return Corpus.caseText(c.withExpectations(reference), DecayCase::write);
            }
        };
    }

    private static double[] widen(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
