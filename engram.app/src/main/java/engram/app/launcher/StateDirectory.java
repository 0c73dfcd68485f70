package engram.app.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The folder the app owns: {@code run/<id>/} for each running app (its framework storage, and
 * with it the bundles' data areas, where the Zig bundle copies its native library; locked while
 * it runs) and {@code cache/} for the bundles extracted from the app archive. Nothing of the app
 * goes to the system's temporary folder, so a process killed with SIGKILL leaves its files here,
 * and the next start deletes every run folder whose lock no process holds.
 */
final class StateDirectory implements AutoCloseable {
    private static final String LOCK_FILE = "lock";

    private final Path root;
    private final Path run;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final int staleRunsDeleted;

    private StateDirectory(Path root, Path run, FileChannel lockChannel, FileLock lock, int staleRunsDeleted) {
        this.root = root;
        this.run = run;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.staleRunsDeleted = staleRunsDeleted;
    }

    /**
     * Opens (making it if needed) the state folder {@code root}, deletes the run folders that
     * processes which died left behind, and makes and locks a run folder for this process.
     *
     * @throws LaunchException naming the folder and what to set, if it cannot be written
     */
    static StateDirectory open(Path root) throws LaunchException {
        Path runs = root.resolve("run");
        try {
            Files.createDirectories(runs);
        } catch (IOException e) {
            throw new LaunchException("cannot make the state folder " + root + " (" + describe(e) + "): set"
                    + " ENGRAM_STATE_DIR to a folder you can write");
        }
        if (!Files.isWritable(runs)) {
            throw new LaunchException("the state folder " + root + " is not writable: set ENGRAM_STATE_DIR to a"
                    + " folder you can write");
        }
        int stale = deleteStaleRuns(runs);
        Path run = runs.resolve(UUID.randomUUID().toString());
        try {
            Files.createDirectories(run);
            FileChannel channel = FileChannel.open(run.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock held = channel.tryLock();
            if (held == null) {
                channel.close();
                throw new LaunchException("cannot lock the new run folder " + run + "; is another process using it?");
            }
            return new StateDirectory(root, run, channel, held, stale);
        } catch (IOException e) {
            throw new LaunchException("cannot make a run folder in " + runs + " (" + describe(e) + "): set"
                    + " ENGRAM_STATE_DIR to a folder you can write");
        }
    }

    /** Deletes every run folder whose lock no process holds; returns how many. */
    private static int deleteStaleRuns(Path runs) throws LaunchException {
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(runs)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry) && !isLive(entry)) {
                    stale.add(entry);
                }
            }
        } catch (IOException e) {
            throw new LaunchException("cannot read the run folders in " + runs + " (" + describe(e) + ")");
        }
        for (Path entry : stale) {
            deleteTree(entry);
        }
        return stale.size();
    }

    /** Whether a process holds the lock of the run folder {@code run}. */
    static boolean isLive(Path run) {
        Path lockFile = run.resolve(LOCK_FILE);
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            // This very process holds it.
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    /** Deletes {@code tree} and everything in it; what vanished meanwhile is no error. */
    static void deleteTree(Path tree) {
        try {
            Files.walkFileTree(tree, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // Deleted by someone else meanwhile: what was asked.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + tree + ": " + describe(e), e);
        }
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    Path root() {
        return root;
    }

    /** This process's run folder. */
    Path run() {
        return run;
    }

    /** Where this process's framework keeps its storage. */
    Path frameworkStorage() {
        return run.resolve("framework");
    }

    /** Where extracted app archives are kept. */
    Path cache() {
        return root.resolve("cache");
    }

    /** How many run folders of dead processes {@link #open} deleted. */
    int staleRunsDeleted() {
        return staleRunsDeleted;
    }

    /** Whether any other process is running from this state folder. */
    boolean othersRunning() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root.resolve("run"))) {
            for (Path entry : entries) {
                if (!entry.equals(run) && isLive(entry)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Releases the lock and deletes this process's run folder. */
    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock of " + run, e);
        }
        deleteTree(run);
    }
}
