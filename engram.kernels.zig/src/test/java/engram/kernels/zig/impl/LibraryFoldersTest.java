package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the private copy of the native library goes: the first of a list of folders that can
 * hold it and map it. A folder that cannot be written, or that is mounted {@code noexec} (the
 * copy is written but cannot be mapped), is passed over with its reason; when none works the
 * message lists each folder and says what to set.
 */
class LibraryFoldersTest {

    @Test
    void aFolderThatCannotHoldTheCopyIsPassedOverForTheNext(@TempDir Path temp) throws Exception {
        NativeLibraries.assumeBuilt();
        Path notAFolder = Files.writeString(temp.resolve("a-file"), "not a folder");
        Path good = temp.resolve("good");
        try (NativeKernelLibrary library = NativeKernelLibrary.load(getClass().getClassLoader(), NativeLibraries.best(),
                List.of(notAFolder.resolve("copies"), good))) {
            assertEquals(NativeLibraries.best(), library.level);
        }
        try (var copies = Files.list(good)) {
            assertEquals(0, copies.count(), "the copy is deleted once mapped");
        }
    }

    @Test
    void whenNoFolderWorksTheMessageNamesEachFolderAndWhatToSet(@TempDir Path temp) throws Exception {
        NativeLibraries.assumeBuilt();
        Path file = Files.writeString(temp.resolve("a-file"), "x");
        NativeKernelLibrary.LoadException refused = assertThrows(NativeKernelLibrary.LoadException.class,
                () -> NativeKernelLibrary.load(getClass().getClassLoader(), NativeLibraries.best(),
                        List.of(file.resolve("one"), file.resolve("two"))));
        String message = refused.getMessage();
        assertTrue(message.contains(file.resolve("one") + " cannot hold a copy")
                && message.contains(file.resolve("two") + " cannot hold a copy"), message);
        assertTrue(message.contains("libraryFolder") && message.contains("-Dengram.zig.libraryFolder=")
                && message.contains("noexec"), message);
    }

    @Test
    void aFolderMountedNoexecIsNamedAsSuchAndPassedOver(@TempDir Path temp) throws Exception {
        NativeLibraries.assumeBuilt();
        Path mount = Files.createDirectory(temp.resolve("noexec"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "noexec,size=8m", "tmpfs", mount.toString()),
                "this machine does not let the test mount a noexec tmpfs (not root?); the check needs one");
        try {
            assertEquals(mount.toRealPath().toString(), NativeKernelLibrary.noexecMountOf(mount));
            assertEquals(null, NativeKernelLibrary.noexecMountOf(temp), "the test folder itself allows executables");
            NativeKernelLibrary.LoadException refused = assertThrows(NativeKernelLibrary.LoadException.class,
                    () -> NativeKernelLibrary.load(getClass().getClassLoader(), NativeLibraries.best(), List.of(mount)));
            assertTrue(refused.getMessage().contains(mount + " is on " + mount.toRealPath() + ", mounted noexec"),
                    refused.getMessage());
            try (NativeKernelLibrary library = NativeKernelLibrary.load(getClass().getClassLoader(),
                    NativeLibraries.best(), List.of(mount, temp.resolve("fallback")))) {
                assertEquals(NativeLibraries.best(), library.level);
            }
            try (var left = Files.list(mount)) {
                assertEquals(0, left.count(), "the copy that could not be mapped is deleted too");
            }
        } finally {
            // Lazily: the failed mapping may keep the file system busy until this JVM lets go of it.
            assertTrue(run("umount", "-l", mount.toString()), "unmounting " + mount);
        }
    }

    @Test
    void staleCopiesAreDeletedAndNothingElse(@TempDir Path temp) throws IOException {
        Path stale = Files.writeString(temp.resolve("engram-kernels-x86_64_v3-123.so"), "left by a killed process");
        Path other = Files.writeString(temp.resolve("notes.txt"), "kept");
        assertEquals(1, NativeKernelLibrary.deleteStaleCopies(temp));
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(other));
        assertEquals(0, NativeKernelLibrary.deleteStaleCopies(temp.resolve("missing")));
    }

    @Test
    void theSystemPropertyFolderComesBeforeTheTemporaryFolder() {
        String before = System.getProperty(NativeKernelLibrary.FOLDER_PROPERTY);
        try {
            System.setProperty(NativeKernelLibrary.FOLDER_PROPERTY, "/opt/engram/native");
            assertEquals(List.of(Path.of("/opt/engram/native"), Path.of(System.getProperty("java.io.tmpdir"))),
                    NativeKernelLibrary.defaultFolders());
            System.clearProperty(NativeKernelLibrary.FOLDER_PROPERTY);
            assertEquals(List.of(Path.of(System.getProperty("java.io.tmpdir"))), NativeKernelLibrary.defaultFolders());
        } finally {
            if (before != null) {
                System.setProperty(NativeKernelLibrary.FOLDER_PROPERTY, before);
            }
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    }
}
