package engram.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import engram.repository.RepositoryIndex.Resource;

/**
 * The steps of {@code docs/operations/deploy.md}, as an operator runs them: copy the index and
 * its {@code bundles/} folder somewhere, then run {@code Deploy.java} on an empty Felix and on an
 * empty Equinox (each in a JVM of its own, the framework jar its only class path entry) with the
 * JVM flags the guide gives, and type {@code engram:kernels} and {@code stop 0} at the Gogo
 * prompt. The framework must install every bundle of the index from its URL, start them, see
 * the kernel router and the kernels register (the Zig kernels where this platform's native
 * fragment is in the index), and stop cleanly. {@code Deploy.java} waits for each service
 * with a timeout; this test waits only for the JVM to end.
 */
class DeployTest {
    private static final Path INDEX = pathProperty("engram.repository.index");
    private static final Path DEPLOY = pathProperty("engram.repository.deploy");
    private static final Path FELIX = pathProperty("engram.repository.felix");
    private static final Path EQUINOX = pathProperty("engram.repository.equinox");
    private static final List<String> JVM_FLAGS =
            List.of(System.getProperty("engram.repository.jvm.flags").strip().split("\\s+"));
    /** What the guide has the operator type at the prompt. */
    private static final String GOGO_INPUT = "engram:kernels\nstop 0\n";
    /** A framework that has not stopped by then has hung: the test fails instead of waiting on. */
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);
    private static final String SHELL_BUNDLE = "org.apache.felix.gogo.shell";

    private static RepositoryIndex index;

    @TempDir
    Path work;

    @BeforeAll
    static void readIndex() throws Exception {
        index = RepositoryIndex.read(INDEX);
    }

    @Test
    void deploysIntoFelixFromTheIndex() throws Exception {
        Path copy = copyRepository();
        deploy("felix", FELIX, copy.resolve("index.xml").toString(), Input.SCRIPT).assertDeployed();
    }

    @Test
    void deploysIntoEquinoxFromTheIndexUrl() throws Exception {
        Path copy = copyRepository();
        deploy("equinox", EQUINOX, copy.resolve("index.xml").toUri().toString(), Input.SCRIPT).assertDeployed();
    }

    @Test
    void deploysIntoFelixFromTheFolderAndStopsWhileInputStaysOpen() throws Exception {
        Path copy = copyRepository();
        deploy("felix-folder", FELIX, copy.resolve("bundles").toString(), Input.TERMINAL).assertDeployed();
    }

    /** How the commands reach the prompt. */
    private enum Input {
        /** Piped, then end of input: {@code printf '...' | java ...}. */
        SCRIPT,
        /** Typed: the input stays open after {@code stop 0}, as at a terminal. */
        TERMINAL
    }

    static Path pathProperty(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("the system property " + name + " is not set: run the tests through"
                    + " Maven (./mvnw -B verify -pl engram.repository), which sets it");
        }
        return Path.of(value);
    }

    /** The operator's copy: index.xml and bundles/, side by side, somewhere else. */
    private Path copyRepository() throws IOException {
        Path copy = Files.createDirectories(work.resolve("engram repository"));
        Files.copy(INDEX, copy.resolve("index.xml"));
        Path bundles = Files.createDirectories(copy.resolve("bundles"));
        try (Stream<Path> jars = Files.list(INDEX.resolveSibling("bundles"))) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, bundles.resolve(jar.getFileName()));
            }
        }
        return copy;
    }

    private Run deploy(String label, Path frameworkJar, String source, Input input)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", frameworkJar.toString(), DEPLOY.toString(), source));
        Path directory = Files.createDirectories(work.resolve(label));
        Path output = directory.resolve("output.txt");
        long startNanos = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        OutputStream stdin = process.getOutputStream();
        try {
            stdin.write(GOGO_INPUT.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            if (input == Input.SCRIPT) {
                stdin.close();
            }
        } catch (IOException endedEarly) {
            // The JVM ended before reading its input (a failed deployment): its output says why.
            System.out.println("[" + label + "] could not write the input: " + endedEarly.getMessage());
        }
        boolean ended = process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        stdin.close();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        List<String> lines = Files.readAllLines(output);
        lines.forEach(line -> System.out.println("[" + label + "] " + line));
        if (!ended) {
            process.destroyForcibly().waitFor();
            fail("[" + label + "] the framework did not stop within " + RUN_TIMEOUT.toSeconds() + " s: "
                    + String.join(" ", command));
        }
        System.out.printf("[%s] exit status %d after %.1f s%n", label, process.exitValue(), seconds);
        return new Run(label, source, process.exitValue(), lines);
    }

    /** The fragment with this platform's Zig libraries, if the build made one. */
    private static Optional<String> platformFragment() {
        if (!"Linux".equals(System.getProperty("os.name"))) {
            return Optional.empty();
        }
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "aarch64";
            default -> "";
        };
        String fragment = "engram.kernels.zig.linux." + arch;
        return index.resources().stream().map(Resource::symbolicName).filter(fragment::equals).findFirst();
    }

    private record Run(String label, String source, int exitStatus, List<String> lines) {
        void assertDeployed() {
            assertEquals(0, exitStatus, label + ": exit status");
            expectLine("deploy: installed " + index.resources().size() + " bundles from " + source);
            Optional<String> fragment = platformFragment();
            for (Resource resource : index.resources()) {
                String state;
                if (resource.isFragment()) {
                    state = fragment.filter(resource.symbolicName()::equals).isPresent() ? "RESOLVED" : "INSTALLED";
                } else {
                    state = SHELL_BUNDLE.equals(resource.symbolicName()) ? "INSTALLED" : "ACTIVE";
                }
                expectMatch("deploy: +\\d+ " + state + " +" + (SHELL_BUNDLE.equals(resource.symbolicName()) ? 2 : 1)
                        + " +" + Pattern.quote(resource.symbolicName() + " " + resource.version()) + "( .*)?");
            }
            expectLine("deploy: engram.api.KernelRouter registered by engram.core");
            expectLine("deploy: engram.api.KernelService ranking 50 from engram.kernels.java"
                    + " (engram.kernels.java/vector)");
            expectLine("deploy: engram.api.KernelService ranking 0 from engram.kernels.java");
            if (fragment.isPresent()) {
                expectLine("deploy: native fragment " + fragment.get() + " attached to engram.kernels.zig");
                expectMatch("deploy: engram.api.KernelService ranking \\d+ from engram.kernels.zig"
                        + " \\(engram.kernels.zig/.+\\)");
                // engram:kernels at the Gogo prompt: the Zig kernels take new calls.
                expectMatch("(g! )*\\* +zig +engram\\.kernels\\.zig/.*");
            } else {
                expectMatch("(g! )*\\* +java +engram\\.kernels\\.java/vector .*");
            }
            // Exit status 0 (checked first) means the framework reported STOPPED after stop 0; the
            // line that says so may be lost, as Gogo can close standard output as its shell ends.
            assertTrue(lines.stream().noneMatch(l -> l.startsWith("deploy: FAILED") || l.startsWith("deploy: WARNING")),
                    label + ": no failure or warning from Deploy.java");
        }

        private void expectLine(String expected) {
            assertTrue(lines.contains(expected), label + ": no line '" + expected + "' in the output");
        }

        private void expectMatch(String regex) {
            Pattern pattern = Pattern.compile(regex);
            assertTrue(lines.stream().anyMatch(l -> pattern.matcher(l).matches()),
                    label + ": no line matching '" + regex + "' in the output; " + Arrays.toString(lines.toArray()));
        }
    }
}
