package engram.app.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/**
 * The app archive {@code engram.jar}, as the bnd export of {@code engram.bndrun} writes it:
 * the framework jar ({@code Embedded-Runpath}), the run bundles ({@code jar/*.jar}) and
 * {@code launcher.properties} (which bundles, their start levels, the run properties).
 * {@link #extract} copies the jars once into a folder named after the archive's digest, so a
 * start reuses them and a new build gets a folder of its own.
 */
final class AppArchive {
    private static final String COMPLETE = ".complete";

    /**
     * One bundle to install.
     *
     * @param file the extracted jar
     * @param startLevel its start level
     * @param fragment whether it is a fragment (installed, never started)
     */
    record Bundle(Path file, int startLevel, boolean fragment) {
    }

    private final Path framework;
    private final List<Bundle> bundles;
    private final Map<String, String> frameworkProperties;

    private AppArchive(Path framework, List<Bundle> bundles, Map<String, String> frameworkProperties) {
        this.framework = framework;
        this.bundles = List.copyOf(bundles);
        this.frameworkProperties = Map.copyOf(frameworkProperties);
    }

    /** The framework jar, extracted. */
    Path framework() {
        return framework;
    }

    /** The run bundles in the order the export lists them. */
    List<Bundle> bundles() {
        return bundles;
    }

    /** The run properties of the bndrun (start level, storage policy). */
    Map<String, String> frameworkProperties() {
        return frameworkProperties;
    }

    /**
     * Reads {@code archive} and extracts its jars below {@code cache} (once per archive content).
     *
     * @throws LaunchException if the archive is missing or not an app export
     */
    static AppArchive extract(Path archive, Path cache) throws LaunchException {
        if (!Files.isRegularFile(archive)) {
            throw new LaunchException("the app archive " + archive + " does not exist; build it with"
                    + " ./mvnw -B install -DskipTests");
        }
        try (JarFile jar = new JarFile(archive.toFile())) {
            Manifest manifest = jar.getManifest();
            String runpath = manifest == null ? null : manifest.getMainAttributes().getValue("Embedded-Runpath");
            ZipEntry propertiesEntry = jar.getEntry("launcher.properties");
            if (runpath == null || propertiesEntry == null) {
                throw new LaunchException(archive + " is not an export of engram.bndrun (it has no Embedded-Runpath"
                        + " or no launcher.properties); rebuild it with ./mvnw -B install -DskipTests");
            }
            Properties launch = new Properties();
            try (InputStream in = jar.getInputStream(propertiesEntry)) {
                launch.load(in);
            }
            Path folder = cache.resolve("app-" + digest(archive));
            if (!Files.exists(folder.resolve(COMPLETE))) {
                copyJars(jar, folder);
            }
            return read(folder, runpath, launch);
        } catch (IOException e) {
            throw new LaunchException("cannot read the app archive " + archive + ": " + e.getMessage(), e);
        }
    }

    /** Deletes every extracted archive in {@code cache} but {@code keep}. */
    static void deleteOthers(Path cache, AppArchive keep) {
        Path kept = keep.framework.getParent();
        if (!Files.isDirectory(cache)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(cache, "app-*")) {
            for (Path entry : entries) {
                if (!entry.equals(kept)) {
                    StateDirectory.deleteTree(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean the cache " + cache, e);
        }
    }

    private static void copyJars(JarFile jar, Path folder) throws IOException {
        Path partial = folder.resolveSibling(folder.getFileName() + ".partial");
        StateDirectory.deleteTree(partial);
        Files.createDirectories(partial);
        var entries = jar.entries();
        while (entries.hasMoreElements()) {
            ZipEntry entry = entries.nextElement();
            String name = entry.getName();
            if (name.startsWith("jar/") && name.endsWith(".jar") && name.indexOf('/', 4) < 0) {
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, partial.resolve(name.substring(4)), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.createFile(partial.resolve(COMPLETE));
        StateDirectory.deleteTree(folder);
        Files.move(partial, folder);
    }

    private static AppArchive read(Path folder, String runpath, Properties launch) throws LaunchException,
            IOException {
        Path framework = null;
        for (String entry : runpath.split(",")) {
            String name = entry.trim();
            if (name.startsWith("jar/org.apache.felix.framework")) {
                framework = folder.resolve(name.substring(4));
            }
        }
        if (framework == null) {
            throw new LaunchException("the app archive names no Felix framework in its Embedded-Runpath (" + runpath
                    + ")");
        }
        Map<String, Integer> startLevels = startLevels(launch.getProperty("launch.runbundles.attrs", ""));
        int defaultLevel = Integer.parseInt(launch.getProperty("launch.startlevel.default", "1"));
        List<Bundle> bundles = new ArrayList<>();
        for (String entry : launch.getProperty("launch.bundles", "").split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            Path file = folder.resolve(entry.trim().substring("jar/".length()));
            Attributes main = manifestOf(file);
            String symbolicName = main.getValue("Bundle-SymbolicName");
            String name = symbolicName == null ? file.getFileName().toString() : symbolicName.split(";")[0].trim();
            bundles.add(new Bundle(file, startLevels.getOrDefault(name, defaultLevel),
                    main.getValue("Fragment-Host") != null));
        }
        Map<String, String> properties = new LinkedHashMap<>();
        for (String key : launch.stringPropertyNames()) {
            if (!key.startsWith("launch.")) {
                properties.put(key, launch.getProperty(key));
            }
        }
        return new AppArchive(framework, bundles, properties);
    }

    /** The start level of each bundle of {@code attrs}: {@code bsn;version="...";startlevel=N,...}. */
    static Map<String, Integer> startLevels(String attrs) {
        Map<String, Integer> levels = new LinkedHashMap<>();
        for (String clause : Statements.splitOutsideQuotes(attrs, ',')) {
            String[] parts = Statements.splitOutsideQuotes(clause, ';').toArray(new String[0]);
            if (parts.length == 0 || parts[0].isBlank()) {
                continue;
            }
            for (int i = 1; i < parts.length; i++) {
                String part = parts[i].trim();
                if (part.startsWith("startlevel=")) {
                    levels.put(parts[0].trim(), Integer.parseInt(part.substring("startlevel=".length()).trim()));
                }
            }
        }
        return levels;
    }

    private static Attributes manifestOf(Path bundle) throws IOException {
        try (JarFile jar = new JarFile(bundle.toFile())) {
            Manifest manifest = jar.getManifest();
            return manifest == null ? new Attributes() : manifest.getMainAttributes();
        }
    }

    private static String digest(Path archive) throws IOException {
        try (InputStream in = Files.newInputStream(archive)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                sha.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
