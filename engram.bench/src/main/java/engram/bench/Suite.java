package engram.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import engram.bench.Figures.Figure;
import engram.bench.JmhResults.Result;

/** What the run and regression commands share: the files, running JMH to a JSON file, the history. */
final class Suite {
    private Suite() {
    }

    /** The module's folder: {@code engram.bench.dir}, which the scripts set, else {@code engram.bench}. */
    static Path moduleDir() {
        return Path.of(System.getProperty("engram.bench.dir", "engram.bench"));
    }

    static Path historyFile() {
        return Path.of(System.getProperty("engram.bench.history", moduleDir().resolve("history.jsonl").toString()));
    }

    static Path baselinesFile() {
        return Path.of(System.getProperty("engram.bench.baselines", moduleDir().resolve("baselines.json").toString()));
    }

    /**
     * Runs JMH with {@code options} and returns the results as read back from its JSON result
     * file: the command line's {@code -rff} if it gave one, else {@code target/jmh-result.json}.
     */
    static List<Result> runJmh(CommandLineOptions commandLine, ChainedOptionsBuilder options)
            throws RunnerException, IOException {
        Path file = commandLine.getResult().hasValue() ? Path.of(commandLine.getResult().get())
                : moduleDir().resolve("target").resolve("jmh-result.json");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        new Runner(options.resultFormat(ResultFormatType.JSON).result(file.toString()).build()).run();
        if (!Files.exists(file)) {
            throw new IOException("JMH wrote no result file " + file + " (did every benchmark fail?)");
        }
        System.out.println("bench: JMH results in " + file);
        return JmhResults.read(file);
    }

    static ChainedOptionsBuilder options(CommandLineOptions commandLine) {
        return new OptionsBuilder().parent(commandLine);
    }

    /** Prints the medians, the figures and the targets. */
    static Map<String, Figure> report(Machine machine, List<Result> results) {
        Map<String, Figure> figures = Figures.of(results);
        System.out.println();
        System.out.println(machine.describe());
        System.out.println();
        System.out.print(Report.medians(results));
        System.out.println();
        System.out.print(Report.figures(figures));
        System.out.println();
        System.out.print(Report.targets(figures));
        return figures;
    }

    static void appendHistory(String kind, String[] args, Machine machine, Map<String, Figure> figures)
            throws IOException {
        Path file = historyFile();
        History.append(file, History.Entry.of(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), kind,
                String.join(" ", args), machine, figures));
        System.out.println("bench: appended this run to " + file);
    }
}
