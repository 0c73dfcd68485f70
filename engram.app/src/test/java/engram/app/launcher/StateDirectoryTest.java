package engram.app.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state folder: a locked run folder per process, and the run folders of dead processes deleted on start. */
class StateDirectoryTest {

    @Test
    void aRunFolderIsLockedWhileItsProcessRunsAndDeletedWhenItEnds(@TempDir Path root) throws Exception {
        Path run;
        try (StateDirectory state = StateDirectory.open(root)) {
            run = state.run();
            assertTrue(Files.isDirectory(run));
            assertTrue(StateDirectory.isLive(run), "locked by this process");
            assertEquals(root.resolve("run"), run.getParent());
            assertEquals(run.resolve("framework"), state.frameworkStorage());
            assertFalse(state.othersRunning());
        }
        assertFalse(Files.exists(run), "deleted at the end");
    }

    @Test
    void theRunFoldersOfDeadProcessesAreDeletedAndThoseOfLiveOnesKept(@TempDir Path root) throws Exception {
        // What a process killed with SIGKILL leaves: its folder, storage inside, the lock file unlocked.
        Path dead = Files.createDirectories(root.resolve("run/dead-one/framework/bundle15/data/native"));
        Files.writeString(dead.resolve("engram-kernels-x86_64_v3-1.so"), "a library copy");
        Files.writeString(root.resolve("run/dead-one/lock"), "");
        Path noLock = Files.createDirectories(root.resolve("run/dead-two"));
        try (StateDirectory live = StateDirectory.open(root); StateDirectory next = StateDirectory.open(root)) {
            assertEquals(2, live.staleRunsDeleted());
            assertFalse(Files.exists(root.resolve("run/dead-one")));
            assertFalse(Files.exists(noLock));
            assertEquals(0, next.staleRunsDeleted(), "the first run's folder is live: kept");
            assertTrue(Files.isDirectory(live.run()));
            assertTrue(next.othersRunning());
        }
        try (var left = Files.list(root.resolve("run"))) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void aStateFolderThatCannotBeMadeSaysWhatToSet(@TempDir Path root) throws IOException {
        Path file = Files.writeString(root.resolve("a-file"), "not a folder");
        LaunchException refused = assertThrows(LaunchException.class, () -> StateDirectory.open(file.resolve("state")));
        assertTrue(refused.getMessage().contains(file.resolve("state").toString())
                && refused.getMessage().contains("ENGRAM_STATE_DIR"), refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"), "one line");
    }
}
