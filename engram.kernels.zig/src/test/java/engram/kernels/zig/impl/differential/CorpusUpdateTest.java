package engram.kernels.zig.impl.differential;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import engram.api.KernelService;
import engram.kernels.java.impl.ReferenceKernels;

/**
 * Keeps the corpus whole. On every build: each kernel's file holds at least
 * {@value #MINIMUM_CASES} cases and every seed of {@link CorpusSeeds}. With
 * {@code -Dengram.corpus.update=true} it first rewrites the files: the cases already there
 * keep their inputs, the seeds they lack are added, and every expectation is computed
 * afresh by the Java reference:
 *
 * <pre>./mvnw -B -o test -pl engram.kernels.zig -Dtest=CorpusUpdateTest -Dengram.corpus.update=true</pre>
 */
class CorpusUpdateTest {
    static final String UPDATE_PROPERTY = "engram.corpus.update";
    static final int MINIMUM_CASES = 20;

    private final KernelService reference = new ReferenceKernels();

    @Test
    void theCorpusHoldsEverySeedAndEnoughCasesPerKernel() {
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            update(CosineCase.KERNEL, Corpus::cosine, CorpusSeeds.cosine(), CosineCase::name,
                    c -> c.withExpectations(reference), CosineCase::write);
            update(TopKCase.KERNEL, Corpus::topK, CorpusSeeds.topK(), TopKCase::name,
                    c -> c.withExpectations(reference), TopKCase::write);
            update(SpreadCase.KERNEL, Corpus::spread, CorpusSeeds.spread(), SpreadCase::name,
                    c -> c.withExpectations(reference), SpreadCase::write);
            update(DecayCase.KERNEL, Corpus::decay, CorpusSeeds.decay(), DecayCase::name,
                    c -> c.withExpectations(reference), DecayCase::write);
        }
        requireSeeds(CosineCase.KERNEL, Corpus.cosine(), CorpusSeeds.cosine(), CosineCase::name);
        requireSeeds(TopKCase.KERNEL, Corpus.topK(), CorpusSeeds.topK(), TopKCase::name);
        requireSeeds(SpreadCase.KERNEL, Corpus.spread(), CorpusSeeds.spread(), SpreadCase::name);
        requireSeeds(DecayCase.KERNEL, Corpus.decay(), CorpusSeeds.decay(), DecayCase::name);
    }

    private static <T> void update(String kernel, Supplier<List<T>> stored, List<T> seeds, Function<T, String> name,
            UnaryOperator<T> withExpectations, BiConsumer<T, CorpusText.Writer> write) {
        List<T> cases = new ArrayList<>(Files.exists(Corpus.file(kernel)) ? stored.get() : List.of());
        Set<String> names = cases.stream().map(name).collect(Collectors.toSet());
        seeds.stream().filter(seed -> !names.contains(name.apply(seed))).forEach(cases::add);
        Corpus.write(kernel, cases.stream().map(withExpectations).toList(), write);
        System.out.println("corpus " + kernel + ": " + cases.size() + " cases written to " + Corpus.file(kernel));
    }

    private static <T> void requireSeeds(String kernel, List<T> stored, List<T> seeds, Function<T, String> name) {
        Set<String> names = stored.stream().map(name).collect(Collectors.toSet());
        assertTrue(stored.size() == names.size(), kernel + ": two corpus cases share a name");
        assertTrue(stored.size() >= MINIMUM_CASES, kernel + ": the corpus holds " + stored.size() + " cases, fewer than "
                + MINIMUM_CASES);
        List<String> missing = seeds.stream().map(name).filter(n -> !names.contains(n)).toList();
        assertTrue(missing.isEmpty(), kernel + ": the corpus lacks the seeds " + missing + "; run with -D"
                + UPDATE_PROPERTY + "=true to add them");
    }
}
