package engram.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JMH result files made up for the tests, in JMH's own JSON layout: each benchmark with three
 * forks of four iterations spread evenly by {@code noise} (relative) around its time.
 */
final class Synthetic {
    private final List<Map<String, Object>> runs = new ArrayList<>();

    Synthetic add(String benchmark, Map<String, String> params, String unit, double time, double noise) {
        List<Object> forks = new ArrayList<>();
        List<Double> all = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            List<Object> iterations = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // Deterministic offsets in [-noise, +noise].
                double offset = noise * ((f * 4 + i) % 5 - 2) / 2.0;
                double value = time * (1 + offset);
                iterations.add(value);
                all.add(value);
            }
            forks.add(iterations);
        }
        double mean = all.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("score", mean);
        metric.put("scoreError", mean * noise / 2);
        metric.put("scoreUnit", unit);
        metric.put("rawData", forks);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("jmhVersion", "1.37");
        run.put("benchmark", "engram.bench." + benchmark);
        run.put("mode", "avgt");
        run.put("forks", 3);
        run.put("params", new LinkedHashMap<>(params));
        run.put("primaryMetric", metric);
        runs.add(run);
        return this;
    }

    /** Similarity top-10 at d = 768 for java and zig, and the bandwidth over the same bytes. */
    Synthetic similarity(int rows, double javaMicros, double zigMicros, double bandwidthMicros, double noise) {
        add("SimilarityBenchmark.cosineTopK", params("dimensions", "768", "rows", "" + rows, "kernel", "java"), "us/op",
                javaMicros, noise);
        add("SimilarityBenchmark.cosineTopK", params("dimensions", "768", "rows", "" + rows, "kernel", "zig"), "us/op",
                zigMicros, noise);
        add("BandwidthBenchmark.sum", params("dimensions", "768", "rows", "" + rows), "us/op", bandwidthMicros, noise);
        return this;
    }

    Synthetic spreading(double javaMicros, double zigMicros, double noise) {
        add("SpreadingBenchmark.spread", params("graph", "10000:50000", "kernel", "java"), "us/op", javaMicros, noise);
        add("SpreadingBenchmark.spread", params("graph", "10000:50000", "kernel", "zig"), "us/op", zigMicros, noise);
        return this;
    }

    static Map<String, String> params(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    String json() {
        return Json.writePretty(runs);
    }

    List<JmhResults.Result> results() {
        return JmhResults.parse(json());
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
