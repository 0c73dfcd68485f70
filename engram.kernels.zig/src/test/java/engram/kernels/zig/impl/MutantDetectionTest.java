package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import engram.api.KernelService;
import engram.kernels.java.impl.ReferenceKernels;
import engram.kernels.zig.impl.differential.Differential;
import engram.kernels.zig.impl.differential.Kernel;
import engram.kernels.zig.impl.differential.MutantKernels;

/**
 * The proof that the harness catches each kind of error: each {@link MutantKernels} bug,
 * planted in the best Zig kernel (the reference when no library was built), must fail both
 * the generated suite and the corpus replay. Prints the first failing case of each, which
 * {@code docs/internal/differential_testing.md} quotes.
 */
class MutantDetectionTest {
    /** Longest failing case printed in full; longer ones are named only. */
    private static final int PRINTED_CASE_CHARS = 2_000;
    private static final long SEED = 0x5EED_0003L;

    private static ZigCandidates zig;
    private static KernelService base;
    private static final ReferenceKernels REFERENCE = new ReferenceKernels();

    @BeforeAll
    static void load() {
        zig = new ZigCandidates();
        base = zig.best() != null ? zig.best() : REFERENCE;
    }

    @AfterAll
    static void close() {
        zig.close();
    }

    @TestFactory
    List<DynamicTest> eachPlantedBugIsCaught() {
        return Arrays.stream(MutantKernels.Mutation.values()).map(mutation -> DynamicTest.dynamicTest(
                mutation.kernel + ": " + mutation.description, () -> {
                    Kernel kernel = Kernel.named(mutation.kernel);
                    String name = "mutant " + mutation.kernel + " (" + mutation.description + ") of " + base.info().name()
                            + " " + base.info().instructionSet();
                    List<Differential.Candidate> mutant = List.of(zig.candidate(name,
                            new MutantKernels(base, mutation)));
                    Differential.Report generated = kernel.runGenerated(mutant, REFERENCE, SEED,
                            DifferentialTest.DEFAULT_CASES);
                    Differential.Report corpus = kernel.runCorpus(mutant, REFERENCE);
                    assertEquals(1, generated.failures().size(), "the generated suite missed: " + name);
                    assertEquals(1, corpus.failures().size(), "the corpus missed: " + name);
                    for (Differential.Report report : List.of(generated, corpus)) {
                        Differential.Tally caught = report.failures().getFirst();
                        // Caught by a value the checks judged wrong, not by the mutant falling over.
                        assertFalse(caught.failure().contains("threw"), caught.failure());
                        System.out.println(name + ": caught by the " + (report == generated ? "generated suite"
                                : "corpus") + " at " + caught.failure());
                        String text = caught.failingCase();
                        System.out.println(text.length() <= PRINTED_CASE_CHARS ? text
                                : "(the failing case, " + text.length() + " characters, is not printed)\n");
                    }
                })).toList();
    }
}
