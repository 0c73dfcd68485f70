package engram.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import engram.bench.Figures.Figure;
import engram.bench.JmhResults.Result;

/** The JMH JSON parser on a result file JMH 1.37 wrote (a smoke run: one fork of two iterations). */
class JmhResultsTest {
    private static String sample() throws IOException {
        try (InputStream in = JmhResultsTest.class.getResourceAsStream("jmh-sample.json")) {
            assertNotNull(in, "jmh-sample.json on the test class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsEveryResultOfTheSample() throws IOException {
        List<Result> results = JmhResults.parse(sample());
        assertEquals(21, results.size());
        Result spread = results.stream().filter(r -> r.shortName().equals("SpreadingBenchmark.spread")
                && "zig".equals(r.param("kernel"))).findFirst().orElseThrow();
        assertEquals("engram.bench.SpreadingBenchmark.spread", spread.benchmark());
        assertEquals("avgt", spread.mode());
        assertEquals("us/op", spread.unit());
        assertEquals("10000:50000", spread.param("graph"));
        assertEquals(1, spread.forks().size());
        assertEquals(2, spread.forks().getFirst().length);
        assertEquals(77.6362234322193, spread.forks().getFirst()[0], 0);
        assertEquals((77.6362234322193 + 76.76736249524534) / 2, spread.median(), 1e-12);
        // JMH writes "NaN" for the error of two iterations; the iterations' spread stands in.
        assertTrue(Double.isNaN(spread.scoreError()));
        assertEquals((77.6362234322193 - 76.76736249524534) / 2 / spread.median(), spread.relativeNoise(), 1e-12);
        Result downcall = results.stream().filter(r -> r.shortName().equals("DowncallBenchmark.abs")).findFirst()
                .orElseThrow();
        assertEquals("ns/op", downcall.unit());
        assertTrue(downcall.params().isEmpty());
    }

    @Test
    void theSampleGivesItsFigures() throws IOException {
        Map<String, Figure> figures = Figures.of(JmhResults.parse(sample()));
        Figure spread = figures.get("spreading 10000:50000 zig/java");
        assertNotNull(spread, figures.keySet().toString());
        assertTrue(spread.gated());
        assertTrue(spread.value() > 0);
        assertNotNull(figures.get("call cosine zig ns"));
        assertNotNull(figures.get("downcall abs ns"));
        assertNotNull(figures.get("bandwidth d=384 n=1000 GB/s"));
        assertNotNull(figures.get("decay n=10000 exponential zig/reference"));
        String report = Report.medians(JmhResults.parse(sample())) + Report.figures(figures) + Report.targets(figures);
        assertTrue(report.contains("spreading 10000:50000 zig/java >= 1.35"), report);
    }

    @Test
    void batchedFiguresCompareWithSingles() {
        Synthetic s = new Synthetic();
        for (String kernel : List.of("java", "zig")) {
            s.add("BatchedSimilarityBenchmark.cosineTopK", Synthetic.params("dimensions", "768", "queries", "1",
                    "rows", "100000", "kernel", kernel), "us/op", 1000, 0.01);
            s.add("BatchedSimilarityBenchmark.cosineTopK", Synthetic.params("dimensions", "768", "queries", "16",
                    "rows", "100000", "kernel", kernel), "us/op", kernel.equals("zig") ? 2000 : 4000, 0.01);
        }
        Map<String, Figure> figures = Figures.of(s.results());
        assertEquals(8.0, figures.get("batched d=768 n=100000 Q=16 zig vs 16 singles").value(), 1e-9);
        assertEquals(4.0, figures.get("batched d=768 n=100000 Q=16 java vs 16 singles").value(), 1e-9);
        assertEquals(2.0, figures.get("batched d=768 n=100000 Q=16 zig/java").value(), 1e-9);
        // 2000 us for 16 queries: 125 us a query (the made-up iterations put the median 0.25 % low).
        assertEquals(125, figures.get("batched d=768 n=100000 Q=16 zig per query").value(), 0.5);
        assertEquals("met", Targets.judge(figures).stream()
                .filter(v -> v.target().figure().equals("batched d=768 n=100000 Q=16 zig vs 16 singles"))
                .findFirst().orElseThrow().status());
    }

    @Test
    void eachGuardIsAFigure() {
        Synthetic s = new Synthetic().add("GuardBenchmark.workspace", Map.of(), "ns/op", 14, 0.02)
                .add("DowncallBenchmark.zigSpread", Synthetic.params("layout", "pages"), "ns/op", 130, 0.02);
        Map<String, Figure> figures = Figures.of(s.results());
        assertEquals(14, figures.get("guard workspace ns").value(), 0.1);
        assertEquals(130, figures.get("downcall zigSpread ns (inputs on pages of their own)").value(), 1);
    }

    @Test
    void oneIterationOfOneForkHasUnknownNoise() {
        String json = """
                [{"benchmark": "engram.bench.SpreadingBenchmark.spread", "mode": "avgt",
                  "params": {"graph": "10000:50000", "kernel": "%s"},
                  "primaryMetric": {"score": %s, "scoreError": "NaN", "scoreUnit": "us/op", "rawData": [[%s]]}}]
                """;
        List<Result> results = new java.util.ArrayList<>(JmhResults.parse(json.formatted("java", "300", "300")));
        results.addAll(JmhResults.parse(json.formatted("zig", "100", "100")));
        assertTrue(Double.isNaN(results.getFirst().relativeNoise()));
        Map<String, Figure> figures = Figures.of(results);
        Figure ratio = figures.get("spreading 10000:50000 zig/java");
        assertEquals(3.0, ratio.value(), 1e-12);
        assertTrue(Double.isNaN(ratio.noise()));
        assertTrue(Report.figures(figures).contains("3.000x        ?"), Report.figures(figures));
        // The gate judges it with the bare 5 % and says the noise is unknown.
        Map<String, Baselines.Level> baselines = Map.of("x86-64-v3", new Baselines.Level("", "", "", "",
                Map.of("spreading 10000:50000 zig/java", 3.3)));
        Gate.Outcome outcome = Gate.compare("x86-64-v3", figures, baselines, "b.json");
        assertEquals(1, outcome.exitStatus(), outcome.report());
        assertTrue(outcome.report().contains("allowed band >= 3.135") && outcome.report().contains("UNKNOWN"),
                outcome.report());
    }

    @Test
    void malformedJsonIsRefusedWithItsPlace() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JmhResults.parse("[{\"benchmark\": \"x\",\n \"primaryMetric\": {\"score\": 1,}}]"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void jsonRoundTrips() {
        Object value = Json.parse("{\"a\": [1, 2.5, \"x\\\"y\\n\\u00e9\"], \"b\": true, \"c\": null, \"d\": \"NaN\"}");
        assertEquals(value, Json.parse(Json.write(value)));
        assertEquals(value, Json.parse(Json.writePretty(value)));
        assertTrue(Double.isNaN(Json.number(Json.object(value).get("d"))));
        assertEquals("[1,2.5,\"NaN\"]", Json.write(List.of(1.0, 2.5, Double.NaN)));
    }
}
