package engram.bench;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

import engram.bench.Figures.Figure;
import engram.bench.JmhResults.Result;

/**
 * {@code engram.bench/run}: runs the JMH suite (any JMH command-line options pass through, e.g. a
 * benchmark regex and {@code -p kernel=java,zig}), reads JMH's JSON result file back, and prints
 * the machine (CPU, CPU level, Vector API width, JDK, Zig), the median of each benchmark and
 * kernel, the figures (zig/java, zig/reference, zig/lucene, zig's fraction of the measured read
 * bandwidth, batched Q = 16 against 16 single calls, the smallest calls in ns) and the issue 7
 * targets, met or not; then appends the run to the history.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException, IOException {
        CommandLineOptions commandLine = new CommandLineOptions(args);
        if (commandLine.shouldHelp() || commandLine.shouldList() || commandLine.shouldListWithParams()
                || commandLine.shouldListProfilers() || commandLine.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        Machine machine = Machine.probe();
        System.out.println(machine.describe());
        List<Result> results = Suite.runJmh(commandLine, Suite.options(commandLine));
        Map<String, Figure> figures = Suite.report(machine, results);
        Suite.appendHistory("run", args, machine, figures);
    }
}
