package engram.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import engram.api.KernelLookup;
import engram.api.KernelService;
import engram.api.memory.Cue;
import engram.api.memory.Memory;
import engram.api.memory.NewMemory;
import engram.api.memory.RecallOptions;
import engram.api.memory.store.StoreException;
import engram.core.memory.Engine;

/**
 * The data directory held by another process ({@link HoldStore} in a JVM of its own): an
 * Engram's store, refused at open with the holder's process id, and a tool's write lock on the
 * database, which refuses a write while the engine keeps serving. Each holder lets go when its
 * standard input is closed, so nothing here waits on a clock.
 */
class OtherProcessTest {
    private static final KernelService REFERENCE = KernelLookup.find().named("reference").orElseThrow();

    @TempDir
    Path dir;

    private Process holder;

    @AfterEach
    void stopTheHolder() throws InterruptedException {
        if (holder != null && holder.isAlive()) {
            holder.destroyForcibly();
            holder.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** Starts a holder and waits for its {@code holding} line. */
    private void hold(String mode) throws IOException {
        holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                HoldStore.class.getName(), dir.toString(), mode).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("holding ")) {
                return;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the holder exited before it held the directory:\n" + seen);
    }

    /** Closes the holder's standard input, which makes it let go, and waits for it to exit. */
    private void release() throws IOException, InterruptedException {
        holder.getOutputStream().close();
        assertTrue(holder.waitFor(60, TimeUnit.SECONDS), "the holder did not exit");
        assertEquals(0, holder.exitValue());
    }

    @Test
    void aStoreAnotherProcessHoldsIsRefusedWithThatProcessUntilItExits() throws Exception {
        hold("store");
        Path directory = dir.toAbsolutePath().normalize();
        StoreException refused = assertThrows(StoreException.class, () -> new SqliteStore(dir, SqliteStore.Sync.FULL));
        String message = refused.getMessage();
        assertTrue(message.contains("the store in " + directory + " is in use by process " + holder.pid()), message);
        assertTrue(message.contains(directory.resolve(SqliteStore.LOCK).toString()), message);
        assertTrue(message.contains("stop that one, or configure another data directory (engram.store.sqlite:"
                + " dataDirectory)"), message);
        release();
        try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL)) {
            assertTrue(store.describe().endsWith(directory.resolve(SqliteStore.DATABASE).toString()), store.describe());
        }
    }

    @Test
    void aWriteLockAnotherProcessHoldsOnTheDatabaseRefusesAWriteAndTheEngineKeepsServing() throws Exception {
        long kept;
        try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL);
                Engine engine = new Engine(REFERENCE, store)) {
            engine.createSpace("s", 2);
            kept = engine.remember("s", NewMemory.of(new float[] {1, 0}, "kept"));
            hold("write-lock");
            StoreException refused = assertThrows(StoreException.class,
                    () -> engine.remember("s", NewMemory.of(new float[] {0, 1}, "refused")));
            String message = refused.getMessage();
            assertTrue(message.contains("another process holds a lock on "
                    + dir.toAbsolutePath().normalize().resolve(SqliteStore.DATABASE)), message);
            assertTrue(message.contains("stop it or let it finish, then try again") && message.contains(
                    "nothing was changed"), message);
            assertEquals(1, engine.stats("s").memories(), "the refused memory is not in the engine");
            assertEquals(List.of(kept), engine.recall("s", Cue.of(new float[] {1, 1}), RecallOptions.DEFAULT).stream()
                    .map(r -> r.id()).toList(), "the engine keeps serving recalls");
            release();
            engine.remember("s", NewMemory.of(new float[] {0, 1}, "after"));
            assertEquals(2, engine.stats("s").memories());
        }
        try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL);
                Engine engine = new Engine(REFERENCE, store)) {
            StringBuilder contents = new StringBuilder();
            engine.scan("s", (Memory m) -> contents.append(m.content()).append(' '), link -> { });
            assertEquals("kept after ", contents.toString());
            assertEquals(1, engine.get("s", kept).orElseThrow().accessCount(),
                    "the recall's access, recorded while the lock was held, is written by the close");
        }
    }
}
