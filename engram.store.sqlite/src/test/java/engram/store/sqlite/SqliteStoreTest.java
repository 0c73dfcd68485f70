package engram.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import engram.api.DecayCurve;
import engram.api.memory.SpaceInfo;
import engram.api.memory.store.AccessUpdate;
import engram.api.memory.store.MemoryStore;
import engram.api.memory.store.StoreException;
import engram.api.memory.store.StoredLink;
import engram.api.memory.store.StoredMemory;

class SqliteStoreTest {
    @TempDir
    Path dir;

    /** What a load hands over. */
    private static final class Loaded implements MemoryStore.Loader {
        final List<SpaceInfo> spaces = new ArrayList<>();
        final List<StoredMemory> memories = new ArrayList<>();
        final List<StoredLink> links = new ArrayList<>();

        @Override
        public void space(SpaceInfo space, long memoryCount, long linkCount) {
            spaces.add(space);
        }

        @Override
        public void memory(String space, StoredMemory memory) {
            memories.add(memory);
        }

        @Override
        public void link(String space, StoredLink link) {
            links.add(link);
        }
    }

    private static StoredMemory memory(long id, float... embedding) {
        return new StoredMemory(id, embedding, "memory " + id, 0.75f, 1000 + id, 2000 + id, 0,
                Map.of("lang", "en", "odd:key", "a:b"), false);
    }

    @Test
    void whatWasWrittenIsLoadedAfterAReopen() {
        try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL)) {
            store.createSpace(new SpaceInfo("s", 2, new DecayCurve.PowerLaw(3600, 0.2)));
            store.insertMemories("s", List.of(memory(1, 1, 0), memory(2, 0, 1), memory(3, 1, 1)));
            store.putLinks("s", List.of(new StoredLink(1, 2, 0.5f), new StoredLink(2, 3, 0.25f)));
            store.putLinks("s", List.of(new StoredLink(1, 2, 0.9f)));
            store.suppress("s", 2);
            store.updateAccess("s", List.of(new AccessUpdate(1, 5000, 3)));
            store.delete("s", 3);
            assertEquals(3, store.maxId());
        }
        try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL)) {
            Loaded loaded = new Loaded();
            store.load(loaded);
            assertEquals(List.of(new SpaceInfo("s", 2, new DecayCurve.PowerLaw(3600, 0.2))), loaded.spaces);
            assertEquals(2, loaded.memories.size());
            StoredMemory first = loaded.memories.get(0);
            assertArrayEquals(new float[] {1, 0}, first.embedding());
            assertEquals(5000, first.lastAccessMillis());
            assertEquals(3, first.accessCount());
            assertEquals(Map.of("lang", "en", "odd:key", "a:b"), first.metadata());
            assertTrue(loaded.memories.get(1).suppressed());
            assertEquals(List.of(new StoredLink(1, 2, 0.9f)), loaded.links, "the deleted memory's link went with it");
            assertEquals(3, store.maxId(), "ids are never reused, deleted ones included");
        }
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefused() {
        try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL)) {
            StoreException refused = assertThrows(StoreException.class,
                    () -> new SqliteStore(dir, SqliteStore.Sync.FULL));
            assertTrue(refused.getMessage().contains("in use by another store in this process"), refused.getMessage());
            assertThrows(StoreException.class, () -> new SqliteStore(dir, SqliteStore.Sync.FULL),
                    "the refused store let go of nothing: the first still holds the lock");
            assertTrue(store.describe().contains("SQLite 3."), store.describe());
        }
        new SqliteStore(dir, SqliteStore.Sync.NORMAL).close();
    }

    @Test
    void aDataDirectoryThatCannotBeMadeIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        StoreException refused = assertThrows(StoreException.class,
                () -> new SqliteStore(file.resolve("data"), SqliteStore.Sync.FULL));
        assertTrue(refused.getMessage().contains("cannot make the data directory") && refused.getMessage()
                .contains("dataDirectory"), refused.getMessage());
    }

    /** True if this user can still make a file in {@code directory} (root can, whatever its mode). */
    private static boolean canMakeAFileIn(Path directory) {
        try {
            Files.delete(Files.createFile(directory.resolve("probe")));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void assertNotWritable(Path directory, StoreException refused) {
        String message = refused.getMessage();
        assertTrue(message.contains("the data directory " + directory.toAbsolutePath().normalize()
                + " is not writable"), message);
        assertTrue(message.contains("give this user write access, or configure another (engram.store.sqlite:"
                + " dataDirectory)"), message);
    }

    @Test
    void aReadOnlyDataDirectoryIsNamed() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        new SqliteStore(data, SqliteStore.Sync.FULL).close();
        Set<PosixFilePermission> before = Files.getPosixFilePermissions(data);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeTrue(!canMakeAFileIn(data), "this user (root?) writes in a directory of mode r-xr-xr-x anyway;"
                    + " anImmutableDataDirectoryIsNamedEvenForRoot covers it");
            assertNotWritable(data, assertThrows(StoreException.class,
                    () -> new SqliteStore(data, SqliteStore.Sync.FULL)));
        } finally {
            Files.setPosixFilePermissions(data, before);
        }
        new SqliteStore(data, SqliteStore.Sync.FULL).close();
    }

    @Test
    void anImmutableDataDirectoryIsNamedEvenForRoot() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        try (SqliteStore store = new SqliteStore(data, SqliteStore.Sync.FULL)) {
            store.createSpace(new SpaceInfo("s", 1, new DecayCurve.Exponential(60)));
            store.insertMemories("s", List.of(memory(1, 1)));
        }
        assumeTrue(chattr("+i", data), "chattr +i is refused here (no chattr, or no CAP_LINUX_IMMUTABLE)");
        try {
            assertTrue(!canMakeAFileIn(data), "an immutable directory takes no new file, not even from root");
            assertNotWritable(data, assertThrows(StoreException.class,
                    () -> new SqliteStore(data, SqliteStore.Sync.FULL)));
        } finally {
            assertTrue(chattr("-i", data), "chattr -i " + data);
        }
        try (SqliteStore store = new SqliteStore(data, SqliteStore.Sync.FULL)) {
            Loaded loaded = new Loaded();
            store.load(loaded);
            assertEquals(1, loaded.memories.size(), "the store is as it was once the directory is writable again");
        }
    }

    /** Runs {@code chattr FLAG PATH}; false if there is no chattr or it fails. */
    private static boolean chattr(String flag, Path path) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("chattr", flag, path.toString()).redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aDataDirectoryInWhichNoFileCanBeMadeIsNamed() {
        // /proc takes no new file from anyone, root included, though an access check lets root
        // write there: the store's open must find out by making its lock file.
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc.resolve("self")), "no /proc here");
        assumeTrue(!canMakeAFileIn(proc), "/proc takes files here");
        assertNotWritable(proc, assertThrows(StoreException.class, () -> new SqliteStore(proc, SqliteStore.Sync.FULL)));
    }

    @Test
    void aFullDatabaseRefusesAWriteWholeAndTheNextWritesAreWholeTransactionsAgain() {
        try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL)) {
            store.createSpace(new SpaceInfo("s", 256, new DecayCurve.Exponential(60)));
            store.insertMemories("s", List.of(memory(1, new float[256])));
            store.limitSize(0);
            List<StoredMemory> big = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                big.add(memory(10 + i, new float[256]));
            }
            StoreException full = assertThrows(StoreException.class, () -> store.insertMemories("s", big));
            assertTrue(full.getMessage().contains("SQLITE_FULL") && full.getMessage().contains("is full"),
                    full.getMessage());
            store.limitSize(1_000_000);
            // SQLite rolled the full transaction back itself; the next write must still be one
            // transaction: memory 2 goes with the duplicate memory 1 of its batch.
            assertThrows(StoreException.class, () -> store.insertMemories("s", List.of(memory(2, new float[256]),
                    memory(1, new float[256]))));
            store.insertMemories("s", List.of(memory(3, new float[256])));
            Loaded loaded = new Loaded();
            store.load(loaded);
            assertEquals(List.of(1L, 3L), loaded.memories.stream().map(StoredMemory::id).toList());
        }
    }

    @Test
    void aFailedWriteChangesNothing() {
        try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL)) {
            store.createSpace(new SpaceInfo("s", 1, new DecayCurve.Exponential(60)));
            store.insertMemories("s", List.of(memory(1, 1)));
            StoreException duplicate = assertThrows(StoreException.class,
                    () -> store.insertMemories("s", List.of(memory(2, 1), memory(1, 1))));
            assertTrue(duplicate.getMessage().contains("nothing was changed"), duplicate.getMessage());
            Loaded loaded = new Loaded();
            store.load(loaded);
            assertEquals(1, loaded.memories.size(), "memory 2 of the failed batch is not there either");
            assertThrows(StoreException.class, () -> store.putLinks("s", List.of(new StoredLink(1, 99, 0.5f))));
        }
    }
}
