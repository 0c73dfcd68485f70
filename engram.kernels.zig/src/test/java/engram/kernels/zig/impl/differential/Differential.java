package engram.kernels.zig.impl.differential;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.OverflowStrategy;
import engram.api.WorkspaceOptions;

/**
 * Runs trials on several kernels at once and keeps, per kernel, the number of cases run,
 * the largest error and the first failure. A kernel that fails is not run on later cases;
 * the run stops early once every kernel has failed. Each call runs with the workspace its
 * placement names: the candidate's long-lived one, a fresh one, or none (the pool).
 */
public final class Differential {
    private Differential() {
    }

    /**
     * A kernel under test, the name the report gives it (such as {@code x86_64_v3}), and its
     * long-lived workspace: made on first use and kept until {@link #close()}, so that one
     * workspace serves every case of every entry point that asks for it, in turn, and
     * spreading's retained node tables meet graphs of every size.
     */
    public static final class Candidate implements AutoCloseable {
        private final String name;
        private final KernelService kernel;
        private KernelWorkspace longLived;

        public Candidate(String name, KernelService kernel) {
            this.name = name;
            this.kernel = kernel;
        }

        public String name() {
            return name;
        }

        public KernelService kernel() {
            return kernel;
        }

        KernelWorkspace longLivedWorkspace() {
            if (longLived == null) {
                longLived = kernel.newWorkspace();
            }
            return longLived;
        }

        /** Closes the long-lived workspace, if one was made. */
        @Override
        public void close() {
            if (longLived != null) {
                longLived.close();
                longLived = null;
            }
        }
    }

    /** A fresh workspace: the smallest arena, and no fallback, so that a call needing more than it should fails. */
    private static final WorkspaceOptions FRESH = WorkspaceOptions.ofMebibytes(1, OverflowStrategy.ERROR);

    /** How a kernel fared: cases run, largest error, and the first failure with its case. */
    public static final class Tally {
        private final String name;
        private int cases;
        private double maxError;
        private int nearTies;
        private String failure;
        private String failingCase;

        private Tally(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public int cases() {
            return cases;
        }

        /** The first failure, naming the case and placement, or null. */
        public String failure() {
            return failure;
        }

        /** The failing case in corpus format, with the reference's expectations, or null. */
        public String failingCase() {
            return failingCase;
        }
    }

    /** The tallies of one run, and its report lines. */
    public record Report(String title, String errorName, List<Tally> tallies) {
        /** One line per kernel: {@code differential cosine x86_64_v3: 10000 cases, max abs error 5.96e-08}. */
        public List<String> lines() {
            List<String> lines = new ArrayList<>();
            for (Tally t : tallies) {
                StringBuilder line = new StringBuilder(title).append(' ').append(t.name).append(": ").append(t.cases)
                        .append(" cases, ").append(errorName).append(' ')
                        .append(t.maxError == 0 ? "0" : String.format("%.3g", t.maxError));
                if (t.nearTies > 0) {
                    line.append(", ").append(t.nearTies).append(" near-tie differences");
                }
                if (t.failure != null) {
                    line.append(", FAILED: ").append(t.failure);
                }
                lines.add(line.toString());
            }
            return lines;
        }

        public void print() {
            lines().forEach(System.out::println);
        }

        public List<Tally> failures() {
            return tallies.stream().filter(t -> t.failure != null).toList();
        }

        /** Throws, listing each failure and its case ready for the corpus, if any kernel failed. */
        public void assertPassed() {
            List<Tally> failed = failures();
            if (failed.isEmpty()) {
                return;
            }
            StringBuilder message = new StringBuilder();
            for (Tally t : failed) {
                message.append(title).append(' ').append(t.name).append(" failed: ").append(t.failure)
                        .append("\nAdd the case to the corpus (").append(Corpus.directory())
                        .append("):\n").append(t.failingCase).append('\n');
            }
            throw new AssertionError(message.toString());
        }
    }

    /**
     * Runs trial {@code 0..cases-1} on every candidate, each at the placements
     * {@code placements} gives for its index.
     *
     * @param reference the kernel whose results a failing case is stored with
     */
    public static Report run(String title, String errorName, List<Candidate> candidates, KernelService reference,
            int cases, IntFunction<Trial> trials, IntFunction<List<Calls.Placement>> placements) {
        Map<Candidate, Tally> tallies = new LinkedHashMap<>();
        candidates.forEach(c -> tallies.put(c, new Tally(c.name())));
        int running = candidates.size();
        for (int i = 0; i < cases && running > 0; i++) {
            try (Trial trial = trials.apply(i)) {
                for (Candidate candidate : candidates) {
                    Tally tally = tallies.get(candidate);
                    if (tally.failure != null) {
                        continue;
                    }
                    tally.cases++;
                    for (Calls.Placement placement : placements.apply(i)) {
                        Checks.Verdict verdict;
                        try {
                            verdict = check(trial, candidate, placement);
                        } catch (RuntimeException e) {
                            verdict = Checks.Verdict.fail(tally.maxError, "threw " + e);
                        }
                        tally.maxError = Math.max(tally.maxError, Double.isNaN(verdict.error()) ? 0 : verdict.error());
                        tally.nearTies += verdict.nearTies();
                        if (verdict.failed()) {
                            tally.failure = "case " + i + " '" + trial.name() + "' (" + placement + "): "
                                    + verdict.failure();
                            tally.failingCase = trial.corpusText(reference);
                            running--;
                            break;
                        }
                    }
                }
            }
        }
        return new Report(title, errorName, List.copyOf(tallies.values()));
    }

    private static Checks.Verdict check(Trial trial, Candidate candidate, Calls.Placement placement) {
        KernelService kernel = candidate.kernel();
        return switch (placement.workspace()) {
            case LONG_LIVED -> trial.check(kernel, candidate.longLivedWorkspace(), placement);
            case POOL -> trial.check(kernel, null, placement);
            case FRESH -> {
                try (KernelWorkspace fresh = kernel.newWorkspace(FRESH)) {
                    yield trial.check(kernel, fresh, placement);
                }
            }
        };
    }
}
