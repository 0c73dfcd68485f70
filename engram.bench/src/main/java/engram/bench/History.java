package engram.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import engram.bench.Figures.Figure;

/**
 * {@code engram.bench/history.jsonl}: one JSON object a line, one line a run of
 * {@code engram.bench/run} or {@code engram.bench/regression}: when, which command with which
 * JMH arguments, the machine ({@link Machine}: CPU, level, JDK, Zig, commit) and every figure
 * with its relative noise.
 */
final class History {
    private History() {
    }

    record Entry(String date, String kind, String args, Map<String, Object> machine, Map<String, Double> figures,
            Map<String, Double> noise, List<String> gated) {
        Entry {
            machine = Map.copyOf(machine);
            figures = Map.copyOf(figures);
            noise = Map.copyOf(noise);
            gated = List.copyOf(gated);
        }

        static Entry of(String date, String kind, String args, Machine machine, Map<String, Figure> figures) {
            Map<String, Double> values = new TreeMap<>();
            Map<String, Double> noise = new TreeMap<>();
            List<String> gated = new ArrayList<>();
            figures.values().forEach(f -> {
                values.put(f.name(), f.value());
                noise.put(f.name(), f.noise());
                if (f.gated()) {
                    gated.add(f.name());
                }
            });
            return new Entry(date, kind, args, machine.toMap(), values, noise, gated);
        }

        String machineField(String key) {
            Object value = machine.get(key);
            return value == null ? "?" : String.valueOf(value);
        }

        String toJsonLine() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("date", date);
            map.put("kind", kind);
            map.put("args", args);
            map.putAll(new TreeMap<>(machine));
            map.put("figures", new TreeMap<>(figures));
            map.put("noise", new TreeMap<>(noise));
            map.put("gated", gated);
            return Json.write(map);
        }

        static Entry parse(String line) {
            Map<String, Object> map = Json.object(Json.parse(line));
            Map<String, Object> machine = new TreeMap<>();
            map.forEach((k, v) -> {
                if (!Set.of("date", "kind", "args", "figures", "noise", "gated").contains(k) && v != null) {
                    machine.put(k, v);
                }
            });
            return new Entry(String.valueOf(map.get("date")), String.valueOf(map.get("kind")),
                    map.get("args") == null ? "" : String.valueOf(map.get("args")), machine, numbers(map.get("figures")),
                    numbers(map.get("noise")),
                    map.get("gated") == null ? List.of()
                            : Json.array(map.get("gated")).stream().map(String::valueOf).toList());
        }

        private static Map<String, Double> numbers(Object value) {
            Map<String, Double> numbers = new TreeMap<>();
            if (value != null) {
                Json.object(value).forEach((k, v) -> numbers.put(k, Json.number(v)));
            }
            return numbers;
        }
    }

    static void append(Path file, Entry entry) throws IOException {
        Files.writeString(file, entry.toJsonLine() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static List<Entry> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                entries.add(Entry.parse(lines.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return entries;
    }

    /**
     * The last {@code runs} entries as a table, one row a figure and one column a run (oldest
     * left), with each run's date, kind, commit and level above; {@code filter} keeps the figures
     * whose name contains it (all for an empty filter).
     */
    static String table(List<Entry> entries, int runs, String filter) {
        List<Entry> shown = entries.subList(Math.max(0, entries.size() - runs), entries.size());
        if (shown.isEmpty()) {
            return "no runs in the history yet\n";
        }
        Set<String> names = new TreeSet<>();
        shown.forEach(e -> e.figures().keySet().stream().filter(n -> n.contains(filter)).forEach(names::add));
        int width = Math.max(20, names.stream().mapToInt(String::length).max().orElse(0));
        StringBuilder out = new StringBuilder();
        String[][] header = new String[4][shown.size()];
        for (int c = 0; c < shown.size(); c++) {
            Entry e = shown.get(c);
            header[0][c] = e.date().length() >= 16 ? e.date().substring(0, 16) : e.date();
            header[1][c] = e.kind();
            String commit = e.machineField("commit");
            header[2][c] = commit.length() > 10 ? commit.substring(0, 10) : commit;
            header[3][c] = e.machineField("level");
        }
        String[] labels = {"run", "kind", "commit", "level"};
        String[][] cells = new String[names.size()][shown.size()];
        int row = 0;
        for (String name : names) {
            for (int c = 0; c < shown.size(); c++) {
                Double value = shown.get(c).figures().get(name);
                Double noise = shown.get(c).noise().get(name);
                cells[row][c] = value == null ? "-"
                        : String.format(Locale.ROOT, "%.3f", value) + (noise == null || noise.isNaN() ? ""
                                : String.format(Locale.ROOT, " ±%.0f%%", 100 * noise));
            }
            row++;
        }
        int column = 12;
        for (String[] line : header) {
            for (String cell : line) {
                column = Math.max(column, cell.length());
            }
        }
        for (String[] line : cells) {
            for (String cell : line) {
                column = Math.max(column, cell.length());
            }
        }
        String cellFormat = " %" + column + "s";
        for (int r = 0; r < header.length; r++) {
            out.append(String.format(Locale.ROOT, "%-" + width + "s", labels[r]));
            for (String cell : header[r]) {
                out.append(String.format(Locale.ROOT, cellFormat, cell));
            }
            out.append('\n');
        }
        row = 0;
        for (String name : names) {
            out.append(String.format(Locale.ROOT, "%-" + width + "s", name));
            for (String cell : cells[row++]) {
                out.append(String.format(Locale.ROOT, cellFormat, cell));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
