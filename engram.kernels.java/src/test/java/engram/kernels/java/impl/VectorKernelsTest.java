package engram.kernels.java.impl;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelInfo;
import engram.api.KernelLookup;
import engram.api.KernelService;
import engram.api.KernelUnavailableException;
import engram.api.KernelWorkspace;

/**
 * The Vector API kernel's identity and how it is found: named {@code java} between the
 * reference and the Zig kernels, listed by {@link KernelLookup} ahead of the reference when
 * the JVM has {@code jdk.incubator.vector}, and, in a JVM without it, listed as unavailable
 * with the flag to add while none of its Vector API classes is loaded.
 */
class VectorKernelsTest {
    private static final String VECTOR_CLASSES = "engram.kernels.java.impl.Vector(Kernels|Similarity|Decay) ";

    @Test
    void itIsTheJavaKernelRankedBetweenTheReferenceAndZig() {
        try (ClosableKernelService kernel = VectorSupport.create()) {
            KernelInfo info = kernel.info();
            assertEquals("engram.kernels.java/vector", info.id());
            assertEquals("java", info.name());
            assertEquals(50, info.ranking());
            assertTrue(info.ranking() > ReferenceKernels.RANKING, "above the reference");
            assertTrue(info.instructionSet().startsWith("Vector API, "), info.instructionSet());
            assertEquals("reference", new ReferenceKernels().info().name());
            assertEquals("engram.kernels.java/reference", new ReferenceKernels().info().id());
        }
    }

    /**
     * A folder with this module's ServiceLoader registration, as its jar carries it (bnd writes
     * it into the jar, not into the classes folder the tests run from).
     */
    private static Path registration(Path folder) throws IOException {
        Path services = Files.createDirectories(folder.resolve("META-INF").resolve("services"));
        Files.writeString(services.resolve(KernelService.class.getName()), ReferenceKernels.class.getName() + "\n"
                + VectorKernelProvider.class.getName() + "\n");
        return folder;
    }

    @Test
    void kernelLookupListsItAheadOfTheReference(@TempDir Path folder) throws IOException {
        KernelLookup lookup;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {registration(folder).toUri().toURL()},
                VectorKernelsTest.class.getClassLoader())) {
            lookup = KernelLookup.find(loader);
        }
        List<String> ids = lookup.available().stream().map(k -> k.info().id()).toList();
        assertEquals(List.of("engram.kernels.java/vector", "engram.kernels.java/reference"), ids, lookup.toString());
        assertEquals(List.of(), lookup.unavailable(), lookup.toString());
        assertEquals("engram.kernels.java/vector", lookup.named("java").orElseThrow().info().id());
        assertEquals("engram.kernels.java/reference", lookup.named("reference").orElseThrow().info().id());
        KernelService best = lookup.best();
        assertEquals(0.6f, best.cosine(new float[] {1, 0}, new float[] {3, 4}, null)[0], 1e-6f, "it serves");
    }

    @Test
    void aWorkspaceOfTheReferenceIsRefusedAndAStoppedKernelRefusesCalls() {
        ReferenceKernels reference = new ReferenceKernels();
        ClosableKernelService kernel = VectorSupport.create();
        try (KernelWorkspace foreign = reference.newWorkspace()) {
            MemorySegment strength = MemorySegment.ofArray(new float[] {0.5f});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kernel.decay(foreign,
                    strength, MemorySegment.ofArray(new float[] {1f}), null, 1,
                    DecayParams.of(new DecayCurve.Exponential()), strength));
            assertTrue(e.getMessage().contains("engram.kernels.java/reference"), e.getMessage());
            assertEquals(0.5f, strength.getAtIndex(JAVA_FLOAT, 0), "nothing written");
        }
        KernelWorkspace own = kernel.newWorkspace();
        kernel.close();
        assertFalse(own.isOpen(), "stopping frees its workspaces");
        assertThrows(KernelUnavailableException.class, () -> kernel.cosine(new float[] {1}, new float[] {1}, null));
        assertThrows(KernelUnavailableException.class, kernel::newWorkspace);
    }

    @Test
    void withoutTheModuleItIsUnavailableSaysWhyAndLoadsNoVectorClass(@TempDir Path folder)
            throws IOException, InterruptedException {
        Path log = folder.resolve("classes.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log,
                "-cp", registration(folder.resolve("registration")) + File.pathSeparator
                        + System.getProperty("java.class.path"),
                WithoutTheVectorModule.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
        List<String> lines = output.lines().toList();
        assertTrue(lines.contains("module: absent"), output);
        assertTrue(lines.contains("best: engram.kernels.java/reference"), output);
        assertTrue(lines.contains("available: [engram.kernels.java/reference]"), output);
        assertTrue(lines.contains("unavailable: engram.kernels.java/vector: the module jdk.incubator.vector is not in"
                + " the boot layer; start the JVM with --add-modules jdk.incubator.vector to use the Vector API kernel"),
                output);
        assertTrue(lines.contains("a call: KernelUnavailableException"), output);
        String loaded = Files.readString(log);
        assertTrue(loaded.contains("engram.kernels.java.impl.VectorKernelProvider "), "the provider itself loads");
        assertFalse(loaded.matches("(?s).*" + VECTOR_CLASSES + ".*"), "no class that touches the Vector API loads");
        assertFalse(loaded.contains("jdk.incubator.vector."), "nothing of the module loads");
        assertFalse(output.contains("WARNING: Using incubator modules"), output);
    }

    /** The child JVM of the test above: a plain Java program without {@code --add-modules}. */
    static final class WithoutTheVectorModule {
        private WithoutTheVectorModule() {
        }

        public static void main(String[] args) {
            System.out.println("module: " + (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    ? "present" : "absent"));
            KernelLookup lookup = KernelLookup.find();
            System.out.println("best: " + lookup.best().info().id());
            System.out.println("available: " + lookup.available().stream().map(k -> k.info().id()).toList());
            for (KernelLookup.Unavailable u : lookup.unavailable()) {
                System.out.println("unavailable: " + u.id() + ": " + u.reason());
            }
            try {
                new VectorKernelProvider().cosine(new float[] {1}, new float[] {1}, null);
                System.out.println("a call: served");
            } catch (KernelUnavailableException e) {
                System.out.println("a call: KernelUnavailableException");
            }
        }
    }
}
