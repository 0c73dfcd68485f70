package engram.app.launcher;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first stage of the launcher, which touches nothing of OSGi: it opens the state folder
 * (cleaning what killed runs left), extracts the app archive, and runs {@link Launcher} in a
 * class loader that holds the framework jar.
 *
 * <pre>
 * java ... -cp engram.app.jar engram.app.launcher.Main --app engram.jar --state DIR [-c COMMANDS]
 * </pre>
 * Exit status: 0, or 1 when a command failed or the app could not start, 2 for bad arguments.
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Map<String, String> options;
        try {
            options = options(args);
        } catch (IllegalArgumentException e) {
            System.err.println("engram: " + e.getMessage());
            System.err.println("usage: engram.app.launcher.Main --app ENGRAM_JAR --state DIR [-c COMMANDS]");
            return USAGE;
        }
        try (StateDirectory state = StateDirectory.open(Path.of(options.get("--state")))) {
            AppArchive app = AppArchive.extract(Path.of(options.get("--app")), state.cache());
            if (!state.othersRunning()) {
                AppArchive.deleteOthers(state.cache(), app);
            }
            return launch(app, state, options.get("-c"));
        } catch (LaunchException e) {
            System.err.println("engram: " + e.getMessage());
            return FAILED;
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.equals("--app") && !name.equals("--state") && !name.equals("-c")) {
                throw new IllegalArgumentException("unknown argument '" + name + "'");
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            options.put(name, args[++i]);
        }
        for (String required : List.of("--app", "--state")) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException(required + " is missing");
            }
        }
        return options;
    }

    private static int launch(AppArchive app, StateDirectory state, String commands) throws LaunchException {
        List<String> locations = new ArrayList<>();
        List<Integer> startLevels = new ArrayList<>();
        List<Boolean> fragments = new ArrayList<>();
        for (AppArchive.Bundle bundle : app.bundles()) {
            locations.add(bundle.file().toUri().toString());
            startLevels.add(bundle.startLevel());
            fragments.add(bundle.fragment());
        }
        Map<String, String> properties = new LinkedHashMap<>(app.frameworkProperties());
        properties.put("org.osgi.framework.storage", state.frameworkStorage().toString());
        if (commands != null) {
            // The commands run here, one at a time; Gogo's shell must neither prompt nor stop the framework.
            properties.put("gosh.args", "--nointeractive --noshutdown");
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {app.framework().toUri().toURL(), ownJar()},
                ClassLoader.getPlatformClassLoader())) {
            Method launch = loader.loadClass(Launcher.class.getName()).getMethod("launch", Map.class, List.class,
                    List.class, List.class, String.class);
            return (Integer) launch.invoke(null, properties, locations, startLevels, fragments, commands);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new LaunchException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        } catch (ReflectiveOperationException | IOException e) {
            throw new LaunchException("cannot start the launcher's second stage: " + e, e);
        }
    }

    private static URL ownJar() throws MalformedURLException {
        return Main.class.getProtectionDomain().getCodeSource().getLocation();
    }
}
