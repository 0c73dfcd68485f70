package engram.kernels.zig.impl.differential;

import java.util.Arrays;
import java.util.function.Function;

import engram.api.CsrGraph;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.SpreadResult;
import engram.api.TopK;

/**
 * One case with its expected answer, ready to run on any kernel: a generated case, whose
 * expectations are the oracle's, or a corpus case, whose expectations are stored. The
 * derived entry points of a corpus case (a row range, a batch, the sparse form, a gather)
 * are judged by the same stored expectations, as {@code zig/src/corpus_harness.zig} judges them.
 */
public interface Trial extends AutoCloseable {
    /** The case's name, as the corpus would hold it. */
    String name();

    /**
     * Runs the case on {@code kernel} with its arrays where {@code placement} says and with
     * {@code workspace} (one the kernel made, or null for its pool), and judges the result.
     */
    Checks.Verdict check(KernelService kernel, KernelWorkspace workspace, Calls.Placement placement);

    /** The case with the reference's expectations, in corpus format: what to paste into the corpus. */
    String corpusText(KernelService reference);

    @Override
    default void close() {
    }

    // ---- similarity ----------------------------------------------------------------------

    /** A cosine case judged against the double-precision oracle. */
    static Trial cosine(CosineCase c) {
        return cosineRange(c, 0, c.rows());
    }

    /** A cosine case of the corpus, judged against its stored expectations. */
    static Trial storedCosine(CosineCase c) {
        return cosineRows(c, 0, c.rows(), widen(c.expect()), "");
    }

    /** Rows {@code firstRow .. firstRow + rowCount - 1} of a cosine case, against the oracle's scores of those rows. */
    static Trial cosineRange(CosineCase c, int firstRow, int rowCount) {
        double[] exact = Oracle.cosine(c.query(), c.matrix(), c.norms());
        return cosineRows(c, firstRow, rowCount, exact, rangeNote(firstRow, rowCount, c.rows()));
    }

    /** Rows 1.. of a corpus case of two rows or more, against the stored scores of those rows. */
    static Trial storedCosineRange(CosineCase c) {
        return cosineRows(c, 1, c.rows() - 1, widen(c.expect()), "");
    }

    /** @param rowScores the expected score of every row of the case */
    private static Trial cosineRows(CosineCase c, int firstRow, int rowCount, double[] rowScores, String note) {
        double[] expected = Arrays.copyOfRange(rowScores, firstRow, firstRow + rowCount);
        return new Trial() {
            public String name() {
                return c.name();
            }

            public Checks.Verdict check(KernelService kernel, KernelWorkspace workspace, Calls.Placement placement) {
                return Checks.cosine(Calls.cosine(kernel, workspace, c, firstRow, rowCount, placement), expected);
            }

            public String corpusText(KernelService reference) {
                return note + Corpus.caseText(c.withExpectations(reference), CosineCase::write);
            }
        };
    }

    /**
     * A top-k case judged against the oracle's exact scores and its ranking of them; the
     * reference is judged by the same rule as every other kernel.
     */
    static Trial topK(TopKCase c) {
        return topKRange(c, 0, c.rows());
    }

    static Trial storedTopK(TopKCase c) {
        return topKRows(c, c.k(), 0, c.rows(), widen(c.scores()), c.expectIndex(), c.expectScore(), "");
    }

    /**
     * The case's top {@code c.k()} over rows {@code firstRow .. firstRow + rowCount - 1}, as
     * absolute row numbers, judged against the oracle's ranking of those rows.
     */
    static Trial topKRange(TopKCase c, int firstRow, int rowCount) {
        double[] exact = Oracle.cosine(c.query(), c.matrix(), c.norms());
        Expected expected = Expected.ranked(exact, firstRow, rowCount, c.k());
        return topKRows(c, c.k(), firstRow, rowCount, exact, expected.index, expected.score,
                rangeNote(firstRow, rowCount, c.rows()));
    }

    /**
     * Rows {@code N/2 .. N-1} of a corpus case of two rows or more, with k cut to the range,
     * against the stored scores of those rows in the contract's order.
     */
    static Trial storedTopKRange(TopKCase c) {
        int firstRow = c.rows() / 2;
        int rowCount = c.rows() - firstRow;
        int k = Math.min(c.k(), rowCount);
        double[] stored = widen(c.scores());
        Expected expected = Expected.ranked(stored, firstRow, rowCount, k);
        return topKRows(c, k, firstRow, rowCount, stored, expected.index, expected.score, "");
    }

    private static Trial topKRows(TopKCase c, int k, int firstRow, int rowCount, double[] rowScores,
            int[] expectIndex, float[] expectScore, String note) {
        return new Trial() {
            public String name() {
                return c.name();
            }

            public Checks.Verdict check(KernelService kernel, KernelWorkspace workspace, Calls.Placement placement) {
                TopK got = Calls.topK(kernel, workspace, c, k, firstRow, rowCount, placement);
                return Checks.topK(got.indices(), got.scores(), expectIndex, expectScore, rowScores, firstRow,
                        rowCount);
            }

            public String corpusText(KernelService reference) {
                return note + Corpus.caseText(c.withExpectations(reference), TopKCase::write);
            }
        };
    }

    /** The expected top k of a ranking: row numbers and their scores as float32. */
    record Expected(int[] index, float[] score) {
        static Expected ranked(double[] rowScores, int firstRow, int rowCount, int k) {
            int[] ranked = Arrays.copyOf(Oracle.rank(rowScores, firstRow, rowCount), k);
            float[] scores = new float[k];
            for (int i = 0; i < k; i++) {
                scores[i] = (float) rowScores[ranked[i]];
            }
            return new Expected(ranked, scores);
        }
    }

    /**
     * A batch judged twice per query: bit-identical to the same kernel's call with that query
     * alone, and by the contract's top-k rule against the oracle's exact scores of that query.
     */
    static Trial topKBatch(BatchCase c) {
        double[][] rowScores = new double[c.queryCount()][];
        Expected[] expected = new Expected[c.queryCount()];
        for (int q = 0; q < c.queryCount(); q++) {
            rowScores[q] = Oracle.cosine(c.query(q), c.matrix(), c.norms());
            expected[q] = Expected.ranked(rowScores[q], c.firstRow(), c.rowCount(), c.k());
        }
        return batch(c, rowScores, expected, "# topk_batch: rows " + c.firstRow() + ".."
                + (c.firstRow() + c.rowCount() - 1) + ", query %d of " + c.queryCount() + ", printed alone\n");
    }

    /**
     * The corpus case's query and its rows 0, N/2 and N-1 as a batch of 4 over every row:
     * each query's result bit-identical to its call alone, and the case's own query against
     * the stored expectations.
     */
    static Trial storedTopKBatch(TopKCase c) {
        int d = c.dimensions();
        int[] rowsAsQueries = {0, c.rows() / 2, c.rows() - 1};
        float[] queries = new float[(rowsAsQueries.length + 1) * d];
        System.arraycopy(c.query(), 0, queries, 0, d);
        for (int i = 0; i < rowsAsQueries.length; i++) {
            System.arraycopy(c.matrix(), rowsAsQueries[i] * d, queries, (i + 1) * d, d);
        }
        BatchCase batch = new BatchCase(c.name(), d, c.rows(), c.k(), rowsAsQueries.length + 1, queries, c.matrix(),
                c.norms(), 0, c.rows());
        double[][] rowScores = new double[batch.queryCount()][];
        Expected[] expected = new Expected[batch.queryCount()];
        rowScores[0] = widen(c.scores());
        expected[0] = new Expected(c.expectIndex(), c.expectScore());
        return batch(batch, rowScores, expected, "# topk_batch of this case: query %d\n");
    }

    /** @param expected per query, or null for a query judged only against its call alone */
    private static Trial batch(BatchCase c, double[][] rowScores, Expected[] expected, String note) {
        return new Trial() {
            private int failingQuery;

            public String name() {
                return c.name();
            }

            public Checks.Verdict check(KernelService kernel, KernelWorkspace workspace, Calls.Placement placement) {
                Calls.Batch got = Calls.topKBatch(kernel, workspace, c, placement);
                Checks.Verdict verdict = Checks.Verdict.pass(0);
                for (int q = 0; q < c.queryCount() && !verdict.failed(); q++) {
                    TopK batch = got.batch().get(q);
                    TopK alone = got.alone().get(q);
                    verdict = verdict.and(Checks.identical(q, batch.indices(), batch.scores(), alone.indices(),
                            alone.scores()));
                    if (expected[q] != null) {
                        verdict = verdict.and(Checks.topK(batch.indices(), batch.scores(), expected[q].index,
                                expected[q].score, rowScores[q], c.firstRow(), c.rowCount()).at("query " + q));
                    }
                    failingQuery = q;
                }
                return verdict;
            }

            public String corpusText(KernelService reference) {
                return String.format(note, failingQuery)
                        + Corpus.caseText(c.single(failingQuery).withExpectations(reference), TopKCase::write);
            }
        };
    }

    // ---- spreading -----------------------------------------------------------------------

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

            public Checks.Verdict check(KernelService kernel, KernelWorkspace workspace, Calls.Placement placement) {
                SpreadResult got = Calls.spread(kernel, workspace, graph, c, placement);
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

    /**
     * The sparse form with room for {@code capacity} entries, against the oracle's dense
     * result: its activated nodes in activation order, the first {@code capacity} of them
     * written, the activated count returned.
     */
    static Trial spreadSparse(SpreadCase c, Oracle.Spread expected, int capacity) {
        return sparse(c, new int[] {capacity}, expected.activation(), expected.firstHop(),
                expected.activatedCount());
    }

    /** The sparse form with room for every node and for half the activated ones, against the stored dense result. */
    static Trial storedSpreadSparse(SpreadCase c) {
        return sparse(c, new int[] {c.nodeCount(), c.expectCount() / 2}, c.expectActivation(), c.expectFirstHop(),
                c.expectCount());
    }

    private static Trial sparse(SpreadCase c, int[] capacities, float[] activation, int[] firstHop, int count) {
        CsrGraph graph = c.graph();
        int[] order = Oracle.activationOrder(firstHop);
        return new Trial() {
            public String name() {
                return c.name();
            }

            public Checks.Verdict check(KernelService kernel, KernelWorkspace workspace, Calls.Placement placement) {
                Checks.Verdict verdict = Checks.Verdict.pass(0);
                for (int capacity : capacities) {
                    Calls.Sparse got = Calls.spreadSparse(kernel, workspace, graph, c, capacity, placement);
                    verdict = verdict.and(Checks.sparse(got, capacity, order, activation, firstHop, count)
                            .at("capacity " + capacity));
                }
                return verdict;
            }

            public String corpusText(KernelService reference) {
                return "# spread_sparse: capacities " + Arrays.toString(capacities) + "\n"
                        + Corpus.caseText(c.withExpectations(reference), SpreadCase::write);
            }

            @Override
            public void close() {
                graph.close();
            }
        };
    }

    // ---- decay ---------------------------------------------------------------------------

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

            public Checks.Verdict check(KernelService kernel, KernelWorkspace workspace, Calls.Placement placement) {
                return Checks.decay(Calls.decay(kernel, workspace, c, placement), expected);
            }

            public String corpusText(KernelService reference) {
                return Corpus.caseText(c.withExpectations(reference), DecayCase::write);
            }
        };
    }

    /** A gather judged against the oracle at each memory's age {@code now - lastAccess}, taken in float64. */
    static Trial decayGather(GatherCase c) {
        double[] expected = Oracle.decayGather(c.params(), c.indices(), c.strength(), c.lastAccessSeconds(),
                c.accessCount(), c.nowSeconds());
        return gather(c, expected, reference -> "# decay_gather of " + c.count() + " of " + c.memoryCount()
                + " memories at now = " + c.nowSeconds() + ", printed as a decay case at float32 ages\n"
                + Corpus.caseText(c.asDecay().withExpectations(reference), DecayCase::write));
    }

    /**
     * The corpus case's memories gathered as the Zig replay gathers them (a shuffled order with
     * repeats), each last accessed at {@code -age} and decayed at now = 0: exactly its stored age.
     */
    static Trial storedDecayGather(DecayCase c) {
        int[] indices = gatherIndices(c.count());
        double[] lastAccess = new double[c.count()];
        for (int m = 0; m < lastAccess.length; m++) {
            lastAccess[m] = -(double) c.ageSeconds()[m];
        }
        double[] expected = new double[indices.length];
        for (int i = 0; i < indices.length; i++) {
            expected[i] = c.expect()[indices[i]];
        }
        GatherCase gather = new GatherCase(c.name(), c.params(), indices, c.strength(), lastAccess, c.accessCount(),
                0);
        return gather(gather, expected, reference -> "# decay_gather of this corpus case\n"
                + Corpus.caseText(c, DecayCase::write));
    }

    /** @param text the failing case in corpus format, given the reference */
    private static Trial gather(GatherCase c, double[] expected, Function<KernelService, String> text) {
        return new Trial() {
            public String name() {
                return c.name();
            }

            public Checks.Verdict check(KernelService kernel, KernelWorkspace workspace, Calls.Placement placement) {
                return Checks.decay(Calls.decayGather(kernel, workspace, c, placement), expected);
            }

            public String corpusText(KernelService reference) {
                return text.apply(reference);
            }
        };
    }

    /**
     * The order {@code corpus_harness.zig} gathers {@code count} memories in: a permutation
     * (steps of a stride prime to the count), with every seventh index a repeat of the one
     * three before it.
     */
    static int[] gatherIndices(int count) {
        int[] indices = new int[count];
        long stride = 7919;
        while (count > 0 && gcd(stride, count) != 1) {
            stride += 2;
        }
        for (int i = 0; i < count; i++) {
            indices[i] = (int) ((i * stride + 13) % count);
        }
        for (int i = 6; i < count; i += 7) {
            indices[i] = indices[i - 3];
        }
        return indices;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static String rangeNote(int firstRow, int rowCount, int rows) {
        if (firstRow == 0 && rowCount == rows) {
            return "";
        }
        return rowCount == 0 ? "# no rows, from row " + firstRow + " of this case (an empty row range)\n"
                : "# rows " + firstRow + ".." + (firstRow + rowCount - 1) + " of this case (a row range)\n";
    }

    private static double[] widen(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
