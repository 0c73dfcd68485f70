package engram.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.TimeValue;

import engram.bench.Figures.Figure;
import engram.bench.JmhResults.Result;

/**
 * {@code engram.bench/regression}: the regression gate. Runs a fixed subset of the suite (java
 * and zig only; about 7 minutes with the defaults: 3 forks, 2 warm-up and 4 measured iterations
 * of 1 s) and compares each zig/java ratio and zig fraction of bandwidth with
 * {@code baselines.json} for this CPU level ({@link Gate}). Exit status 0 passed, 1 a regression,
 * 2 no baselines for this level. With {@code UPDATE_BASELINES=1} it writes this run's figures as
 * the level's baselines instead. JMH options on the command line (forks, iterations, times) take
 * the place of the defaults; the subset itself is fixed, so that runs compare.
 *
 * <p>The subset: similarity top-10 at d = 768, n = 10,000 and 100,000 with the read bandwidth over
 * the same bytes; spreading on 10,000 nodes / 50,000 edges; decay of 1,000,000 memories by every
 * curve.
 */
public final class Regression {
    static final String INCLUDES = "^engram\\.bench\\.(SimilarityBenchmark|BandwidthBenchmark|SpreadingBenchmark"
            + "|DecayBenchmark)\\.";

    private Regression() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException, IOException {
        CommandLineOptions commandLine = new CommandLineOptions(args);
        Machine machine = Machine.probe();
        System.out.println(machine.describe());
        boolean update = "1".equals(System.getenv("UPDATE_BASELINES"));
        List<Result> results = Suite.runJmh(commandLine, subset(commandLine));
        Map<String, Figure> figures = Suite.report(machine, results);
        System.out.println();
        Path file = Suite.baselinesFile();
        Map<String, Baselines.Level> baselines = Baselines.read(file);
        int status;
        if (update && figures.values().stream().noneMatch(Figure::gated)) {
            System.out.println("regression gate: this run measured no zig/java or zig/bandwidth figure (level "
                    + machine.level() + ", zig kernel: " + machine.zigKernel() + "); no baselines written");
            status = 2;
        } else if (update) {
            Map<String, Baselines.Level> updated = withLevel(baselines, machine, figures, String.join(" ", args));
            Baselines.write(file, updated);
            System.out.println("regression gate: wrote " + updated.get(machine.level()).figures().size()
                    + " baselines for level " + machine.level() + " to " + file);
            status = 0;
        } else {
            Gate.Outcome outcome = Gate.compare(machine.level(), figures, baselines, file.toString());
            System.out.print(outcome.report());
            status = outcome.exitStatus();
        }
        Suite.appendHistory(update ? "regression-update" : "regression", args, machine, figures);
        System.exit(status);
    }

    /** The fixed subset, with the defaults where the command line sets nothing. */
    static ChainedOptionsBuilder subset(CommandLineOptions commandLine) {
        ChainedOptionsBuilder options = Suite.options(commandLine).include(INCLUDES)
                .param("kernel", "java", "zig")
                .param("dimensions", "768")
                .param("rows", "10000", "100000")
                .param("graph", "10000:50000")
                .param("memories", "1000000");
        if (!commandLine.getForkCount().hasValue()) {
            options.forks(3);
        }
        if (!commandLine.getWarmupIterations().hasValue()) {
            options.warmupIterations(2);
        }
        if (!commandLine.getWarmupTime().hasValue()) {
            options.warmupTime(TimeValue.seconds(1));
        }
        if (!commandLine.getMeasurementIterations().hasValue()) {
            options.measurementIterations(4);
        }
        if (!commandLine.getMeasurementTime().hasValue()) {
            options.measurementTime(TimeValue.seconds(1));
        }
        return options;
    }

    /** {@code baselines} with this run's gated figures as the level's baselines. */
    static Map<String, Baselines.Level> withLevel(Map<String, Baselines.Level> baselines, Machine machine,
            Map<String, Figure> figures, String args) {
        Map<String, Double> gated = new TreeMap<>();
        figures.values().stream().filter(Figure::gated).forEach(f -> gated.put(f.name(), f.value()));
        Map<String, Baselines.Level> updated = new TreeMap<>(baselines);
        updated.put(machine.level(), new Baselines.Level(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                machine.commit(), machine.cpu(), "UPDATE_BASELINES=1 engram.bench/regression " + args, gated));
        return updated;
    }
}
