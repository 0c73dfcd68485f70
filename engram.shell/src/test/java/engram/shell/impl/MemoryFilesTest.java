package engram.shell.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
