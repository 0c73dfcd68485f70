package engram.shell.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import engram.api.memory.Cue;
import engram.api.memory.ForgetMode;
import engram.api.memory.MemoryEngine;
import engram.api.memory.NewMemory;
import engram.api.memory.RecallMode;
import engram.api.memory.RecallOptions;
import engram.api.memory.Recalled;
import engram.api.memory.SpaceInfo;
import engram.api.memory.SpaceStats;
import engram.api.memory.store.DecayCurves;

/**
 * Gogo commands over the memory engine: {@code engram:space}, {@code engram:remember},
 * {@code engram:link}, {@code engram:recall}, {@code engram:forget}, {@code engram:stats},
 * {@code engram:import} and {@code engram:export}.
 * An embedding is given as comma-separated numbers ({@code "0.1,0.2,0.3"}, quoted) or as
 * {@code @FILE}, a file of numbers separated by commas or white space.
 */
@Component(service = MemoryCommands.class)
@GogoCommand(scope = "engram", function = {"space", "remember", "link", "recall", "forget", "stats", "import",
        "export"})
public final class MemoryCommands {
    private static final String SPACE_USAGE = "engram:space list | engram:space create NAME DIMENSIONS [CURVE]"
            + " | engram:space drop NAME   (CURVE: \"exponential HALF_LIFE_S\", \"power SCALE_S BETA\","
            + " \"two-component TAU_S SCALE_S BETA COUNT\" (the default) or \"ebbinghaus K C\")";
    private static final String REMEMBER_USAGE = "engram:remember SPACE CONTENT EMBEDDING [--strength S]"
            + "   (EMBEDDING: \"0.1,0.2,...\" or @FILE)";
    private static final String LINK_USAGE = "engram:link SPACE FROM_ID TO_ID WEIGHT   (WEIGHT in [0, 1])";
    private static final String RECALL_USAGE = "engram:recall SPACE (EMBEDDING | --like ID) [--mode spreading|similarity]"
            + " [--limit N] [--seeds K] [--min SIMILARITY] [--depth HOPS]";
    private static final String FORGET_USAGE = "engram:forget SPACE ID [--delete]   (without --delete: suppress,"
            + " kept but never recalled)";

    private final MemoryEngine engine;

    @Activate
    public MemoryCommands(@Reference MemoryEngine engine) {
        this.engine = engine;
    }

    @Descriptor("lists, creates or drops memory spaces: " + SPACE_USAGE)
    public String space(@Descriptor("list | create NAME DIMENSIONS [CURVE] | drop NAME") String... arguments) {
        if (arguments.length == 0 || arguments[0].equals("list")) {
            expect(arguments.length <= 1, "space", SPACE_USAGE, arguments);
            List<SpaceInfo> spaces = engine.spaces();
            if (spaces.isEmpty()) {
                return "no memory space yet; make one: engram:space create NAME DIMENSIONS";
            }
            Table table = new Table("SPACE", "DIMENSIONS", "MEMORIES", "LINKS", "CURVE");
            for (SpaceInfo s : spaces) {
                SpaceStats stats = engine.stats(s.name());
                table.row(s.name(), Integer.toString(s.dimensions()), Long.toString(stats.memories()),
                        Long.toString(stats.links()), DecayCurves.format(s.curve()));
            }
            return table.toString().stripTrailing();
        }
        switch (arguments[0]) {
            case "create" -> {
                expect(arguments.length == 3 || arguments.length == 4, "space", SPACE_USAGE, arguments);
                int dimensions = integer(arguments[2], "DIMENSIONS", SPACE_USAGE);
                SpaceInfo info = arguments.length == 4
                        ? engine.createSpace(arguments[1], dimensions, DecayCurves.parse(arguments[3]))
                        : engine.createSpace(arguments[1], dimensions);
                return "created space " + info.name() + ": " + info.dimensions() + " dimensions, curve "
                        + DecayCurves.format(info.curve());
            }
            case "drop" -> {
                expect(arguments.length == 2, "space", SPACE_USAGE, arguments);
                if (!engine.dropSpace(arguments[1])) {
                    throw new IllegalArgumentException("there is no memory space \"" + arguments[1]
                            + "\"; engram:space list shows them");
                }
                return "dropped space " + arguments[1] + " with its memories and links";
            }
            default -> throw usage("space", SPACE_USAGE, arguments);
        }
    }

    @Descriptor("remembers one memory and prints its id: " + REMEMBER_USAGE)
    public String remember(@Descriptor("SPACE CONTENT EMBEDDING [--strength S]") String... arguments) {
        List<String> words = new ArrayList<>(Arrays.asList(arguments));
        float strength = 1f;
        int flag = words.indexOf("--strength");
        if (flag >= 0) {
            expect(flag + 1 < words.size(), "remember", REMEMBER_USAGE, arguments);
            strength = number(words.get(flag + 1), "--strength", REMEMBER_USAGE);
            words.remove(flag + 1);
            words.remove(flag);
        }
        expect(words.size() == 3, "remember", REMEMBER_USAGE, arguments);
        float[] embedding = embedding(words.get(2));
        long id = engine.remember(words.get(0), new NewMemory(embedding, words.get(1), strength, NewMemory.NOW,
                Map.of()));
        return "remembered " + id;
    }

    @Descriptor("links one memory to another with a weight in [0, 1] (again: a new weight): " + LINK_USAGE)
    public String link(@Descriptor("SPACE FROM_ID TO_ID WEIGHT") String... arguments) {
        expect(arguments.length == 4, "link", LINK_USAGE, arguments);
        long from = id(arguments[1], LINK_USAGE);
        long to = id(arguments[2], LINK_USAGE);
        float weight = number(arguments[3], "WEIGHT", LINK_USAGE);
        engine.link(arguments[0], from, to, weight);
        return "linked " + from + " -> " + to + " (" + weight + ")";
    }

    @Descriptor("recalls the memories of a space a cue brings back, best first: " + RECALL_USAGE)
    public String recall(@Descriptor("SPACE (EMBEDDING | --like ID) [options]") String... arguments) {
        expect(arguments.length >= 2, "recall", RECALL_USAGE, arguments);
        String space = arguments[0];
        RecallOptions options = RecallOptions.DEFAULT;
        Cue cue = null;
        for (int i = 1; i < arguments.length; i++) {
            String word = arguments[i];
            if (!word.startsWith("--")) {
                expect(cue == null, "recall", RECALL_USAGE, arguments);
                cue = Cue.of(embedding(word));
                continue;
            }
            expect(i + 1 < arguments.length, "recall", RECALL_USAGE, arguments);
            String value = arguments[++i];
            options = switch (word) {
                case "--like" -> {
                    expect(cue == null, "recall", RECALL_USAGE, arguments);
                    cue = Cue.like(id(value, RECALL_USAGE));
                    yield options;
                }
                case "--mode" -> options.withMode(mode(value));
                case "--limit" -> options.withLimit(integer(value, "--limit", RECALL_USAGE));
                case "--seeds" -> options.withSeeds(integer(value, "--seeds", RECALL_USAGE));
                case "--min" -> options.withMinSimilarity(number(value, "--min", RECALL_USAGE));
                case "--depth" -> options.withMaxDepth(integer(value, "--depth", RECALL_USAGE));
                default -> throw usage("recall", RECALL_USAGE, arguments);
            };
        }
        expect(cue != null, "recall", RECALL_USAGE, arguments);
        List<Recalled> found = engine.recall(space, cue, options);
        if (found.isEmpty()) {
            return "nothing recalled (lower --min, or remember more)";
        }
        Table table = new Table("RANK", "ID", "SCORE", "SIMILARITY", "ACTIVATION", "HOP", "STRENGTH", "CONTENT");
        int rank = 1;
        for (Recalled r : found) {
            table.row(Integer.toString(rank++), Long.toString(r.id()), fixed(r.score()),
                    Float.isNaN(r.similarity()) ? "-" : fixed(r.similarity()), fixed(r.activation()),
                    Integer.toString(r.firstHop()), fixed(r.strengthNow()), shorten(r.content()));
        }
        return table.toString().stripTrailing();
    }

    @Descriptor("suppresses a memory (kept, never recalled) or, with --delete, deletes it and its links: "
            + FORGET_USAGE)
    public String forget(@Descriptor("SPACE ID [--delete]") String... arguments) {
        expect(arguments.length == 2 || arguments.length == 3 && arguments[2].equals("--delete"), "forget",
                FORGET_USAGE, arguments);
        long id = id(arguments[1], FORGET_USAGE);
        ForgetMode mode = arguments.length == 3 ? ForgetMode.DELETE : ForgetMode.SUPPRESS;
        engine.forget(arguments[0], id, mode);
        return (mode == ForgetMode.DELETE ? "deleted " : "suppressed ") + id;
    }

    @Descriptor("counts, bytes, graph age and kernel calls of a space: engram:stats SPACE")
    public String stats(@Descriptor("SPACE") String... arguments) {
        expect(arguments.length == 1, "stats", "engram:stats SPACE", arguments);
        SpaceStats s = engine.stats(arguments[0]);
        Table table = new Table("SPACE", "DIMENSIONS", "MEMORIES", "SUPPRESSED", "LINKS", "PENDING LINKS",
                "EMBEDDINGS", "GRAPH", "GRAPH AGE", "RECALLS");
        table.row(s.space(), Integer.toString(s.dimensions()), Long.toString(s.memories()),
                Long.toString(s.suppressed()), Long.toString(s.links()), Long.toString(s.pendingLinks()),
                KernelCommands.bytes(s.embeddingBytes()), KernelCommands.bytes(s.graphBytes()),
                s.snapshotAgeMillis() + " ms", Long.toString(s.recalls()));
        StringBuilder calls = new StringBuilder("kernel calls:");
        s.kernelCalls().forEach((k, v) -> calls.append(' ').append(k).append(' ').append(v));
        return table.toString() + calls;
    }

    // Gogo finds a command whose name is a Java keyword (import) by a leading underscore.
    @Descriptor("imports memories and links from a JSON Lines file into a space: a progress bar (a line at each"
            + " further 10 % of the file, for files of more than 10,000 lines) and a summary: engram:import SPACE FILE")
    public String _import(CommandSession session, @Descriptor("SPACE FILE") String... arguments) {
        expect(arguments.length == 2, "import", "engram:import SPACE FILE", arguments);
        Path file = resolve(session, arguments[1]);
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read " + file + "; give the path of a JSON Lines file");
        }
        MemoryFiles.Imported done = MemoryFiles.importFile(engine, arguments[0], file, session.getConsole());
        return done.summary(file);
    }

    @Descriptor("exports every memory and link of a space to a JSON Lines file: engram:export SPACE FILE")
    public String export(CommandSession session, @Descriptor("SPACE FILE") String... arguments) {
        expect(arguments.length == 2, "export", "engram:export SPACE FILE", arguments);
        Path file = resolve(session, arguments[1]);
        long[] counts = MemoryFiles.exportFile(engine, arguments[0], file);
        return "exported " + counts[0] + " memories and " + counts[1] + " links to " + file;
    }

    /** A path as the user typed it, against the session's current folder. */
    private static Path resolve(CommandSession session, String path) {
        Path given = Path.of(path);
        Path base = session == null || session.currentDir() == null ? Path.of("") : session.currentDir();
        return base.resolve(given).toAbsolutePath().normalize();
    }

    private static RecallMode mode(String value) {
        try {
            return RecallMode.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--mode " + value + " is not a mode; use spreading (the default) or"
                    + " similarity", e);
        }
    }

    /** An embedding from comma-separated numbers, or from {@code @FILE}. */
    static float[] embedding(String text) {
        String numbers = text;
        if (text.startsWith("@")) {
            Path file = Path.of(text.substring(1));
            try {
                numbers = Files.readString(file);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the embedding file " + file.toAbsolutePath() + " ("
                        + e + ")", e);
            }
        }
        String[] parts = numbers.trim().split("[,\\s]+");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Float.parseFloat(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("value " + (i + 1) + " of the embedding, \"" + parts[i]
                        + "\", is not a number; give numbers separated by commas, like \"0.1,0.2,0.3\"", e);
            }
        }
        return out;
    }

    private static String fixed(float value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static String shorten(String content) {
        String line = content.replace('\n', ' ');
        return line.length() <= 60 ? line : line.substring(0, 57) + "...";
    }

    private static long id(String text, String usage) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a memory id (a whole number); " + usage, e);
        }
    }

    private static int integer(String text, String what, String usage) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " \"" + text + "\" is not a whole number; " + usage, e);
        }
    }

    private static float number(String text, String what, String usage) {
        try {
            return Float.parseFloat(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " \"" + text + "\" is not a number; " + usage, e);
        }
    }

    private static void expect(boolean ok, String function, String usage, String[] arguments) {
        if (!ok) {
            throw usage(function, usage, arguments);
        }
    }

    private static IllegalArgumentException usage(String function, String usage, String[] arguments) {
        return new IllegalArgumentException("engram:" + function + " was given \"" + String.join(" ", arguments)
                + "\"; run it as: " + usage);
    }
}
