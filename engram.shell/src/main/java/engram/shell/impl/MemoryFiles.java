package engram.shell.impl;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
 * {@value #BATCH} and links in batches of {@value #LINK_BATCH} (one commit each, on a thread of
 * its own while the next lines are read): a bad line stops the import with its number, and every
 * line before it is stored, none of it.
 *
 * <p>An import of more than {@value #PROGRESS_EVERY} lines prints a progress bar, one line at a
 * time (no carriage returns: the console may be no terminal), measured in the bytes read against
 * the file's size: a line at each further 10 %, or after {@value #PROGRESS_EVERY} more lines if
 * that comes sooner and the percentage has moved, and a last line at 100 % once every line is
 * stored, e.g.
 *
 * <pre>
 * import [########............] 40%  12,000 lines: 11,000 memories, 1,000 links
 * </pre>
 *
 * A smaller file prints no bar; every import ends with {@link Imported#summary(Path)}.
 *
 * <p>Public for the engine's benchmark harness ({@code engram.bench/engine} times imports); the
 * package stays private to the bundle.
 */
public final class MemoryFiles {
    static final int BATCH = 1_000;
    /** Links a commit: a link is small, and a commit costs a sync of the disk. */
    static final int LINK_BATCH = 10_000;
    private static final int PROGRESS_EVERY = 10_000;

    /** The progress bar's width in characters. */
    static final int BAR_WIDTH = 20;

    /** What an import stored: lines read, memories and links stored, and the time it took. */
    public record Imported(long lines, long memories, long links, long millis) {
        /** The line the shell prints when the import is done. */
        String summary(Path file) {
            return String.format(Locale.ROOT, "imported %,d memories and %,d links from %s (%,d lines) in %,d ms",
                    memories, links, file, lines, millis);
        }
    }

    /** The progress bar of one import. */
    private static final class Progress {
        private final PrintStream out;
        private final long size;
        private long lastLine;
        private int lastPercent = -1;

        Progress(PrintStream out, long size) {
            this.out = out;
            this.size = size;
        }

        /** After each line: prints a bar line if one is due. */
        void line(long lineNumber, long bytesRead, long memories, long links) {
            if (lineNumber < PROGRESS_EVERY) {
                return;
            }
            // The reader reads ahead, so the bytes reach the file's size a few lines before the
            // end: the bar says 100 % only when every line is stored.
            int percent = Math.min(99, percent(bytesRead));
            if (percent / 10 > lastPercent / 10 || (lineNumber - lastLine >= PROGRESS_EVERY && percent > lastPercent)) {
                print(percent, lineNumber, memories, links);
            }
        }

        /** When every line is stored: the bar at 100 %, if a bar was printed. */
        void done(long lineNumber, long memories, long links) {
            if (lastPercent >= 0) {
                print(100, lineNumber, memories, links);
            }
        }

        private int percent(long bytesRead) {
            return size <= 0 ? 100 : (int) Math.min(100, bytesRead * 100 / size);
        }

        private void print(int percent, long lineNumber, long memories, long links) {
            int filled = percent * BAR_WIDTH / 100;
            out.printf(Locale.ROOT, "import [%s%s] %d%%  %,d lines: %,d memories, %,d links%n", "#".repeat(filled),
                    ".".repeat(BAR_WIDTH - filled), percent, lineNumber, memories, links);
            lastPercent = percent;
            lastLine = lineNumber;
        }
    }

    /** Counts the bytes read through it (the reader's decoder reads ahead by a few KiB at most). */
    private static final class Counting extends FilterInputStream {
        private long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }

        long count() {
            return count;
        }
    }

    private MemoryFiles() {
    }

    /** A memory line, checked, waiting for its batch. */
    private record Pending(String key, NewMemory memory, boolean suppressed) {
    }

    /**
     * Imports {@code file} into {@code space}: memories in batches of {@value #BATCH} and links
     * in batches of {@value #LINK_BATCH} (a commit each), the links visible to recalls when it
     * returns; progress to {@code progress}.
     *
     * @throws IllegalArgumentException at the first bad line, naming it; every line before it is stored
     * @throws java.io.UncheckedIOException if the file cannot be read; what was read before is stored
     */
    public static Imported importFile(MemoryEngine engine, String space, Path file, PrintStream progress) {
        long start = System.nanoTime();
        int dimensions = engine.stats(space).dimensions();
        // Written by the writer's thread as it stores, read here: concurrent.
        Map<String, Long> ids = new ConcurrentHashMap<>();
        List<Pending> batch = new ArrayList<>();
        // The keys of the memories in the batch, not yet handed to the writer.
        Set<String> pending = new HashSet<>();
        List<Link> linkBatch = new ArrayList<>();
        long lineNumber = 0;
        long memories;
        long links;
        Progress bar;
        try {
            bar = new Progress(progress, Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file.toAbsolutePath() + " (" + e
                    + "); give the path of a JSON Lines file", e);
        }
        // A decoder that reports malformed input, as Files.newBufferedReader's does.
        try (Writer writer = new Writer(engine, space, ids);
                Counting bytes = new Counting(Files.newInputStream(file));
                BufferedReader in = new BufferedReader(new InputStreamReader(bytes, StandardCharsets.UTF_8.newDecoder()))) {
            try {
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
                            if (pending.contains(from) || pending.contains(to) || writer.holds(from)
                                    || writer.holds(to)) {
                                // The link needs the ids of memories not stored yet: store them first.
                                writer.submitMemories(batch, pending);
                                writer.drain();
                            }
                            if (!(weight >= 0f && weight <= 1f)) {
                                throw new IllegalArgumentException("weight is " + weight + "; a link's weight must"
                                        + " be in [0, 1]");
                            }
                            linkBatch.add(new Link(id(ids, from, "from"), id(ids, to, "to"), weight));
                            if (linkBatch.size() == LINK_BATCH) {
                                writer.submitLinks(linkBatch);
                            }
                        } else {
                            Pending memory = memory(item, dimensions);
                            String key = memory.key();
                            if (key != null && (ids.containsKey(key) || pending.contains(key) || writer.holds(key))) {
                                throw new IllegalArgumentException("the key \"" + key + "\" was used before");
                            }
                            batch.add(memory);
                            if (key != null) {
                                pending.add(key);
                            }
                            if (batch.size() == BATCH) {
                                writer.submitMemories(batch, pending);
                            }
                        }
                    } catch (IllegalArgumentException e) {
                        writer.finish(batch, pending, linkBatch);
                        throw new IllegalArgumentException("line " + lineNumber + " of " + file + ": " + e.getMessage()
                                + "; the lines before it are imported (" + writer.memories() + " memories, "
                                + writer.links() + " links), nothing of line " + lineNumber + " and after", e);
                    }
                    bar.line(lineNumber, bytes.count(), writer.memories() + writer.inFlightMemories() + batch.size(),
                            writer.links() + writer.inFlightLinks() + linkBatch.size());
                }
            } catch (IOException e) {
                writer.finish(batch, pending, linkBatch);
                throw new UncheckedIOException("cannot read " + file.toAbsolutePath() + " after line " + lineNumber
                        + " (" + e + "); " + writer.memories() + " memories and " + writer.links()
                        + " links before it are imported", e);
            }
            writer.finish(batch, pending, linkBatch);
            memories = writer.memories();
            links = writer.links();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath() + " (" + e + "); give the path of"
                    + " a readable JSON Lines file", e);
        }
        // The links of a file are visible to recalls when the import returns.
        engine.flush(space);
        bar.done(lineNumber, memories, links);
        return new Imported(lineNumber, memories, links, (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Stores an import's batches on a thread of its own, one batch at a time and in the file's
     * order, while the next batch is read and checked: the commit of one batch and the parsing
     * of the next overlap on a second core. At most one batch is in flight, so a failure stops
     * the import within one batch; each batch is still one commit, stored whole or not at all;
     * and a batch of links is stored after the memories it names.
     */
    private static final class Writer implements AutoCloseable {
        private final MemoryEngine engine;
        private final String space;
        private final Map<String, Long> ids;
        private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "engram-import-writer");
            t.setDaemon(true);
            return t;
        });
        /** The keys of the batch in flight, which are not in {@code ids} until it is stored. */
        private final Set<String> inFlightKeys = new HashSet<>();
        private Future<?> inFlight;
        private int inFlightMemories;
        private int inFlightLinks;
        private long memories;
        private long links;

        Writer(MemoryEngine engine, String space, Map<String, Long> ids) {
            this.engine = engine;
            this.space = space;
            this.ids = ids;
        }

        /** Hands {@code batch} (and its keys, {@code pending}) to the thread, emptying both, once the batch before is stored. */
        void submitMemories(List<Pending> batch, Set<String> pending) {
            drain();
            if (batch.isEmpty()) {
                return;
            }
            List<Pending> handed = List.copyOf(batch);
            inFlightKeys.addAll(pending);
            inFlightMemories = handed.size();
            batch.clear();
            pending.clear();
            inFlight = thread.submit(() -> store(engine, space, handed, ids));
        }

        /** Hands {@code batch} to the thread, emptying it, once the batch before is stored. */
        void submitLinks(List<Link> batch) {
            drain();
            if (batch.isEmpty()) {
                return;
            }
            List<Link> handed = List.copyOf(batch);
            inFlightLinks = handed.size();
            batch.clear();
            inFlight = thread.submit(() -> engine.linkAll(space, handed));
        }

        /** Stores what is left, memories then links, and waits until it is stored. */
        void finish(List<Pending> batch, Set<String> pending, List<Link> linkBatch) {
            submitMemories(batch, pending);
            submitLinks(linkBatch);
            drain();
        }

        /** Waits for the batch in flight, if any, and counts it. */
        void drain() {
            if (inFlight == null) {
                return;
            }
            Future<?> batch = inFlight;
            inFlight = null;
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        batch.get();
                        memories += inFlightMemories;
                        links += inFlightLinks;
                        return;
                    } catch (InterruptedException e) {
                        // The commit runs on; its outcome decides what the import reports.
                        interrupted = true;
                    }
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error r) {
                    throw r;
                }
                throw new IllegalStateException("storing a batch of the import failed: " + e.getCause(), e.getCause());
            } finally {
                inFlightKeys.clear();
                inFlightMemories = 0;
                inFlightLinks = 0;
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Whether {@code key} names a memory of the batch in flight. */
        boolean holds(String key) {
            return inFlightKeys.contains(key);
        }

        long memories() {
            return memories;
        }

        long links() {
            return links;
        }

        int inFlightMemories() {
            return inFlightMemories;
        }

        int inFlightLinks() {
            return inFlightLinks;
        }

        /** Waits for a batch still in flight (an import that failed), then ends the thread. */
        @Override
        public void close() {
            try {
                drain();
            } catch (RuntimeException e) {
                // The import is failing already; that failure is the one to report.
            } finally {
                thread.shutdown();
            }
        }
    }

    /** Remembers the batch (one commit), suppresses what the file says is suppressed; returns how many. */
    private static int store(MemoryEngine engine, String space, List<Pending> batch, Map<String, Long> ids) {
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
        return batch.size();
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
        if (values instanceof Json.Numbers numbers) {
            for (int i = 0; i < dimensions; i++) {
                vector[i] = (float) numbers.doubleAt(i);
            }
        } else {
            for (int i = 0; i < dimensions; i++) {
                if (!(values.get(i) instanceof Double d)) {
                    throw new IllegalArgumentException("embedding[" + i + "] is not a number");
                }
                vector[i] = d.floatValue();
            }
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
