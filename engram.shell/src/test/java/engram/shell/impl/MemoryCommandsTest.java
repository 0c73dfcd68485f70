package engram.shell.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import engram.api.KernelLookup;
import engram.api.memory.UnknownSpaceException;
import engram.core.memory.Engine;

class MemoryCommandsTest {
    private final Engine engine = new Engine(KernelLookup.find().named("reference").orElseThrow());
    private final MemoryCommands commands = new MemoryCommands(engine);

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aNewcomersFirstSession() {
        assertTrue(commands.space("list").startsWith("no memory space yet"));
        assertTrue(commands.space("create", "notes", "3").startsWith("created space notes: 3 dimensions"));
        assertEquals("remembered 1", commands.remember("notes", "coffee", "1,0,0"));
        assertEquals("remembered 2", commands.remember("notes", "rain", "0, 0, 1", "--strength", "0.5"));
        assertEquals("linked 1 -> 2 (0.8)", commands.link("notes", "1", "2", "0.8"));
        engine.flush("notes");
        String recalled = commands.recall("notes", "1,0,0");
        assertTrue(recalled.startsWith("RANK  ID  SCORE"), recalled);
        assertTrue(recalled.contains("coffee") && recalled.contains("rain"), recalled);
        String similar = commands.recall("notes", "--like", "1", "--mode", "similarity", "--min", "-1");
        assertTrue(similar.contains("rain") && !similar.contains("coffee"), similar);
        assertEquals("suppressed 2", commands.forget("notes", "2"));
        assertTrue(commands.stats("notes").contains("SUPPRESSED"));
        assertEquals("deleted 2", commands.forget("notes", "2", "--delete"));
        assertTrue(commands.space("list").contains("notes"));
        assertTrue(commands.space("drop", "notes").startsWith("dropped space notes"));
    }

    @Test
    void badInputGetsAMessageThatSaysWhatToDo() {
        commands.space("create", "s", "2");
        assertTrue(message(() -> commands.remember("s", "x", "1,0,0")).contains("has 3 values"));
        assertTrue(message(() -> commands.remember("s", "x", "1,NaN")).contains("embedding[1] is NaN"));
        assertTrue(message(() -> commands.remember("s", "x", "1,zero")).contains("\"zero\", is not a number"));
        assertTrue(message(() -> commands.remember("s", "x", "1,0", "--strength", "1.5")).contains("[0, 1]"));
        commands.remember("s", "x", "1,0");
        assertTrue(message(() -> commands.link("s", "1", "1", "2")).contains("weight is 2.0"));
        assertTrue(message(() -> commands.link("s", "1", "9", "0.5")).contains("memory 9"));
        assertTrue(message(() -> commands.recall("s")).contains("run it as: engram:recall SPACE"));
        assertTrue(message(() -> commands.recall("s", "1,0", "--mode", "dream")).contains("spreading"));
        assertTrue(message(() -> commands.space("create", "s", "2")).contains("exists already"));
        assertTrue(message(() -> commands.space("create", "t", "two")).contains("not a whole number"));
        assertTrue(message(() -> commands.space("create", "t", "2", "linear 3")).contains("decay curve"));
        assertThrows(UnknownSpaceException.class, () -> commands.stats("nope"));
    }

    private static String message(Runnable call) {
        return assertThrows(IllegalArgumentException.class, call::run).getMessage();
    }
}
