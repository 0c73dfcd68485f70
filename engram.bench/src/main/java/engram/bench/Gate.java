package engram.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import engram.bench.Figures.Figure;

/**
 * The regression gate's comparison: each gated figure of a run (zig/java, zig/bandwidth) against
 * its baseline for the run's CPU level. A figure regresses when it falls below
 * {@code baseline * (1 - tolerance - noise)}, where {@code noise} is the run's own measured
 * relative noise of that figure (the two medians' noises combined, see {@link Figures.Figure}):
 * the gate allows the tolerance (5 %) beyond what the run itself cannot tell apart.
 */
final class Gate {
    /** The slowdown the gate allows beyond the run's noise. */
    static final double TOLERANCE = 0.05;
    /** Noise above which a figure is judged anyway but flagged: the machine was too busy to trust. */
    static final double NOISY = 0.10;

    private Gate() {
    }

    enum Status {
        /** Within the band. */
        OK,
        /** Below the band: a regression. */
        REGRESSION,
        /** Above the band: faster than the baseline (the baseline may be updated). */
        FASTER,
        /** The run measured it; the baseline has no value for it. */
        NO_BASELINE,
        /** The baseline has it; the run did not measure it (a benchmark that failed or was left out). */
        NOT_MEASURED
    }

    record Line(String figure, double baseline, double measured, double noise, double lowerBound, Status status) {
        String describe() {
            return switch (status) {
                case NO_BASELINE -> String.format(Locale.ROOT, "%-13s %s: measured %.3f, no baseline for it (skipped)",
                        status, figure, measured);
                case NOT_MEASURED -> String.format(Locale.ROOT,
                        "%-13s %s: baseline %.3f, but this run did not measure it", status, figure, baseline);
                default -> String.format(Locale.ROOT,
                        "%-13s %s: baseline %.3f, measured %.3f (%+.1f %%); allowed band >= %.3f"
                                + " (%.0f %% + measured noise %.1f %%)%s",
                        status, figure, baseline, measured, 100 * (measured / baseline - 1), lowerBound,
                        100 * TOLERANCE, Double.isNaN(noise) ? 0 : 100 * noise,
                        Double.isNaN(noise) ? "; noise UNKNOWN: one iteration of one fork"
                                : noise > NOISY ? "; NOISY: rerun on a quieter machine" : "");
            };
        }
    }

    /**
     * What the gate found: the lines, or the reason it could not judge (no baselines for the level).
     * Exit status 0 passed, 1 a regression (or a baselined figure not measured), 2 nothing to compare with.
     */
    record Outcome(String level, String baselinesFile, List<Line> lines, String problem) {
        boolean passed() {
            return problem == null && lines.stream().noneMatch(l -> l.status() == Status.REGRESSION
                    || l.status() == Status.NOT_MEASURED);
        }

        int exitStatus() {
            return problem != null ? 2 : passed() ? 0 : 1;
        }

        String report() {
            StringBuilder out = new StringBuilder();
            if (problem != null) {
                return out.append("regression gate: cannot judge: ").append(problem).append('\n').toString();
            }
            out.append("regression gate, level ").append(level).append(", baselines ").append(baselinesFile)
                    .append('\n');
            for (Line line : lines) {
                out.append("  ").append(line.describe()).append('\n');
            }
            long regressions = lines.stream().filter(l -> l.status() == Status.REGRESSION).count();
            long missing = lines.stream().filter(l -> l.status() == Status.NOT_MEASURED).count();
            out.append(passed() ? "regression gate: PASSED" : "regression gate: FAILED (" + regressions
                    + " regressed, " + missing + " not measured)").append('\n');
            return out.toString();
        }
    }

    static Outcome compare(String level, Map<String, Figure> measured, Map<String, Baselines.Level> baselines,
            String baselinesFile) {
        Baselines.Level baseline = baselines.get(level);
        if (baseline == null || baseline.figures().isEmpty()) {
            return new Outcome(level, baselinesFile, List.of(), "no baselines for CPU level " + level + " in "
                    + baselinesFile + " (levels there: " + (baselines.isEmpty() ? "none" : baselines.keySet())
                    + "). Record them on a quiet machine: UPDATE_BASELINES=1 engram.bench/regression");
        }
        List<Line> lines = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(baseline.figures().keySet());
        measured.values().stream().filter(Figure::gated).forEach(f -> names.add(f.name()));
        for (String name : names) {
            Double base = baseline.figures().get(name);
            Figure figure = measured.get(name);
            if (figure == null || !Double.isFinite(figure.value())) {
                lines.add(new Line(name, base == null ? Double.NaN : base, Double.NaN, Double.NaN, Double.NaN,
                        Status.NOT_MEASURED));
                continue;
            }
            if (base == null || !Double.isFinite(base)) {
                lines.add(new Line(name, Double.NaN, figure.value(), figure.noise(), Double.NaN, Status.NO_BASELINE));
                continue;
            }
            // Unknown noise (one iteration of one fork) counts as none: the narrowest band.
            double band = TOLERANCE + (Double.isNaN(figure.noise()) ? 0 : figure.noise());
            double lower = base * (1 - band);
            double upper = base * (1 + band);
            Status status = figure.value() < lower ? Status.REGRESSION
                    : figure.value() > upper ? Status.FASTER : Status.OK;
            lines.add(new Line(name, base, figure.value(), figure.noise(), lower, status));
        }
        return new Outcome(level, baselinesFile, lines, null);
    }
}
