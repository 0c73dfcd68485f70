package engram.shell.impl;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import engram.api.memory.ForgetMode;
import engram.api.memory.Link;
import engram.api.memory.MemoryEngine;
import engram.api.memory.NewMemory;

/**
 * Memories and links in JSON Lines, one per line (the format is in
 * {@code docs/operations/memory.md}):
 *
 * <pre>
 * {"key": "m1", "content": "coffee in the morning", "embedding": [1, 0, 0.2], "strength": 1,
 *  "created": 1767225600000, "metadata": {"topic": "food"}, "suppressed": false}
 * {"from": "m1", "to": "m2", "weight": 0.8}
 * </pre>
 *
 * A link names memories by the keys of earlier lines of the same file. An import reads and
 * checks each line whole before it stores anything of it, and stores memories in batches of
 * {@value #BATCH} (one commit each): a bad line stops the import with its number, and every
 * line before it is stored, none of it.
 */
final class MemoryFiles {
    static final int BATCH = 1_000;
    private static final int PROGRESS_EVERY = 10_000;

    /** What an import did. */
    record Imported(long lines, long memories, long links, long millis) {
    }

    private MemoryFiles() {
    }

    /** A memory line, checked, waiting for its batch. */
    private record Pending(String key, NewMemory memory, boolean suppressed) {
    }

    static Imported importFile(MemoryEngine engine, String space, Path file, PrintStream progress) {
        long start = System.nanoTime();
        int dimensions = engine.stats(space).dimensions();
        Map<String, Long> ids = new HashMap<>();
        List<Pending> batch = new ArrayList<>();
        // The keys of the memories in the batch, not yet stored (so not yet in ids).
        Set<String> pending = new HashSet<>();
        List<Link> linkBatch = new ArrayList<>();
        long lineNumber = 0;
        long memories = 0;
        long links = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    Map<String, Object> item = object(Json.parse(line));
                    if (item.containsKey("from") || item.containsKey("to")) {
                        String from = text(item, "from", true);
                        String to = text(item, "to", true);
                        float weight = (float) number(item, "weight", Double.NaN);
                        known(item, "from", "to", "weight");
                        if (pending.contains(from) || pending.contains(to)) {
                            memories += store(engine, space, batch, ids, pending);
                        }
                        if (!(weight >= 0f && weight <= 1f)) {
                            throw new IllegalArgumentException("weight is " + weight + "; a link's weight must be in"
                                    + " [0, 1]");
                        }
                        linkBatch.add(new Link(id(ids, from, "from"), id(ids, to, "to"), weight));
                        if (linkBatch.size() == BATCH) {
                            links += storeLinks(engine, space, linkBatch);
                        }
                    } else {
                        Pending memory = memory(item, dimensions);
                        if (memory.key() != null && (ids.containsKey(memory.key()) || pending.contains(memory.key()))) {
                            throw new IllegalArgumentException("the key \"" + memory.key() + "\" was used before");
                        }
                        batch.add(memory);
                        if (memory.key() != null) {
                            pending.add(memory.key());
                        }
                        if (batch.size() == BATCH) {
                            memories += store(engine, space, batch, ids, pending);
                        }
                    }
                } catch (IllegalArgumentException e) {
                    memories += store(engine, space, batch, ids, pending);
                    links += storeLinks(engine, space, linkBatch);
                    throw new IllegalArgumentException("line " + lineNumber + " of " + file + ": " + e.getMessage()
                            + "; the lines before it are imported (" + memories + " memories, " + links
                            + " links), nothing of line " + lineNumber + " and after", e);
                }
                if (lineNumber % PROGRESS_EVERY == 0) {
                    progress.println("import: line " + lineNumber + ", " + (memories + batch.size()) + " memories, "
                            + (links + linkBatch.size()) + " links");
                }
            }
        } catch (IOException e) {
            memories += store(engine, space, batch, ids, pending);
            links += storeLinks(engine, space, linkBatch);
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath() + " after line " + lineNumber + " ("
                    + e + "); " + memories + " memories and " + links + " links before it are imported", e);
        }
        memories += store(engine, space, batch, ids, pending);
        links += storeLinks(engine, space, linkBatch);
        // The links of a file are visible to recalls when the import returns.
        engine.flush(space);
        return new Imported(lineNumber, memories, links, (System.nanoTime() - start) / 1_000_000);
    }


    /** Links the batch (one commit); returns how many. */
    private static int storeLinks(MemoryEngine engine, String space, List<Link> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        engine.linkAll(space, batch);
        int n = batch.size();
        batch.clear();
        return n;
    }

    /** Remembers the batch (one commit), suppresses what the file says is suppressed; returns how many. */
    private static int store(MemoryEngine engine, String space, List<Pending> batch, Map<String, Long> ids,
            Set<String> pending) {
        if (batch.isEmpty()) {
            return 0;
        }
        List<NewMemory> memories = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            memories.add(p.memory());
        }
        long[] stored = engine.rememberAll(space, memories);
        for (int i = 0; i < stored.length; i++) {
            Pending p = batch.get(i);
            if (p.key() != null) {
                ids.put(p.key(), stored[i]);
            }
            if (p.suppressed()) {
                engine.forget(space, stored[i], ForgetMode.SUPPRESS);
            }
        }
        int n = batch.size();
        batch.clear();
        pending.clear();
        return n;
    }

    private static Pending memory(Map<String, Object> item, int dimensions) {
        known(item, "key", "content", "embedding", "strength", "created", "metadata", "suppressed");
        String key = text(item, "key", false);
        Object embedding = item.get("embedding");
        if (!(embedding instanceof List<?> values)) {
            throw new IllegalArgumentException("a memory needs \"embedding\": an array of " + dimensions + " numbers");
        }
        if (values.size() != dimensions) {
            throw new IllegalArgumentException("the embedding has " + values.size() + " values; the space holds "
                    + dimensions);
        }
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            if (!(values.get(i) instanceof Double d)) {
                throw new IllegalArgumentException("embedding[" + i + "] is not a number");
            }
            vector[i] = d.floatValue();
        }
        String content = text(item, "content", false);
        float strength = (float) number(item, "strength", 1);
        long created = item.containsKey("created") ? (long) number(item, "created", 0) : NewMemory.NOW;
        Map<String, String> metadata = new LinkedHashMap<>();
        if (item.get("metadata") instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getValue() instanceof String value)) {
                    throw new IllegalArgumentException("metadata \"" + e.getKey() + "\" is not a string");
                }
                metadata.put((String) e.getKey(), value);
            }
        } else if (item.containsKey("metadata")) {
            throw new IllegalArgumentException("\"metadata\" must be an object of strings");
        }
        boolean suppressed = Boolean.TRUE.equals(item.get("suppressed"));
        return new Pending(key, new NewMemory(vector, content == null ? "" : content, strength, created, metadata),
                suppressed);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("a line must be one JSON object (a memory or a link)");
        }
        return (Map<String, Object>) value;
    }

    private static void known(Map<String, Object> item, String... names) {
        for (String name : item.keySet()) {
            if (!List.of(names).contains(name)) {
                throw new IllegalArgumentException("unknown name \"" + name + "\" (this line may have "
                        + String.join(", ", names) + ")");
            }
        }
    }

    private static String text(Map<String, Object> item, String name, boolean required) {
        Object value = item.get(name);
        if (value == null) {
            if (required) {
                throw new IllegalArgumentException("\"" + name + "\" is missing");
            }
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Double d && d == Math.rint(d)) {
            return Long.toString(d.longValue());
        }
        throw new IllegalArgumentException("\"" + name + "\" must be a string");
    }

    private static double number(Map<String, Object> item, String name, double otherwise) {
        Object value = item.get(name);
        if (value == null) {
            if (Double.isNaN(otherwise)) {
                throw new IllegalArgumentException("\"" + name + "\" is missing");
            }
            return otherwise;
        }
        if (!(value instanceof Double d)) {
            throw new IllegalArgumentException("\"" + name + "\" must be a number");
        }
        return d;
    }

    private static long id(Map<String, Long> ids, String key, String role) {
        Long id = ids.get(key);
        if (id == null) {
            throw new IllegalArgumentException("\"" + role + "\": no memory of key \"" + key + "\" on an earlier line");
        }
        return id;
    }

    /**
     * Writes every memory and link of the space to {@code file} (through a temporary file in
     * the same folder, moved into place at the end, so a failed export leaves no half file);
     * keys are the memory ids.
     */
    static long[] exportFile(MemoryEngine engine, String space, Path file) {
        Path target = file.toAbsolutePath();
        Path temporary = target.resolveSibling(target.getFileName() + ".part");
        long[] counts = new long[2];
        try (BufferedWriter out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            engine.scan(space, m -> {
                StringBuilder line = new StringBuilder("{\"key\": \"").append(m.id()).append("\", \"content\": ")
                        .append(Json.quote(m.content())).append(", \"embedding\": [");
                float[] e = m.embedding();
                for (int i = 0; i < e.length; i++) {
                    line.append(i == 0 ? "" : ", ").append(e[i]);
                }
                line.append("], \"strength\": ").append(m.strength()).append(", \"created\": ")
                        .append(m.createdMillis());
                if (!m.metadata().isEmpty()) {
                    line.append(", \"metadata\": {");
                    boolean first = true;
                    for (Map.Entry<String, String> entry : m.metadata().entrySet()) {
                        line.append(first ? "" : ", ").append(Json.quote(entry.getKey())).append(": ")
                                .append(Json.quote(entry.getValue()));
                        first = false;
                    }
                    line.append('}');
                }
                if (m.suppressed()) {
                    line.append(", \"suppressed\": true");
                }
                write(out, line.append('}').toString());
                counts[0]++;
            }, link -> {
                write(out, String.format(Locale.ROOT, "{\"from\": \"%d\", \"to\": \"%d\", \"weight\": %s}", link.from(),
                        link.to(), Float.toString(link.weight())));
                counts[1]++;
            });
        } catch (IOException | UncheckedIOException e) {
            deleteQuietly(temporary);
            throw new UncheckedIOException("cannot write " + temporary + " (" + e + "); nothing was exported",
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        } catch (RuntimeException e) {
            deleteQuietly(temporary);
            throw e;
        }
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new UncheckedIOException("cannot move the export into " + target + " (" + e + ")", e);
        }
        return counts;
    }

    private static void write(BufferedWriter out, String line) {
        try {
            out.write(line);
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // The failure reported says what went wrong; a leftover .part file is harmless.
        }
    }
}
