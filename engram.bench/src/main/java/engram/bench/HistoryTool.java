package engram.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code engram.bench/history}: prints the history as a table (one row a figure, one column a
 * run) and writes it as a self-contained SVG chart.
 * <pre>
 * engram.bench/history [--runs N] [--filter TEXT] [--all] [--chart FILE] [--file HISTORY]
 * </pre>
 * {@code --runs} the last N runs in the table (default 8; the chart shows all), {@code --filter}
 * the figures whose name contains TEXT, {@code --all} every figure in the chart (default: the
 * gated ones and those with a target), {@code --chart} where the SVG goes (default
 * {@code engram.bench/target/history.svg}), {@code --file} another history file.
 */
public final class HistoryTool {
    private HistoryTool() {
    }

    public static void main(String[] args) throws IOException {
        int runs = 8;
        String filter = "";
        boolean all = false;
        Path chart = Suite.moduleDir().resolve("target").resolve("history.svg");
        Path file = Suite.historyFile();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(value(args, ++i));
                case "--filter" -> filter = value(args, ++i);
                case "--all" -> all = true;
                case "--chart" -> chart = Path.of(value(args, ++i));
                case "--file" -> file = Path.of(value(args, ++i));
                default -> {
                    System.err.println("history: unknown argument " + args[i]
                            + "; usage: history [--runs N] [--filter TEXT] [--all] [--chart FILE] [--file HISTORY]");
                    System.exit(2);
                }
            }
        }
        List<History.Entry> entries = History.read(file);
        System.out.println("history: " + entries.size() + " runs in " + file);
        System.out.print(History.table(entries, runs, filter));
        String finalFilter = filter;
        List<String> figures = Chart.figures(entries, all).stream().filter(n -> n.contains(finalFilter)).toList();
        Path parent = chart.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(chart, Chart.svg(entries, figures));
        System.out.println("history: chart of " + figures.size() + " figures in " + chart);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            System.err.println("history: " + args[i - 1] + " needs a value");
            System.exit(2);
        }
        return args[i];
    }
}
