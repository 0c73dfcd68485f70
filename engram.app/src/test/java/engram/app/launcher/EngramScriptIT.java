package engram.app.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./engram} as a user runs it, after the build made the app: each {@code -c} statement's
 * result printed, the framework settled between statements (an update and a refresh, then the
 * kernels listed), the first failure ending the run with status 1, a new native build installed
 * by the documented commands, runs killed with SIGKILL leaving nothing behind once the app has
 * started again, and odd temporary folders or an unwritable state folder handled.
 */
class EngramScriptIT {
    private static final Path ROOT = Path.of(System.getProperty("engram.root", "..")).toAbsolutePath().normalize();
    private static final Path SCRIPT = ROOT.resolve("engram");
    private static final long TIMEOUT_SECONDS = 180;
    private static final String JAVA_ID = "engram.kernels.java/vector";
    private static final String REFERENCE_ID = "engram.kernels.java/reference";
    /** What the JVM prints on standard error when it starts with --add-modules jdk.incubator.vector. */
    private static final String INCUBATOR_NOTICE = "WARNING: Using incubator modules: jdk.incubator.vector";

    @TempDir
    Path temp;
    private Path state;

    record Run(int status, String out, String err) {
    }

    @BeforeEach
    void newStateFolder() {
        state = temp.resolve("state");
    }

    private Run engram(Map<String, String> environment, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
        builder.environment().put("ENGRAM_STATE_DIR", state.toString());
        builder.environment().putAll(environment);
        return run(builder, "./engram " + String.join(" ", arguments));
    }

    private static Run run(ProcessBuilder builder, String what) throws Exception {
        Process process = builder.start();
        process.getOutputStream().close();
        byte[][] streams = new byte[2][];
        Thread err = Thread.ofPlatform().start(() -> streams[1] = readAll(process.getErrorStream()));
        streams[0] = readAll(process.getInputStream());
        err.join();
        assertTrue(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), what + " did not end");
        return new Run(process.exitValue(), new String(streams[0], StandardCharsets.UTF_8),
                new String(streams[1], StandardCharsets.UTF_8));
    }

    private Run engram(String... arguments) throws Exception {
        return engram(Map.of(), arguments);
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The id {@code lb} shows for the bundle {@code name}, or -1. */
    private int bundleId(String name) throws Exception {
        Matcher line = Pattern.compile("(?m)^\\s*(\\d+)\\|[^|]*\\|[^|]*\\|" + Pattern.quote(name) + " ").matcher(
                engram("-c", "lb").out());
        return line.find() ? Integer.parseInt(line.group(1)) : -1;
    }

    private static Path jarOf(String module) {
        return ROOT.resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT.jar");
    }

    private boolean zigProvisioned() throws Exception {
        return bundleId("engram.kernels.zig.linux.x86_64") >= 0 && Files.exists(jarOf("engram.kernels.zig.linux.x86_64"));
    }

    @Test
    void everyStatementsResultIsPrintedInOrder() throws Exception {
        Run run = engram("-c", "engram:kernels; engram:arena\nengram:selftest");
        assertEquals(0, run.status(), run.err());
        int kernels = run.out().indexOf("INSTRUCTION SET");
        int arena = run.out().indexOf("HIGH WATER");
        int selftest = run.out().indexOf("selftest: ");
        assertTrue(kernels >= 0 && arena > kernels && selftest > arena, run.out());
    }

    @Test
    void theFirstFailedStatementEndsTheRunWithStatusOne() throws Exception {
        Run run = engram("-c", "engram:kernels; engram:kernels nonsense; engram:arena");
        assertEquals(1, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("INSTRUCTION SET"), "the statement before it ran: " + run.out());
        assertFalse(run.out().contains("HIGH WATER"), "the statement after it did not run: " + run.out());
        assertTrue(run.err().contains("engram:kernels takes no arguments"), run.err());
        assertTrue(run.err().contains("the commands after it did not run"), run.err());
        assertEquals(1, engram("-c", "no:such:command").status());
    }

    @Test
    void everyKernelIsListedBestFirstAndTheJavaKernelSaysItRegistered() throws Exception {
        Run run = engram("-c", "engram:kernels");
        assertEquals(0, run.status(), run.err());
        List<String> ids = kernelIds(run.out());
        List<String> expected = zigProvisioned()
                ? List.of("engram.kernels.zig/", JAVA_ID, REFERENCE_ID) : List.of(JAVA_ID, REFERENCE_ID);
        assertEquals(expected.size(), ids.size(), run.out());
        for (int i = 0; i < ids.size(); i++) {
            assertTrue(ids.get(i).startsWith(expected.get(i)), "kernel " + i + " is " + expected.get(i) + ": " + run.out());
        }
        assertTrue(run.err().contains("Vector API kernel (java) registered: Vector API, "), run.err());
        assertTrue(run.err().contains(INCUBATOR_NOTICE), "the JVM names the incubator module: " + run.err());
    }

    @Test
    void withoutTheVectorModuleTheReferenceServesAndOneLineSaysWhatToAdd() throws Exception {
        // The launcher as ./engram starts it, but without --add-modules jdk.incubator.vector.
        Path launcher = ROOT.resolve("engram.app/target/engram-launcher.jar");
        Path app = ROOT.resolve("engram.app/target/engram.jar");
        assertTrue(Files.isRegularFile(launcher) && Files.isRegularFile(app), "the build made the app");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                // The memory store's data in the test's folder, as ./engram puts it in its state folder.
                "-Dengram.data.dir=" + state.resolve("data"),
                "-cp", launcher.toString(), "engram.app.launcher.Main", "--app", app.toString(), "--state",
                state.toString(),
                "-c", "engram:kernels");
        Run run = run(new ProcessBuilder(command).directory(ROOT.toFile()), "the launcher without the module");
        assertEquals(0, run.status(), run.err());
        List<String> ids = kernelIds(run.out());
        assertEquals(REFERENCE_ID, ids.getLast(), run.out());
        assertFalse(ids.contains(JAVA_ID), "no java kernel without its module: " + run.out());
        assertEquals(zigProvisioned() ? 2 : 1, ids.size(), run.out());
        List<String> reasons = run.err().lines().filter(l -> l.contains("Vector API kernel (java) not registered"))
                .toList();
        assertEquals(1, reasons.size(), run.err());
        assertTrue(reasons.getFirst().contains("the module jdk.incubator.vector is not in the boot layer; start the JVM"
                + " with --add-modules jdk.incubator.vector"), reasons.getFirst());
        assertFalse(run.err().contains(INCUBATOR_NOTICE), run.err());
    }

    /** The ids of the kernels {@code engram:kernels} lists, best first. */
    private static List<String> kernelIds(String kernelsOutput) {
        Matcher id = Pattern.compile("(?m)^\\*?\\s+\\S+\\s+(engram\\.kernels\\.\\S+)\\s").matcher(kernelsOutput);
        List<String> ids = new ArrayList<>();
        while (id.find()) {
            ids.add(id.group(1));
        }
        return ids;
    }

    @Test
    void aNewNativeBuildServesAfterTheDocumentedUpdateAndRefresh() throws Exception {
        if (!zigProvisioned()) {
            assertTrue(engram("-c", "engram:kernels").out().contains(JAVA_ID), "without the fragment java serves");
            return;
        }
        int fragment = bundleId("engram.kernels.zig.linux.x86_64");
        int host = bundleId("engram.kernels.zig");
        // A "new build": a copy of the fragment jar at a location of its own.
        Path rebuilt = Files.copy(jarOf("engram.kernels.zig.linux.x86_64"), temp.resolve("rebuilt-fragment.jar"));
        Run run = engram("-c", "update " + fragment + " " + rebuilt.toUri() + "; refresh " + host
                + "; engram:kernels; headers " + fragment);
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("engram.kernels.zig/x86_64"), "zig serves right after the refresh: " + run.out());
        assertEquals(2, occurrences(run.err(), "Zig kernels registered"), "registered at start and after the refresh: "
                + run.err());
        Run host2 = engram("-c", "update " + host + "; refresh " + host + "; engram:kernels");
        assertEquals(0, host2.status(), host2.err());
        assertTrue(host2.out().contains("engram.kernels.zig/x86_64"), "zig serves after the host's update: "
                + host2.out());
        assertFalse(host2.err().contains("Exception"), host2.err());
    }

    @Test
    void runsKilledWithSigkillLeaveNothingOnceTheAppHasStartedAgain() throws Exception {
        Path tmpdir = Files.createDirectories(temp.resolve("tmpdir"));
        List<Path> tmpBefore = engramFilesIn(Path.of("/tmp"));
        for (int kill = 0; kill < 10; kill++) {
            ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString()).directory(ROOT.toFile());
            builder.environment().put("ENGRAM_STATE_DIR", state.toString());
            builder.environment().put("TMPDIR", tmpdir.toString());
            builder.redirectErrorStream(true);
            Process app = builder.start();
            awaitPrompt(app.getInputStream());
            app.destroyForcibly();
            assertTrue(app.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertTrue(Files.list(state.resolve("run")).count() >= 1, "the killed run left its folder");
        }
        Run normal = engram(Map.of("TMPDIR", tmpdir.toString()), "-c", "engram:kernels");
        assertEquals(0, normal.status(), normal.err());
        try (Stream<Path> runs = Files.list(state.resolve("run")); Stream<Path> tmp = Files.list(tmpdir)) {
            assertEquals(0, runs.count(), "every run folder of the killed runs is deleted");
            assertEquals(0, tmp.count(), "nothing in TMPDIR");
        }
        assertEquals(tmpBefore, engramFilesIn(Path.of("/tmp")), "nothing of Engram's in /tmp");
    }

    @Test
    void aTemporaryFolderWithASpaceAndAQuoteOrOneMissingChangesNothing() throws Exception {
        Path odd = Files.createDirectories(temp.resolve("dir with 'quote\" and space"));
        Run run = engram(Map.of("TMPDIR", odd.toString()), "-c", "engram:kernels");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("INSTRUCTION SET"), run.out());
        Run missing = engram(Map.of("TMPDIR", temp.resolve("no such folder").toString()), "-c", "engram:kernels");
        assertEquals(0, missing.status(), "the app writes nothing to TMPDIR, so a missing one is no matter: "
                + missing.err());
    }

    @Test
    void aStateFolderThatCannotBeWrittenStopsWithOneLineThatSaysWhatToSet() throws Exception {
        Path file = Files.writeString(temp.resolve("a-file"), "not a folder");
        state = file.resolve("state");
        Run run = engram("-c", "engram:kernels");
        assertEquals(1, run.status());
        // Besides the JVM's own notice of the incubator module, which it prints before the launcher starts.
        List<String> lines = run.err().lines().filter(l -> !l.isBlank() && !l.equals(INCUBATOR_NOTICE)).toList();
        assertEquals(1, lines.size(), run.err());
        assertTrue(lines.getFirst().startsWith("engram: cannot make the state folder")
                && lines.getFirst().contains("ENGRAM_STATE_DIR"), lines.getFirst());
    }

    /** Reads the app's output until Gogo's prompt shows: the framework is up and the shell waits. */
    private static void awaitPrompt(InputStream out) throws IOException {
        StringBuilder seen = new StringBuilder();
        for (int c = out.read(); c >= 0; c = out.read()) {
            seen.append((char) c);
            if (seen.indexOf("g! ") >= 0) {
                return;
            }
        }
        throw new AssertionError("the app ended before its prompt showed: " + seen);
    }

    private static List<Path> engramFilesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().startsWith("engram")).sorted().toList();
        }
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }
}
