package engram.kernels.zig.impl.differential;

import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;

import engram.api.KernelService;

/**
 * The entry points the harness checks, each with its generated cases, its corpus replay and
 * its error measure. The derived entry points ({@code cosine_range}, {@code topk_range},
 * {@code topk_batch}, {@code spread_sparse}, {@code decay_gather}) replay the file of their
 * kernel ({@code cosine.txt}, ...) as {@code zig/src/corpus_harness.zig} does, judged by the
 * same stored expectations.
 */
public enum Kernel {
    COSINE("cosine", CosineCase.KERNEL, "max abs error"),
    COSINE_RANGE("cosine_range", CosineCase.KERNEL, "max abs error"),
    TOPK("topk", TopKCase.KERNEL, "max abs score error"),
    TOPK_RANGE("topk_range", TopKCase.KERNEL, "max abs score error"),
    TOPK_BATCH("topk_batch", TopKCase.KERNEL, "max abs score error"),
    SPREAD("spread", SpreadCase.KERNEL, "max ulp difference"),
    SPREAD_SPARSE("spread_sparse", SpreadCase.KERNEL, "max ulp difference"),
    DECAY("decay", DecayCase.KERNEL, "max rel error"),
    DECAY_GATHER("decay_gather", DecayCase.KERNEL, "max rel error");

    /** The entry point's name in reports, as the Zig replay names it. */
    public final String title;
    /** The corpus file it replays: {@code zig/corpus/FILE.txt}. */
    public final String file;
    /** What a report's error figure measures. */
    public final String errorName;

    Kernel(String title, String file, String errorName) {
        this.title = title;
        this.file = file;
        this.errorName = errorName;
    }

    /** Generated case {@code i} of {@code seed}, judged against the oracle. */
    public IntFunction<Trial> generated(long seed) {
        return switch (this) {
            case COSINE -> i -> Trial.cosine(Generators.cosine(seed, i));
            case COSINE_RANGE -> i -> {
                CosineCase c = Generators.cosine(seed, i);
                int[] range = Generators.rowRange(seed, i, c.rows(), false);
                return Trial.cosineRange(c, range[0], range[1]);
            };
            case TOPK -> i -> Trial.topK(Generators.topK(seed, i));
            case TOPK_RANGE -> i -> {
                Generators.RangedTopK r = Generators.topKRange(seed, i);
                return Trial.topKRange(r.topK(), r.firstRow(), r.rowCount());
            };
            case TOPK_BATCH -> i -> Trial.topKBatch(Generators.topKBatch(seed, i));
            case SPREAD -> i -> Trial.spread(Generators.spread(seed, i));
            case SPREAD_SPARSE -> i -> {
                SpreadCase c = Generators.spread(seed, i);
                Oracle.Spread expected = Oracle.spread(c);
                return Trial.spreadSparse(c, expected,
                        Generators.sparseCapacity(seed, i, c.nodeCount(), expected.activatedCount()));
            };
            case DECAY -> i -> Trial.decay(Generators.decay(seed, i));
            case DECAY_GATHER -> i -> Trial.decayGather(Generators.decayGather(seed, i));
        };
    }

    /** The cases of a corpus file this entry point replays, judged against their stored expectations. */
    public record Stored(int size, IntFunction<Trial> trials) {
        static <T> Stored of(List<T> all, Predicate<T> replayed, Function<T, Trial> trial) {
            List<T> cases = all.stream().filter(replayed).toList();
            return new Stored(cases.size(), i -> trial.apply(cases.get(i)));
        }
    }

    public Stored corpus() {
        return switch (this) {
            case COSINE -> Stored.of(Corpus.cosine(), c -> true, Trial::storedCosine);
            case COSINE_RANGE -> Stored.of(Corpus.cosine(), c -> c.rows() >= 2, Trial::storedCosineRange);
            case TOPK -> Stored.of(Corpus.topK(), c -> true, Trial::storedTopK);
            case TOPK_RANGE -> Stored.of(Corpus.topK(), c -> c.rows() >= 2, Trial::storedTopKRange);
            case TOPK_BATCH -> Stored.of(Corpus.topK(), c -> true, Trial::storedTopKBatch);
            case SPREAD -> Stored.of(Corpus.spread(), c -> true, Trial::storedSpread);
            case SPREAD_SPARSE -> Stored.of(Corpus.spread(), c -> true, Trial::storedSpreadSparse);
            case DECAY -> Stored.of(Corpus.decay(), c -> true, Trial::storedDecay);
            case DECAY_GATHER -> Stored.of(Corpus.decay(), c -> true, Trial::storedDecayGather);
        };
    }

    /** Only decay may run in place ({@code out} = {@code strength}); a gather's output is apart from its inputs. */
    private boolean inPlaceAllowed() {
        return this == DECAY;
    }

    /** Runs {@code cases} generated cases on every candidate, each at the placement its index gives. */
    public Differential.Report runGenerated(List<Differential.Candidate> candidates, KernelService reference,
            long seed, int cases) {
        return Differential.run("differential " + title, errorName, candidates, reference, cases, generated(seed),
                i -> List.of(Calls.Placement.forCase(i, inPlaceAllowed())));
    }

    /** Replays the corpus on every candidate, each case at each of the corpus placements. */
    public Differential.Report runCorpus(List<Differential.Candidate> candidates, KernelService reference) {
        Stored stored = corpus();
        return Differential.run("corpus " + title, errorName, candidates, reference, stored.size(), stored.trials(),
                i -> Calls.Placement.forCorpusCase(i, inPlaceAllowed()));
    }

    public static Kernel named(String title) {
        for (Kernel kernel : values()) {
            if (kernel.title.equals(title)) {
                return kernel;
            }
        }
        throw new IllegalArgumentException("no entry point is named " + title);
    }
}
