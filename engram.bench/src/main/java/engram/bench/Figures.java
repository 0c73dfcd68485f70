package engram.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import engram.bench.JmhResults.Result;

/**
 * The figures a run is judged by, computed from its JMH results: ratios between kernels in the
 * same run (higher is better: {@code zig/java} is java's time over zig's, how many times faster
 * zig is), fractions of the measured read bandwidth, and the smallest calls' times.
 */
final class Figures {
    private Figures() {
    }

    /** What a figure counts in. */
    enum Unit {
        /** A ratio of times, higher is better. */
        TIMES("x", true),
        /** A fraction of the measured read bandwidth, higher is better. */
        FRACTION("of bw", true),
        /** Nanoseconds a call, lower is better. */
        NANOSECONDS("ns", false),
        /** Microseconds a query, lower is better. */
        MICROSECONDS("us", false),
        /** Gigabytes a second, higher is better. */
        GIGABYTES_PER_SECOND("GB/s", true);

        final String symbol;
        final boolean higherIsBetter;

        Unit(String symbol, boolean higherIsBetter) {
            this.symbol = symbol;
            this.higherIsBetter = higherIsBetter;
        }
    }

    /**
     * One figure: its value, its relative noise (for a ratio, the two medians' noises combined:
     * the root of the sum of their squares) and whether the regression gate compares it with a
     * baseline (the zig/java ratios and the zig fractions of bandwidth).
     */
    record Figure(String name, double value, double noise, Unit unit, boolean gated) {
    }

    /** Every figure the results allow, by name, in a stable order. */
    static Map<String, Figure> of(List<Result> results) {
        Map<String, Map<String, Result>> byCase = new TreeMap<>();
        for (Result r : results) {
            byCase.computeIfAbsent(caseKey(r), k -> new TreeMap<>()).put(kernelOf(r), r);
        }
        List<Figure> figures = new ArrayList<>();
        for (Map.Entry<String, Map<String, Result>> entry : byCase.entrySet()) {
            Map<String, Result> kernels = entry.getValue();
            Result any = kernels.values().iterator().next();
            switch (any.shortName()) {
                case "SimilarityBenchmark.cosineTopK" -> {
                    String label = "similarity d=" + any.param("dimensions") + " n=" + any.param("rows");
                    ratios(figures, label, kernels, List.of("java", "reference", "lucene"));
                    Result bandwidth = byCase.getOrDefault(bandwidthKey(any), Map.of()).get("-");
                    if (bandwidth != null) {
                        for (String k : List.of("zig", "java", "lucene")) {
                            Result kernel = kernels.get(k);
                            if (kernel != null) {
                                figures.add(new Figure(label + " " + k + "/bandwidth",
                                        nanos(bandwidth) / nanos(kernel), combined(bandwidth, kernel), Unit.FRACTION,
                                        k.equals("zig")));
                            }
                        }
                    }
                }
                case "BatchedSimilarityBenchmark.cosineTopK" -> {
                    int q = Integer.parseInt(any.param("queries"));
                    String label = "batched d=" + any.param("dimensions") + " n=" + any.param("rows") + " Q=" + q;
                    ratios(figures, label, kernels, List.of("java", "reference"));
                    Map<String, Result> singles = byCase.get(entry.getKey().replace("queries=" + q, "queries=1"));
                    for (Map.Entry<String, Result> k : kernels.entrySet()) {
                        Result batch = k.getValue();
                        figures.add(new Figure(label + " " + k.getKey() + " per query", nanos(batch) / q / 1_000,
                                batch.relativeNoise(), Unit.MICROSECONDS, false));
                        Result single = singles == null ? null : singles.get(k.getKey());
                        if (q > 1 && single != null) {
                            figures.add(new Figure(label + " " + k.getKey() + " vs " + q + " singles",
                                    q * nanos(single) / nanos(batch), combined(single, batch), Unit.TIMES, false));
                        }
                    }
                }
                case "SpreadingBenchmark.spread" -> ratios(figures, "spreading " + any.param("graph"), kernels,
                        List.of("java", "reference"));
                case "DecayBenchmark.decay" -> ratios(figures,
                        "decay n=" + any.param("memories") + " " + any.param("curve"), kernels,
                        List.of("java", "reference"));
                case "BandwidthBenchmark.sum" -> {
                    long bytes = 4L * Long.parseLong(any.param("dimensions")) * Long.parseLong(any.param("rows"));
                    figures.add(new Figure("bandwidth d=" + any.param("dimensions") + " n=" + any.param("rows")
                            + " GB/s", bytes / nanos(any), any.relativeNoise(), Unit.GIGABYTES_PER_SECOND, false));
                }
                default -> {
                    if (any.shortName().startsWith("DowncallBenchmark.")) {
                        // Direct Zig calls' inputs side by side are the default; on pages of their own, named.
                        String layout = "pages".equals(any.param("layout")) ? " (inputs on pages of their own)" : "";
                        figures.add(new Figure("downcall " + any.shortName().substring("DowncallBenchmark.".length())
                                + " ns" + layout, nanos(any), any.relativeNoise(), Unit.NANOSECONDS, false));
                    } else if (any.shortName().startsWith("GuardBenchmark.")) {
                        figures.add(new Figure("guard " + any.shortName().substring("GuardBenchmark.".length())
                                + " ns", nanos(any), any.relativeNoise(), Unit.NANOSECONDS, false));
                    } else if (any.shortName().startsWith("CallOverheadBenchmark.")) {
                        String call = any.shortName().substring("CallOverheadBenchmark.".length());
                        // The call on a confined arena is the smallest call; a shared one is named.
                        String memory = "shared".equals(any.param("memory")) ? " (shared arena)" : "";
                        for (Map.Entry<String, Result> k : kernels.entrySet()) {
                            figures.add(new Figure("call " + call + " " + k.getKey() + " ns" + memory,
                                    nanos(k.getValue()),
                                    k.getValue().relativeNoise(), Unit.NANOSECONDS, false));
                        }
                    }
                }
            }
        }
        Map<String, Figure> byName = new LinkedHashMap<>();
        for (Figure f : figures) {
            byName.put(f.name(), f);
        }
        return byName;
    }

    /** zig against each of {@code others} that the case holds; zig/java is gated. */
    private static void ratios(List<Figure> figures, String label, Map<String, Result> kernels, List<String> others) {
        Result zig = kernels.get("zig");
        if (zig == null) {
            return;
        }
        for (String other : others) {
            Result o = kernels.get(other);
            if (o != null) {
                figures.add(new Figure(label + " zig/" + other, nanos(o) / nanos(zig), combined(o, zig), Unit.TIMES,
                        other.equals("java")));
            }
        }
    }

    static double combined(Result a, Result b) {
        return Math.hypot(a.relativeNoise(), b.relativeNoise());
    }

    /** The benchmark and its parameters but the kernel: what kernels are compared over. */
    static String caseKey(Result r) {
        StringBuilder key = new StringBuilder(r.shortName());
        new TreeMap<>(r.params()).forEach((k, v) -> {
            if (!k.equals("kernel")) {
                key.append(' ').append(k).append('=').append(v);
            }
        });
        return key.toString();
    }

    private static String bandwidthKey(Result similarity) {
        return "BandwidthBenchmark.sum dimensions=" + similarity.param("dimensions") + " rows=" + similarity.param("rows");
    }

    static String kernelOf(Result r) {
        String kernel = r.param("kernel");
        return kernel == null ? "-" : kernel;
    }

    /** The median in nanoseconds an operation. */
    static double nanos(Result r) {
        double scale = switch (r.unit()) {
            case "ns/op" -> 1;
            case "us/op" -> 1e3;
            case "ms/op" -> 1e6;
            case "s/op" -> 1e9;
            default -> throw new IllegalArgumentException(r.benchmark() + " is in " + r.unit()
                    + "; the report reads average times (ns/op, us/op, ms/op, s/op)");
        };
        return r.median() * scale;
    }
}
