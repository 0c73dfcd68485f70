package engram.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import engram.bench.Figures.Figure;

/** The gate's comparison on made-up JMH results: no timing is measured here. */
class GateTest {
    private static final String LEVEL = "x86-64-v3";
    private static final double NOISE = 0.01;

    /** java 100 us, zig 50 us (2x), bandwidth 45 us (zig at 90 % of it); spreading java 300, zig 100 (3x). */
    private static Map<String, Figure> baselineRun() {
        return Figures.of(new Synthetic().similarity(100_000, 100, 50, 45, NOISE).spreading(300, 100, NOISE).results());
    }

    private static Map<String, Baselines.Level> baselines() {
        return Regression.withLevel(Map.of(), machine(), baselineRun(), "");
    }

    private static Machine machine() {
        return new Machine("Test CPU", LEVEL, "zig", "java", 256, "25", "0.13.0", "abc123", "32M");
    }

    @Test
    void theBaselineRunHoldsTheGatedFigures() {
        Map<String, Figure> figures = baselineRun();
        assertEquals(2.0, figures.get("similarity d=768 n=100000 zig/java").value(), 1e-9);
        assertEquals(0.9, figures.get("similarity d=768 n=100000 zig/bandwidth").value(), 1e-9);
        assertEquals(3.0, figures.get("spreading 10000:50000 zig/java").value(), 1e-9);
        assertTrue(figures.get("similarity d=768 n=100000 zig/java").gated());
        assertFalse(figures.get("similarity d=768 n=100000 java/bandwidth").gated());
        assertEquals(3, baselines().get(LEVEL).figures().size());
    }

    @Test
    void aPlantedTenPercentSlowdownOfZigFails() {
        // zig 10 % slower than at the baseline: 55 us, with the same small noise.
        Map<String, Figure> run = Figures.of(new Synthetic().similarity(100_000, 100, 55, 45, NOISE)
                .spreading(300, 100, NOISE).results());
        Gate.Outcome outcome = Gate.compare(LEVEL, run, baselines(), "baselines.json");
        String report = outcome.report();
        assertFalse(outcome.passed(), report);
        assertEquals(1, outcome.exitStatus(), report);
        Gate.Line line = line(outcome, "similarity d=768 n=100000 zig/java");
        assertEquals(Gate.Status.REGRESSION, line.status(), report);
        assertEquals(Gate.Status.REGRESSION, line(outcome, "similarity d=768 n=100000 zig/bandwidth").status(), report);
        assertEquals(Gate.Status.OK, line(outcome, "spreading 10000:50000 zig/java").status(), report);
        // The message names the benchmark, the baseline and measured ratios and the band.
        assertTrue(report.contains("REGRESSION    similarity d=768 n=100000 zig/java: baseline 2.000, measured 1.818"),
                report);
        assertTrue(report.contains("allowed band >= "), report);
        assertTrue(report.contains("regression gate: FAILED (2 regressed, 0 not measured)"), report);
        // The band: 5 % plus the measured noise, small here.
        assertTrue(line.noise() < 0.03, report);
        assertEquals(2.0 * (1 - Gate.TOLERANCE - line.noise()), line.lowerBound(), 1e-12);
    }

    @Test
    void aSlowdownWithinTheNoisePasses() {
        // zig 2 % slower: inside 5 % plus noise.
        Map<String, Figure> run = Figures.of(new Synthetic().similarity(100_000, 100, 51, 45, NOISE)
                .spreading(300, 102, NOISE).results());
        Gate.Outcome outcome = Gate.compare(LEVEL, run, baselines(), "baselines.json");
        assertTrue(outcome.passed(), outcome.report());
        assertEquals(0, outcome.exitStatus());
        assertTrue(outcome.report().contains("regression gate: PASSED"), outcome.report());
    }

    @Test
    void aTenPercentSlowdownInsideLargeNoisePassesButIsFlagged() {
        // 10 % slower, but the run's own noise is 8 % a median: it cannot tell.
        Map<String, Figure> run = Figures.of(new Synthetic().similarity(100_000, 100, 55, 45, 0.16)
                .spreading(300, 100, 0.16).results());
        Gate.Outcome outcome = Gate.compare(LEVEL, run, baselines(), "baselines.json");
        assertTrue(outcome.passed(), outcome.report());
        assertTrue(outcome.report().contains("NOISY"), outcome.report());
    }

    @Test
    void aFasterRunPassesAndSaysSo() {
        Map<String, Figure> run = Figures.of(new Synthetic().similarity(100_000, 100, 40, 45, NOISE)
                .spreading(300, 100, NOISE).results());
        Gate.Outcome outcome = Gate.compare(LEVEL, run, baselines(), "baselines.json");
        assertTrue(outcome.passed(), outcome.report());
        assertEquals(Gate.Status.FASTER, line(outcome, "similarity d=768 n=100000 zig/java").status());
    }

    @Test
    void missingBaselinesGiveAClearMessageAndStatusTwo() {
        Gate.Outcome none = Gate.compare(LEVEL, baselineRun(), Map.of(), "engram.bench/baselines.json");
        assertFalse(none.passed());
        assertEquals(2, none.exitStatus());
        assertTrue(none.report().contains("no baselines for CPU level x86-64-v3 in engram.bench/baselines.json"
                + " (levels there: none)"), none.report());
        assertTrue(none.report().contains("UPDATE_BASELINES=1 engram.bench/regression"), none.report());

        Gate.Outcome otherLevel = Gate.compare("aarch64", baselineRun(), baselines(), "b.json");
        assertEquals(2, otherLevel.exitStatus());
        assertTrue(otherLevel.report().contains("levels there: [x86-64-v3]"), otherLevel.report());
    }

    @Test
    void aBaselinedFigureTheRunDidNotMeasureFails() {
        Map<String, Figure> run = Figures.of(new Synthetic().similarity(100_000, 100, 50, 45, NOISE).results());
        Gate.Outcome outcome = Gate.compare(LEVEL, run, baselines(), "b.json");
        assertEquals(1, outcome.exitStatus(), outcome.report());
        assertEquals(Gate.Status.NOT_MEASURED, line(outcome, "spreading 10000:50000 zig/java").status());
        assertTrue(outcome.report().contains("this run did not measure it"), outcome.report());
    }

    @Test
    void aNewFigureWithoutBaselineIsSkipped() {
        Map<String, Figure> run = Figures.of(new Synthetic().similarity(100_000, 100, 50, 45, NOISE)
                .similarity(10_000, 10, 5, 4, NOISE).spreading(300, 100, NOISE).results());
        Gate.Outcome outcome = Gate.compare(LEVEL, run, baselines(), "b.json");
        assertTrue(outcome.passed(), outcome.report());
        assertEquals(Gate.Status.NO_BASELINE, line(outcome, "similarity d=768 n=10000 zig/java").status());
    }

    @Test
    void baselinesSurviveAWriteAndARead(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("baselines.json");
        Baselines.write(file, baselines());
        Map<String, Baselines.Level> read = Baselines.read(file);
        assertEquals(baselines().get(LEVEL).figures(), read.get(LEVEL).figures());
        assertEquals("abc123", read.get(LEVEL).commit());
        assertTrue(Baselines.read(folder.resolve("absent.json")).isEmpty());
        Gate.Outcome outcome = Gate.compare(LEVEL, baselineRun(), read, file.toString());
        assertTrue(outcome.passed(), outcome.report());
    }

    private static Gate.Line line(Gate.Outcome outcome, String figure) {
        return outcome.lines().stream().filter(l -> l.figure().equals(figure)).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + figure + " in\n" + outcome.report()));
    }
}
