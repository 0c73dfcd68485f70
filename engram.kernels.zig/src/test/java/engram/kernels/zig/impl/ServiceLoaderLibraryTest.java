package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import engram.api.KernelLookup;
import engram.api.KernelService;
import engram.api.KnownAnswers;
import engram.kernels.java.impl.ReferenceKernels;

/**
 * The plain-Java path: {@link ServiceLoader} makes a new {@link ZigKernels} each time, but the
 * native library is loaded once per class loader (and checked by the known answers first), so
 * a hundred lookups leave one mapped copy; {@link KernelLookup} ranks what it finds and says
 * why a kernel cannot serve.
 */
class ServiceLoaderLibraryTest {

    @Test
    void aHundredServiceLoaderLookupsMapTheLibraryOnce() throws IOException {
        NativeLibraries.assumeBuilt();
        Set<String> before = mappedLibraryCopies();
        int zigInstances = 0;
        for (int i = 0; i < 100; i++) {
            for (KernelService kernel : ServiceLoader.load(KernelService.class)) {
                if (kernel instanceof ZigKernels zig) {
                    assertTrue(zig.isAvailable(), zig.unavailableReason().orElse(""));
                    zigInstances++;
                }
            }
        }
        Set<String> added = new HashSet<>(mappedLibraryCopies());
        added.removeAll(before);
        assertEquals(100, zigInstances, "ServiceLoader made a ZigKernels per lookup");
        assertTrue(added.size() <= 1, "one copy of the library per class loader, found " + added.size() + " new: "
                + added);
        for (KernelService kernel : ServiceLoader.load(KernelService.class)) {
            kernel.info();
        }
        Set<String> again = new HashSet<>(mappedLibraryCopies());
        again.removeAll(before);
        assertEquals(added, again, "later lookups map nothing more");
    }

    @Test
    void theLookupRanksZigAboveJavaAboveTheReferenceAndAllPassTheKnownAnswers() {
        NativeLibraries.assumeBuilt();
        KernelLookup lookup = KernelLookup.find(getClass().getClassLoader());
        List<String> names = lookup.available().stream().map(k -> k.info().name()).toList();
        assertEquals(List.of("zig", "java", "reference"), names, lookup.toString());
        assertTrue(lookup.unavailable().isEmpty(), lookup.toString());
        assertEquals("zig", lookup.best().info().name());
        for (KernelService kernel : lookup.available()) {
            assertTrue(KnownAnswers.allPassed(KnownAnswers.run(kernel)), kernel.info().id());
        }
        assertEquals("engram.kernels.java/vector", lookup.named("java").orElseThrow().info().id());
        assertEquals("engram.kernels.java/reference", lookup.named("reference").orElseThrow().info().id());
    }

    @Test
    void withoutItsLibraryTheZigKernelIsFoundButUnavailableAndSaysWhy(@TempDir Path services) throws Exception {
        Path file = services.resolve("META-INF/services/engram.api.KernelService");
        Files.createDirectories(file.getParent());
        Files.writeString(file, ZigKernels.class.getName() + "\n" + ReferenceKernels.class.getName() + "\n");
        URL[] path = {codeSource(KernelService.class), codeSource(ZigKernels.class), codeSource(ReferenceKernels.class),
            services.toUri().toURL()};
        try (URLClassLoader loader = new URLClassLoader(path, ClassLoader.getPlatformClassLoader())) {
            Object lookup = loader.loadClass(KernelLookup.class.getName()).getMethod("find", ClassLoader.class)
                    .invoke(null, loader);
            String report = lookup.toString();
            // The Java kernels' jar registers both of its kernels itself, the Vector API kernel first.
            assertTrue(report.startsWith("available, best first: engram.kernels.java/vector (Vector API, "), report);
            assertTrue(report.contains("), engram.kernels.java/reference (scalar (Java)); unavailable: "), report);
            assertTrue(report.contains("unavailable: engram.kernels.zig/unavailable: no native library"), report);
            assertTrue(report.contains("install the fragment engram.kernels.zig.linux"), report);
        }
    }

    private static URL codeSource(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    /** The inodes of the library copies mapped into this process (each load maps a temporary copy). */
    private static Set<String> mappedLibraryCopies() throws IOException {
        Set<String> inodes = new HashSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains("engram-kernels-")) {
                String[] fields = line.trim().split("\\s+");
                inodes.add(fields[3] + ":" + fields[4]);
            }
        }
        return inodes;
    }
}
