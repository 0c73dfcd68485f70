package engram.kernels.zig.impl.differential;

import java.util.List;
import java.util.function.IntFunction;

import engram.api.KernelService;

/** The kernels the harness checks, each with its generated cases, its corpus and its error measure. */
public enum Kernel {
    COSINE(CosineCase.KERNEL, "max abs error"),
    TOPK(TopKCase.KERNEL, "max abs score error"),
    SPREAD(SpreadCase.KERNEL, "max ulp difference"),
    DECAY(DecayCase.KERNEL, "max rel error");

    /** The kernel's name in reports and corpus files. */
    public final String title;
    /** What a report's error figure measures. */
    public final String errorName;

    Kernel(String title, String errorName) {
        this.title = title;
        this.errorName = errorName;
    }

    /** Generated case {@code i} of {@code seed}, judged against the oracle. */
    public IntFunction<Trial> generated(long seed) {
        return switch (this) {
            case COSINE -> i -> Trial.cosine(Generators.cosine(seed, i));
            case TOPK -> i -> Trial.topK(Generators.topK(seed, i));
            case SPREAD -> i -> Trial.spread(Generators.spread(seed, i));
            case DECAY -> i -> Trial.decay(Generators.decay(seed, i));
        };
    }

    /** The cases of a corpus file, judged against their stored expectations. */
    public record Stored(int size, IntFunction<Trial> trials) {
    }

    public Stored corpus() {
        return switch (this) {
            case COSINE -> {
                List<CosineCase> cases = Corpus.cosine();
                yield new Stored(cases.size(), i -> Trial.storedCosine(cases.get(i)));
            }
            case TOPK -> {
                List<TopKCase> cases = Corpus.topK();
                yield new Stored(cases.size(), i -> Trial.storedTopK(cases.get(i)));
            }
            case SPREAD -> {
                List<SpreadCase> cases = Corpus.spread();
                yield new Stored(cases.size(), i -> Trial.storedSpread(cases.get(i)));
            }
            case DECAY -> {
                List<DecayCase> cases = Corpus.decay();
                yield new Stored(cases.size(), i -> Trial.storedDecay(cases.get(i)));
            }
        };
    }

    /** Runs {@code cases} generated cases on every candidate, each at the placement its index gives. */
    public Differential.Report runGenerated(List<Differential.Candidate> candidates, KernelService reference,
            long seed, int cases) {
        return Differential.run("differential " + title, errorName, candidates, reference, cases, generated(seed),
                i -> List.of(Calls.Placement.forCase(i, this == DECAY)));
    }

    /** Replays the corpus on every candidate, each case on the heap and off-heap. */
    public Differential.Report runCorpus(List<Differential.Candidate> candidates, KernelService reference) {
        Stored stored = corpus();
        return Differential.run("corpus " + title, errorName, candidates, reference, stored.size(), stored.trials(),
                i -> Calls.Placement.forCorpusCase(i, this == DECAY));
    }

    public static Kernel named(String title) {
        for (Kernel kernel : values()) {
            if (kernel.title.equals(title)) {
                return kernel;
            }
        }
        throw new IllegalArgumentException("no kernel is named " + title);
    }
}
