package engram.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import engram.api.KernelLookup;

/**
 * Runs the JMH benchmarks (any JMH command-line options pass through), prints the CPU and
 * the instruction set each kernel uses, then the median of each benchmark's measured
 * iterations and the ratio of each kernel's median to the Java reference's in the same run.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException, IOException {
        System.out.println("cpu: " + cpuModel());
        System.out.println("simd flags: " + simdFlags());
        KernelLookup lookup = Kernels.lookup();
        for (String name : List.of("java", "zig")) {
            System.out.println("kernel " + name + ": " + lookup.named(name)
                    .map(k -> k.info().id() + ", " + k.info().instructionSet())
                    .orElse("unavailable (" + lookup + ")"));
        }
        Collection<RunResult> results = new Runner(new OptionsBuilder().parent(new CommandLineOptions(args)).build())
                .run();
        printRatios(results);
    }

    private static void printRatios(Collection<RunResult> results) {
        Map<String, Map<String, Double>> medians = new TreeMap<>();
        String unit = "";
        for (RunResult run : results) {
            var params = run.getParams();
            String kernel = params.getParam("kernel");
            List<String> others = new ArrayList<>();
            for (String key : params.getParamsKeys()) {
                if (!key.equals("kernel")) {
                    others.add(key + "=" + params.getParam(key));
                }
            }
            String benchmark = params.getBenchmark().replaceFirst("^engram\\.bench\\.", "") + " " + String.join(" ", others);
            List<Double> scores = new ArrayList<>();
            for (BenchmarkResult result : run.getBenchmarkResults()) {
                for (IterationResult iteration : result.getIterationResults()) {
                    scores.add(iteration.getPrimaryResult().getScore());
                }
            }
            unit = run.getPrimaryResult().getScoreUnit();
            medians.computeIfAbsent(benchmark, b -> new TreeMap<>()).put(kernel, median(scores));
        }
        System.out.println();
        System.out.printf("%-60s %12s %12s %10s%n", "benchmark (median " + unit + ")", "java", "zig", "java/zig");
        for (var entry : medians.entrySet()) {
            Double java = entry.getValue().get("java");
            Double zig = entry.getValue().get("zig");
            System.out.printf("%-60s %12s %12s %10s%n", entry.getKey(), format(java), format(zig),
                    java == null || zig == null ? "-" : String.format("%.2fx", java / zig));
        }
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String format(Double value) {
        return value == null ? "-" : String.format("%.3f", value);
    }

    private static String cpuModel() throws IOException {
        return cpuinfo("model name", "unknown (no model name in /proc/cpuinfo)");
    }

    private static String simdFlags() throws IOException {
        String flags = cpuinfo("flags", cpuinfo("Features", ""));
        List<String> simd = Arrays.stream(flags.split("\\s+"))
                .filter(f -> f.startsWith("sse") || f.startsWith("avx") || f.equals("fma") || f.equals("asimd")
                        || f.startsWith("sve"))
                .sorted().collect(Collectors.toList());
        return simd.isEmpty() ? "none found" : String.join(" ", simd);
    }

    private static String cpuinfo(String key, String otherwise) throws IOException {
        Path path = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(path)) {
            return otherwise;
        }
        for (String line : Files.readAllLines(path)) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                return line.substring(colon + 1).trim();
            }
        }
        return otherwise;
    }
}
