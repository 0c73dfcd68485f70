package engram.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fields the report and the gate use from a JMH result file ({@code -rf json}). */
final class JmhResults {
    private JmhResults() {
    }

    /**
     * One benchmark at one set of parameters: its primary score, JMH's error (the half-width of
     * the 99.9 % confidence interval; NaN with a single iteration) and each fork's iteration scores.
     */
    record Result(String benchmark, String mode, String unit, Map<String, String> params, double score,
            double scoreError, List<double[]> forks) {
        Result {
            params = Map.copyOf(params);
            forks = List.copyOf(forks);
        }

        /** The class's simple name and the method, {@code SimilarityBenchmark.cosineTopK}. */
        String shortName() {
            String[] parts = benchmark.split("\\.");
            return parts.length < 2 ? benchmark : parts[parts.length - 2] + "." + parts[parts.length - 1];
        }

        String param(String name) {
            return params.get(name);
        }

        /** The median of every measured iteration of every fork. */
        double median() {
            return Stats.median(forks.stream().flatMapToDouble(Arrays::stream).toArray());
        }

        /**
         * How far this median may be off, relative to it: the larger of JMH's error over the score
         * and half the spread of the forks' own medians (of the iterations, with one fork) over the
         * median; NaN when neither is known (one fork of one iteration).
         */
        double relativeNoise() {
            double median = median();
            double jmh = Double.isFinite(scoreError) && score != 0 ? Math.abs(scoreError / score) : 0;
            // Several forks: half the spread of their medians; one fork: of its iterations.
            double[] spread = forks.size() > 1 ? forks.stream().mapToDouble(Stats::median).toArray()
                    : forks.isEmpty() ? new double[0] : forks.getFirst();
            if (spread.length < 2 && jmh == 0) {
                return Double.NaN;
            }
            double halfRange = spread.length < 2 ? 0
                    : (Arrays.stream(spread).max().orElseThrow() - Arrays.stream(spread).min().orElseThrow()) / 2;
            return Math.max(jmh, median == 0 ? 0 : halfRange / Math.abs(median));
        }
    }

    static List<Result> read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    static List<Result> parse(String json) {
        List<Result> results = new ArrayList<>();
        for (Object entry : Json.array(Json.parse(json))) {
            Map<String, Object> run = Json.object(entry);
            Map<String, Object> metric = Json.object(run.get("primaryMetric"));
            Map<String, String> params = new LinkedHashMap<>();
            if (run.get("params") != null) {
                Json.object(run.get("params")).forEach((k, v) -> params.put(k, String.valueOf(v)));
            }
            List<double[]> forks = new ArrayList<>();
            for (Object fork : Json.array(metric.get("rawData"))) {
                forks.add(Json.array(fork).stream().mapToDouble(Json::number).toArray());
            }
            results.add(new Result((String) run.get("benchmark"), (String) run.get("mode"),
                    (String) metric.get("scoreUnit"), params, Json.number(metric.get("score")),
                    Json.number(metric.get("scoreError")), forks));
        }
        return results;
    }
}
