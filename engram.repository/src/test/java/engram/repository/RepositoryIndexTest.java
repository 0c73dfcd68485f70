package engram.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.Version;

import engram.repository.RepositoryIndex.Entry;
import engram.repository.RepositoryIndex.Resource;

/**
 * The index the build writes: one resource per jar in {@code bundles/}, found again at its
 * relative URL with its size and SHA-256; exactly the bundles {@code engram.app} runs; each with
 * the capabilities and requirements of its manifest; and execution environments a Java 25
 * framework provides.
 */
class RepositoryIndexTest {
    private static final Path INDEX = DeployTest.pathProperty("engram.repository.index");
    private static final Path BUNDLES = DeployTest.pathProperty("engram.repository.bundles");
    private static final Path APP_BNDRUN = DeployTest.pathProperty("engram.repository.app.bndrun");
    private static final Pattern RUNBUNDLE = Pattern.compile("([A-Za-z0-9_.\\-]+);version=");
    /** Engram's own bundles are built for this Java release, and need it. */
    private static final int JAVA_RELEASE = 25;

    private static RepositoryIndex index;

    @BeforeAll
    static void readIndex() throws Exception {
        index = RepositoryIndex.read(INDEX);
    }

    @Test
    void listsEveryJarOfTheFolderAtItsRelativeUrlWithItsSizeAndDigest() throws IOException, NoSuchAlgorithmException {
        List<Path> jars;
        try (Stream<Path> files = Files.list(BUNDLES)) {
            jars = files.sorted().toList();
        }
        assertEquals(jars.size(), index.resources().size(), "one resource per jar in " + BUNDLES);
        for (Path jar : jars) {
            String url = "bundles/" + jar.getFileName();
            List<Resource> matching = index.resources().stream().filter(r -> url.equals(r.content().get("url")))
                    .toList();
            assertEquals(1, matching.size(), "resources with the url " + url);
            Map<String, String> content = matching.getFirst().content();
            assertEquals(Long.toString(Files.size(jar)), content.get("size"), url);
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar)));
            assertTrue(sha256.equalsIgnoreCase(content.get("osgi.content")), url + " has SHA-256 " + sha256
                    + ", the index says " + content.get("osgi.content"));
        }
    }

    @Test
    void describesTheMultiReleaseJarWithSyntheticResourcesOfItsOwnName() {
        // sqlite-jdbc is a multi-release jar: bnd adds a resource per Java release it has classes
        // for, named after it, which a resolver uses and Deploy.java skips (no bytes to install).
        assertFalse(index.synthetic().isEmpty(), "the sqlite-jdbc multi-release jar is described");
        Set<String> bundles = new TreeSet<>(index.resources().stream().map(Resource::symbolicName).toList());
        for (Resource synthetic : index.synthetic()) {
            String name = synthetic.symbolicName();
            assertTrue(name.contains("__") && bundles.contains(name.substring(0, name.indexOf("__"))), name);
            assertEquals("0", synthetic.content().get("size"), name);
        }
    }

    @Test
    void listsExactlyTheBundlesTheAppRuns() throws IOException {
        Set<String> expected = new TreeSet<>();
        boolean inRunbundles = false;
        for (String line : Files.readAllLines(APP_BNDRUN)) {
            boolean starts = line.startsWith("-runbundles:") || line.startsWith("-runbundles.native:");
            if (starts || inRunbundles) {
                Matcher bundle = RUNBUNDLE.matcher(line);
                while (bundle.find()) {
                    expected.add(bundle.group(1));
                }
            }
            inRunbundles = (starts || inRunbundles) && line.stripTrailing().endsWith("\\");
        }
        // The platform fragments, as the root pom's zig profile lists them (none with -Dzig.skip).
        Matcher fragment = RUNBUNDLE.matcher(System.getProperty("engram.repository.native.fragments", ""));
        while (fragment.find()) {
            expected.add(fragment.group(1));
        }
        assertTrue(expected.contains("engram.core") && expected.contains("engram.kernels.zig"),
                "the bundles read from " + APP_BNDRUN + ": " + expected);
        Set<String> indexed = new TreeSet<>(index.resources().stream().map(Resource::symbolicName).toList());
        assertEquals(expected, indexed, "the bundles of the index, against those " + APP_BNDRUN + " runs");
    }

    @Test
    void statesTheCapabilitiesAndRequirementsOfEachManifest() throws IOException {
        for (Resource resource : index.resources()) {
            Attributes manifest;
            try (JarFile jar = new JarFile(BUNDLES.resolve(resource.content().get("url").substring("bundles/".length()).strip()).toFile())) {
                manifest = jar.getManifest().getMainAttributes();
            }
            String name = resource.symbolicName();
            assertEquals(clauses(manifest.getValue("Bundle-SymbolicName")).getFirst(), name);
            for (String exported : clauses(manifest.getValue("Export-Package"))) {
                assertTrue(resource.capabilities("osgi.wiring.package").stream()
                        .anyMatch(c -> exported.equals(c.attributes().get("osgi.wiring.package"))),
                        name + " exports " + exported + ", but the index gives no capability for it");
            }
            for (String imported : clauses(manifest.getValue("Import-Package"))) {
                assertTrue(resource.requirements("osgi.wiring.package").stream()
                        .anyMatch(r -> r.directives().getOrDefault("filter", "").contains("(osgi.wiring.package=" + imported + ")")),
                        name + " imports " + imported + ", but the index gives no requirement for it");
            }
            if (manifest.getValue("Fragment-Host") != null) {
                assertTrue(resource.isFragment(), name + " is a fragment");
                assertFalse(resource.requirements("osgi.wiring.host").isEmpty(), name + " names its host");
            }
            if (manifest.getValue("Bundle-NativeCode") != null) {
                assertFalse(resource.requirements("osgi.native").isEmpty(), name + " carries native code");
            }
        }
    }

    @Test
    void requiresExecutionEnvironmentsThatJava25Provides() throws IOException, InvalidSyntaxException {
        assertFalse(Files.readString(INDEX).contains("UNKNOWN"), INDEX + " names an UNKNOWN execution environment");
        for (Resource resource : index.resources()) {
            if (!resource.requirements("bnd.multirelease").isEmpty()) {
                // A multi-release jar: each of its synthetic resources requires the Java releases
                // its classes are for; Java 25 must take one of them.
                List<Resource> releases = index.synthetic().stream()
                        .filter(r -> r.symbolicName().startsWith(resource.symbolicName() + "__")).toList();
                boolean taken = false;
                for (Resource release : releases) {
                    for (Entry environment : release.requirements("osgi.ee")) {
                        taken |= javaProvides(JAVA_RELEASE, FrameworkUtil.createFilter(environment.directives()
                                .get("filter")));
                    }
                }
                assertTrue(taken, resource.symbolicName() + ": no release of it runs on Java " + JAVA_RELEASE);
                continue;
            }
            List<Entry> environments = resource.requirements("osgi.ee");
            assertEquals(resource.isFragment() ? 0 : 1, environments.size(), resource.symbolicName() + ": " + environments);
            for (Entry environment : environments) {
                Filter filter = FrameworkUtil.createFilter(environment.directives().get("filter"));
                assertTrue(javaProvides(JAVA_RELEASE, filter), resource.symbolicName() + " requires " + filter
                        + ", which Java " + JAVA_RELEASE + " does not provide");
                if (resource.symbolicName().startsWith("engram.")) {
                    assertFalse(javaProvides(JAVA_RELEASE - 1, filter), resource.symbolicName() + " requires "
                            + filter + ", which Java " + (JAVA_RELEASE - 1) + " already provides; it is built for "
                            + JAVA_RELEASE);
                }
            }
        }
    }

    @Test
    void gzippedIndexHoldsTheSameIndex() throws IOException {
        try (InputStream gzipped = new GZIPInputStream(Files.newInputStream(Path.of(INDEX + ".gz")))) {
            assertEquals(Files.readString(INDEX), new String(gzipped.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** The osgi.ee capabilities an OSGi framework on Java {@code release} provides, as Felix and Equinox do. */
    private static boolean javaProvides(int release, Filter filter) {
        List<Version> javaSe = new ArrayList<>(Stream.of("1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8")
                .map(Version::parseVersion).toList());
        IntStream.rangeClosed(9, release).mapToObj(v -> new Version(v, 0, 0)).forEach(javaSe::add);
        List<Version> compact = List.of(new Version(1, 8, 0));
        return Stream.of(Map.of("osgi.ee", "JavaSE", "version", javaSe),
                Map.of("osgi.ee", "JavaSE/compact1", "version", compact),
                Map.of("osgi.ee", "JavaSE/compact2", "version", compact),
                Map.of("osgi.ee", "JavaSE/compact3", "version", compact)).anyMatch(filter::matches);
    }

    /** The names in an OSGi manifest header (its paths: package names, a symbolic name), in order. */
    private static List<String> clauses(String header) {
        List<String> names = new ArrayList<>();
        if (header == null) {
            return names;
        }
        StringBuilder token = new StringBuilder();
        boolean quoted = false;
        boolean inParameters = false;
        for (char c : (header + ",").toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (!quoted && (c == ';' || c == ',')) {
                String path = token.toString().strip();
                if (!inParameters && !path.contains("=")) {
                    names.add(path);
                } else {
                    inParameters = true;
                }
                token.setLength(0);
                if (c == ',') {
                    inParameters = false;
                }
            } else {
                token.append(c);
            }
        }
        return names;
    }
}
