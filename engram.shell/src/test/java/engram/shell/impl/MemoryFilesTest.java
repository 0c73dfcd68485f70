package engram.shell.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import engram.api.KernelLookup;
import engram.api.memory.Memory;
import engram.core.memory.Engine;

class MemoryFilesTest {
    private static final Path SAMPLE = Path.of(System.getProperty("engram.root", "..")).resolve("samples/notes.jsonl");
    private final Engine engine = new Engine(KernelLookup.find().named("reference").orElseThrow());
    private final PrintStream progress = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void theSampleImportsAndAnExportImportsAgainAsItWas() {
        engine.createSpace("notes", 8);
        MemoryFiles.Imported imported = MemoryFiles.importFile(engine, "notes", SAMPLE, progress);
        assertEquals(24, imported.memories());
        assertEquals(16, imported.links());
        Path out = dir.resolve("out.jsonl");
        assertEquals(24, MemoryFiles.exportFile(engine, "notes", out)[0]);
        engine.createSpace("copy", 8);
        MemoryFiles.importFile(engine, "copy", out, progress);
        List<String> original = contents("notes");
        assertEquals(original, contents("copy"));
        assertEquals(16, engine.stats("copy").links());
    }

    @Test
    void aLargeImportPrintsAProgressBarThatFillsUpAndASummary() throws Exception {
        engine.createSpace("s", 4);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append("{\"key\": \"m").append(i).append("\", \"content\": \"memory ").append(i)
                    .append("\", \"embedding\": [1, ").append(i % 7).append(", 0.5, ").append(i % 3).append("]}\n");
        }
        for (int i = 0; i < 5_000; i++) {
            text.append("{\"from\": \"m").append(i).append("\", \"to\": \"m").append(i + 1)
                    .append("\", \"weight\": 0.5}\n");
        }
        Path file = Files.writeString(dir.resolve("large.jsonl"), text);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MemoryFiles.Imported imported = MemoryFiles.importFile(engine, "s", file,
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(25_000, imported.lines());
        assertEquals(20_000, imported.memories());
        assertEquals(5_000, imported.links());
        assertEquals(20_000, engine.stats("s").memories());
        assertEquals(5_000, engine.stats("s").links());
        assertTrue(imported.summary(file).startsWith("imported 20,000 memories and 5,000 links from " + file
                + " (25,000 lines) in "), imported.summary(file));

        Pattern bar = Pattern.compile("import \\[([#.]{20})\\] (\\d+)%  ([\\d,]+) lines: ([\\d,]+) memories, ([\\d,]+) links");
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.size() >= 5, "a bar line at each further 10 % from line 10,000 on: " + lines);
        List<Integer> percents = new ArrayList<>();
        int lastPercent = -1;
        long lastLine = 0;
        for (String line : lines) {
            Matcher m = bar.matcher(line);
            assertTrue(m.matches(), line);
            int percent = Integer.parseInt(m.group(2));
            long lineNumber = Long.parseLong(m.group(3).replace(",", ""));
            assertTrue(percent > lastPercent && lineNumber > lastLine, "the bar only moves forward: " + lines);
            assertTrue(lineNumber >= 10_000, "no bar before line 10,000: " + line);
            assertEquals("#".repeat(percent * 20 / 100), m.group(1).replace(".", ""), line);
            percents.add(percent);
            lastPercent = percent;
            lastLine = lineNumber;
        }
        // Line 10,000 ends at 42 % of the file's bytes (the reader reads a few KiB ahead), then
        // each further 10 % has a line.
        assertEquals(List.of(50, 60, 70, 80, 90, 100), percents.subList(1, percents.size()), lines.toString());
        assertTrue(percents.get(0) >= 42 && percents.get(0) < 50, lines.get(0));
        assertEquals("import [####################] 100%  25,000 lines: 20,000 memories, 5,000 links",
                lines.get(lines.size() - 1));
    }

    @Test
    void aSmallImportPrintsNoBarOnlyTheSummary() {
        engine.createSpace("notes", 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MemoryFiles.Imported imported = MemoryFiles.importFile(engine, "notes", SAMPLE,
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertTrue(imported.summary(SAMPLE).startsWith("imported 24 memories and 16 links from " + SAMPLE
                + " (40 lines) in "), imported.summary(SAMPLE));
        assertFalse(imported.summary(SAMPLE).contains("%"));
    }

    private List<String> contents(String space) {
        List<String> out = new ArrayList<>();
        List<long[]> links = new ArrayList<>();
        engine.scan(space, (Memory m) -> out.add(m.content() + " " + java.util.Arrays.toString(m.embedding()) + " "
                + m.metadata()), l -> links.add(new long[] {l.from(), l.to()}));
        out.add(links.size() + " links");
        return out;
    }

    @Test
    void aBadLineIsNamedAndTheLinesBeforeItStayImported() throws Exception {
        engine.createSpace("s", 2);
        Path file = Files.writeString(dir.resolve("bad.jsonl"), """
                {"key": "a", "content": "first", "embedding": [1, 0]}
                {"key": "b", "content": "second", "embedding": [0, 1]}
                {"from": "a", "to": "b", "weight": 0.5}
                {"key": "c", "content": "third", "embedding": [1, 1, 1]}
                {"key": "d", "content": "never", "embedding": [1, 1]}
                """);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> MemoryFiles.importFile(engine, "s", file, progress));
        assertTrue(bad.getMessage().startsWith("line 4 of ") && bad.getMessage().contains("3 values"),
                bad.getMessage());
        assertEquals(2, engine.stats("s").memories(), "lines 1 and 2 are stored, line 4 and 5 are not");
        assertEquals(1, engine.stats("s").links());
    }

    @Test
    void aKeyOrALinkOfABatchAlreadyHandedToTheWriterIsSeenAndEveryBatchBeforeABadLineIsStored() throws Exception {
        engine.createSpace("s", 2);
        StringBuilder text = new StringBuilder();
        // One whole batch (handed to the writer's thread at its last line), then a link to its last
        // memory and to the first of the next batch, then a key of the first batch again.
        for (int i = 0; i < MemoryFiles.BATCH + 1; i++) {
            text.append("{\"key\": \"m").append(i).append("\", \"embedding\": [1, ").append(i).append("]}\n");
        }
        text.append("{\"from\": \"m").append(MemoryFiles.BATCH - 1).append("\", \"to\": \"m")
                .append(MemoryFiles.BATCH).append("\", \"weight\": 0.5}\n");
        text.append("{\"key\": \"m7\", \"embedding\": [0, 1]}\n");
        Path file = Files.writeString(dir.resolve("again.jsonl"), text);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> MemoryFiles.importFile(engine, "s", file, progress));
        int badLine = MemoryFiles.BATCH + 3;
        assertTrue(bad.getMessage().startsWith("line " + badLine + " of ") && bad.getMessage().contains("\"m7\" was used"
                + " before") && bad.getMessage().contains("(" + (MemoryFiles.BATCH + 1) + " memories, 1 links)"),
                bad.getMessage());
        assertEquals(MemoryFiles.BATCH + 1, engine.stats("s").memories());
        assertEquals(1, engine.stats("s").links());
    }

    @Test
    void malformedLinesSayWhatIsWrong() throws Exception {
        engine.createSpace("s", 2);
        assertEquals("line 1", failure("{\"embedding\": [1, 0]", "expected '}' at character 21"));
        assertEquals("line 2", failure("{\"key\": \"a\", \"embedding\": [1, 0]}\n{\"from\": \"a\", \"to\": \"zz\","
                + " \"weight\": 1}", "no memory of key \"zz\""));
        assertEquals("line 1", failure("{\"key\": \"a\", \"embedding\": [1, 0], \"colour\": \"red\"}", "unknown name"));
        assertEquals("line 1", failure("{\"embedding\": [1, 0], \"strength\": 2}", "strength is 2.0"));
        assertEquals("line 2", failure("{\"key\": \"a\", \"embedding\": [1, 0]}\n{\"key\": \"a\", \"embedding\":"
                + " [0, 1]}", "used before"));
        assertEquals("line 1", failure("[1, 2]", "one JSON object"));
    }

    private String failure(String content, String expected) throws Exception {
        Path file = Files.writeString(dir.resolve("f" + System.nanoTime() + ".jsonl"), content + "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemoryFiles.importFile(engine, "s", file, progress));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        return e.getMessage().substring(0, e.getMessage().indexOf(" of "));
    }
}
