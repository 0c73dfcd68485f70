package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import engram.kernels.java.impl.ReferenceKernels;
import engram.kernels.zig.impl.differential.Corpus;
import engram.kernels.zig.impl.differential.Differential;
import engram.kernels.zig.impl.differential.Kernel;

/**
 * Replays the regression corpus ({@code zig/corpus/}) on the Java reference and on the Zig
 * library at every level this CPU runs, each case on the heap and off-heap and with each kind
 * of workspace, against the stored expectations: each file for its kernel and for the entry
 * points derived from it, as {@code zig/src/corpus_harness.zig} replays them (with the same
 * names and case counts). The Zig harness replays the same files natively and on aarch64.
 */
class CorpusReplayTest {
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
    }

    @TestFactory
    List<DynamicTest> everyCorpusCasePassesOnEveryKernel() {
        return Arrays.stream(Kernel.values()).map(kernel -> DynamicTest.dynamicTest(kernel.title, () -> {
            Differential.Report report = kernel.runCorpus(candidates, REFERENCE);
            report.print();
            report.assertPassed();
            int size = kernel.corpus().size();
            for (Differential.Tally tally : report.tallies()) {
                assertEquals(size, tally.cases(), tally.name() + " did not run every case of " + Corpus.file(kernel.file));
            }
        })).toList();
    }
}
