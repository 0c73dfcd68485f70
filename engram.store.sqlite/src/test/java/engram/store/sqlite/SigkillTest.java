package engram.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import engram.api.KernelLookup;
import engram.api.memory.Cue;
import engram.api.memory.RecallOptions;
import engram.api.memory.store.MemoryStore;
import engram.api.memory.store.StoredLink;
import engram.api.memory.store.StoredMemory;
import engram.api.memory.SpaceInfo;
import engram.core.memory.Engine;

/**
 * Kills (SIGKILL) a JVM that is ingesting, then checks that every memory and link it
 * acknowledged is in the store, that the store opens clean (the lock is free, SQLite's
 * integrity check passes), and that the engine loads it and recalls from it.
 */
class SigkillTest {
    private static final int ACKS_BEFORE_THE_KILL = 300;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedMemoryAndLinkSurvivesAKill() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(IngestUntilKilled.class.getName());
        command.add(dir.toString());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        Set<Long> acked = new HashSet<>();
        Set<List<Long>> linked = new HashSet<>();
        List<String> other = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (acked.size() < ACKS_BEFORE_THE_KILL && (line = out.readLine()) != null) {
                String[] words = line.split(" ");
                if (words[0].equals("ack")) {
                    acked.add(Long.parseLong(words[1]));
                } else if (words[0].equals("link")) {
                    linked.add(List.of(Long.parseLong(words[1]), Long.parseLong(words[2])));
                } else if (!line.equals("ready")) {
                    other.add(line);
                }
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not die");
        }
        assertEquals(ACKS_BEFORE_THE_KILL, acked.size(), "the child stopped early: " + other);
        assertEquals(137, child.exitValue(), "killed by SIGKILL (128 + 9)");

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStore.DATABASE));
                Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
            r.next();
            assertEquals("ok", r.getString(1));
        }
        Set<Long> stored = new HashSet<>();
        Set<List<Long>> storedLinks = new HashSet<>();
        try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL)) {
            store.load(new MemoryStore.Loader() {
                @Override
                public void space(SpaceInfo space, long memories, long links) {
                }

                @Override
                public void memory(String space, StoredMemory memory) {
                    stored.add(memory.id());
                }

                @Override
                public void link(String space, StoredLink link) {
                    storedLinks.add(List.of(link.from(), link.to()));
                }
            });
            assertTrue(stored.containsAll(acked), "acknowledged but lost: " + difference(acked, stored));
            assertTrue(storedLinks.containsAll(linked), "acknowledged links lost");
            try (Engine engine = new Engine(KernelLookup.find().named("reference").orElseThrow(), store)) {
                assertEquals(stored.size(), engine.stats("s").memories());
                float[] cue = new float[8];
                cue[0] = 1f;
                assertEquals(10, engine.recall("s", Cue.of(cue), RecallOptions.DEFAULT).size());
            }
        }
    }

    private static Set<Long> difference(Set<Long> a, Set<Long> b) {
        Set<Long> d = new HashSet<>(a);
        d.removeAll(b);
        return d;
    }
}
