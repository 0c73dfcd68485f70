package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import engram.kernels.java.impl.ReferenceKernels;
import engram.kernels.zig.impl.differential.Differential;
import engram.kernels.zig.impl.differential.Kernel;

/**
 * The differential suite: {@value #DEFAULT_CASES} generated cases per entry point (the four
 * kernels and their row ranges, batches, sparse form and gather), each run on the Java
 * reference and on the Zig library at every level this CPU runs, and judged against the
 * oracle by the contract's tolerances. Each implementation keeps one long-lived workspace for
 * the whole class, so that it serves the cases of every entry point in turn. Prints one line
 * per entry point and level with the case count and the largest error; a failure prints the
 * case in corpus format.
 *
 * <p>{@code -Dengram.differential.cases=N} and {@code -Dengram.differential.seed=S} change
 * the run (a failing case is found again with the same seed).
 */
class DifferentialTest {
    static final int DEFAULT_CASES = 10_000;
    private static final int CASES = Integer.getInteger("engram.differential.cases", DEFAULT_CASES);
    private static final long SEED = Long.getLong("engram.differential.seed", 0x5EED_0003L);
    private static final AtomicLong CASES_RUN = new AtomicLong();
    private static final long STARTED = System.nanoTime();

    private static ZigCandidates zig;
    private static List<Differential.Candidate> candidates;
    private static final ReferenceKernels REFERENCE = new ReferenceKernels();

    @BeforeAll
    static void load() {
        zig = new ZigCandidates();
        candidates = zig.withReference(REFERENCE);
    }

    @AfterAll
    static void close() {
        zig.close();
        System.out.printf("differential total: %d cases checked (%d cases x %d entry points x %d implementations),"
                + " seed 0x%x, %.1f s%n", CASES_RUN.get(), CASES, Kernel.values().length, candidates.size(), SEED,
                (System.nanoTime() - STARTED) / 1e9);
    }

    @TestFactory
    List<DynamicTest> everyKernelAgreesWithTheOracle() {
        return Arrays.stream(Kernel.values()).map(kernel -> DynamicTest.dynamicTest(kernel.title, () -> {
            long start = System.nanoTime();
            Differential.Report report = kernel.runGenerated(candidates, REFERENCE, SEED, CASES);
            report.print();
            System.out.printf("differential %s: %.1f s%n", kernel.title, (System.nanoTime() - start) / 1e9);
            report.assertPassed();
            for (Differential.Tally tally : report.tallies()) {
                assertEquals(CASES, tally.cases(), tally.name());
                CASES_RUN.addAndGet(tally.cases());
            }
        })).toList();
    }
}
