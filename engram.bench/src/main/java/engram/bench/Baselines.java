package engram.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code engram.bench/baselines.json}: per CPU level ({@code x86-64-v3}, {@code x86-64-v4},
 * {@code aarch64}), the gated figures of a run on a quiet machine, and where they came from:
 * <pre>{@code
 * {"levels": {"x86-64-v3": {"recorded": "2026-12-02T08:00:00Z", "commit": "1dbcfee", "cpu": "...",
 *     "note": "...", "figures": {"similarity d=768 n=100000 zig/java": 1.25, ...}}}}
 * }</pre>
 */
final class Baselines {
    private Baselines() {
    }

    /** One level's baseline figures and their provenance. */
    record Level(String recorded, String commit, String cpu, String note, Map<String, Double> figures) {
        Level {
            figures = Map.copyOf(figures);
        }
    }

    /** The levels in {@code file}; none if it does not exist. */
    static Map<String, Level> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Map.of();
        }
        return parse(Files.readString(file));
    }

    static Map<String, Level> parse(String json) {
        Map<String, Level> levels = new TreeMap<>();
        Object levelsValue = Json.object(Json.parse(json)).get("levels");
        if (levelsValue == null) {
            return levels;
        }
        Json.object(levelsValue).forEach((name, value) -> {
            Map<String, Object> level = Json.object(value);
            Map<String, Double> figures = new TreeMap<>();
            Object figuresValue = level.get("figures");
            if (figuresValue != null) {
                Json.object(figuresValue).forEach((figure, number) -> figures.put(figure, Json.number(number)));
            }
            levels.put(name, new Level(text(level.get("recorded")), text(level.get("commit")), text(level.get("cpu")),
                    text(level.get("note")), figures));
        });
        return levels;
    }

    static String format(Map<String, Level> levels) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("about", "Regression-gate baselines per CPU level, recorded on a quiet machine with"
                + " UPDATE_BASELINES=1 engram.bench/regression; see docs/internal/performance_regression_guide.md");
        Map<String, Object> byLevel = new TreeMap<>();
        levels.forEach((name, level) -> {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("recorded", level.recorded());
            map.put("commit", level.commit());
            map.put("cpu", level.cpu());
            map.put("note", level.note());
            map.put("figures", new TreeMap<>(level.figures()));
            byLevel.put(name, map);
        });
        root.put("levels", byLevel);
        return Json.writePretty(root);
    }

    static void write(Path file, Map<String, Level> levels) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, format(levels));
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value);
    }
}
