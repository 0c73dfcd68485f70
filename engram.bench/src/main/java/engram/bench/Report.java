package engram.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import engram.bench.Figures.Figure;
import engram.bench.JmhResults.Result;

/** The tables the run and regression commands print. */
final class Report {
    private static final List<String> KERNEL_ORDER = List.of("reference", "java", "zig", "lucene", "-");

    private Report() {
    }

    /** The median of each benchmark and kernel, with its relative noise. */
    static String medians(List<Result> results) {
        Map<String, Map<String, Result>> byCase = new TreeMap<>();
        TreeSet<String> kernels = new TreeSet<>(Comparator.comparingInt(Report::rank).thenComparing(Comparator.naturalOrder()));
        for (Result r : results) {
            byCase.computeIfAbsent(Figures.caseKey(r), k -> new TreeMap<>()).put(Figures.kernelOf(r), r);
            kernels.add(Figures.kernelOf(r));
        }
        int width = Math.max(30, byCase.keySet().stream().mapToInt(String::length).max().orElse(0));
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-" + width + "s", "median (± noise), per call"));
        for (String k : kernels) {
            out.append(String.format(Locale.ROOT, " %20s", k.equals("-") ? "(no kernel)" : k));
        }
        out.append('\n');
        byCase.forEach((name, byKernel) -> {
            out.append(String.format(Locale.ROOT, "%-" + width + "s", name));
            for (String k : kernels) {
                Result r = byKernel.get(k);
                out.append(String.format(Locale.ROOT, " %20s", r == null ? "-"
                        : String.format(Locale.ROOT, "%.3f %s ±%s", r.median(), r.unit().replace("/op", ""),
                                percent(r.relativeNoise()))));
            }
            out.append('\n');
        });
        return out.toString();
    }

    /** Every figure: ratios, fractions of bandwidth, the batched gain, the smallest calls. */
    static String figures(Map<String, Figure> figures) {
        int width = Math.max(30, figures.keySet().stream().mapToInt(String::length).max().orElse(0));
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-" + width + "s %12s %8s  %s%n", "figure", "value", "noise", "gated"));
        for (Figure f : figures.values()) {
            out.append(String.format(Locale.ROOT, "%-" + width + "s %12s %8s  %s%n", f.name(), value(f),
                    percent(f.noise()), f.gated() ? "yes" : ""));
        }
        return out.toString();
    }

    /** The issue 7 targets: met, not met, or not measured. */
    static String targets(Map<String, Figure> figures) {
        List<Targets.Verdict> verdicts = Targets.judge(figures);
        int width = verdicts.stream().mapToInt(v -> v.target().describe().length()).max().orElse(30);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-" + width + "s %12s  %s%n", "issue 7 target", "measured", "status"));
        List<String> notMet = new ArrayList<>();
        for (Targets.Verdict v : verdicts) {
            out.append(String.format(Locale.ROOT, "%-" + width + "s %12s  %s%n", v.target().describe(),
                    v.measured() == null ? "-" : value(v.measured()), v.status()));
            if (v.status().equals("not met")) {
                notMet.add(v.target().figure());
            }
        }
        long met = verdicts.stream().filter(v -> v.status().equals("met")).count();
        long measured = verdicts.stream().filter(v -> !v.status().equals("not measured")).count();
        out.append(String.format(Locale.ROOT, "%d of %d measured targets met (%d not measured)%n", met, measured,
                verdicts.size() - measured));
        return out.toString();
    }

    private static String value(Figure f) {
        return switch (f.unit()) {
            case TIMES -> String.format(Locale.ROOT, "%.3fx", f.value());
            case FRACTION -> String.format(Locale.ROOT, "%.1f %%", 100 * f.value());
            case NANOSECONDS -> String.format(Locale.ROOT, "%.1f ns", f.value());
            case MICROSECONDS -> String.format(Locale.ROOT, "%.2f us", f.value());
            case GIGABYTES_PER_SECOND -> String.format(Locale.ROOT, "%.2f GB/s", f.value());
        };
    }

    /** A relative noise in per cent; {@code ?} when unknown (one iteration of one fork). */
    static String percent(double noise) {
        return Double.isNaN(noise) ? "?" : String.format(Locale.ROOT, "%.1f%%", 100 * noise);
    }

    private static int rank(String kernel) {
        int i = KERNEL_ORDER.indexOf(kernel);
        return i < 0 ? KERNEL_ORDER.size() : i;
    }
}
