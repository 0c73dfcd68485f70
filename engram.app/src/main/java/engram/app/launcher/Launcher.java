package engram.app.launcher;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The second stage of the launcher, loaded with the framework: starts the framework, installs
 * the bundles at absolute {@code file:} locations (so {@code update <id>} reads the same file
 * again, and {@code update <id> URL} a new build), and then either waits while Gogo's prompt
 * runs, or runs the {@code -c} commands: one statement at a time, printing each one's result,
 * waiting for the framework to settle (a refresh to finish, bundles to finish starting and
 * stopping) before the next, and stopping at the first failure with exit status 1.
 */
public final class Launcher {
    /** How long the framework may take to start, to settle after a command, or to stop. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String COMMAND_PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String COMMAND_SESSION = "org.apache.felix.service.command.CommandSession";
    /** Gogo's {@code Converter.INSPECT}: format a result as the prompt prints it. */
    private static final int INSPECT = 0;

    private Launcher() {
    }

    /**
     * Runs the app; returns the exit status.
     *
     * @param commands the {@code -c} commands, or null for Gogo's prompt
     */
    public static int launch(Map<String, String> properties, List<String> locations, List<Integer> startLevels,
            List<Boolean> fragments, String commands) throws Exception {
        // Gogo's runtime replaces System.out and System.err, once it starts, with streams that
        // write to the current session's: a session must get the real ones, taken before.
        PrintStream out = System.out;
        PrintStream err = System.err;
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, Launcher.class.getClassLoader())
                .findFirst().orElseThrow(() -> new IllegalStateException("no OSGi framework in the app archive"));
        Framework framework = factory.newFramework(properties);
        framework.init();
        try {
            install(framework.getBundleContext(), locations, startLevels, fragments);
            startAndWait(framework);
            if (commands == null) {
                framework.waitForStop(0);
                return Main.OK;
            }
            return runCommands(framework, commands, out, err);
        } finally {
            stop(framework);
        }
    }

    private static void install(BundleContext context, List<String> locations, List<Integer> startLevels,
            List<Boolean> fragments) throws BundleException {
        Bundle[] installed = new Bundle[locations.size()];
        for (int i = 0; i < locations.size(); i++) {
            installed[i] = context.installBundle(locations.get(i));
            installed[i].adapt(BundleStartLevel.class).setStartLevel(startLevels.get(i));
        }
        for (int i = 0; i < installed.length; i++) {
            if (!fragments.get(i)) {
                // Persistent: each starts when the framework reaches its start level.
                installed[i].start();
            }
        }
    }

    /** Starts the framework and waits until it has reached its beginning start level. */
    private static void startAndWait(Framework framework) throws BundleException, InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        framework.getBundleContext().addFrameworkListener(event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                started.countDown();
            }
        });
        framework.start();
        if (!started.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the framework did not reach its start level "
                    + framework.adapt(FrameworkStartLevel.class).getStartLevel() + " within " + TIMEOUT);
        }
    }

    /** Runs each statement of {@code commands}; 0 when all succeeded, 1 at the first failure. */
    static int runCommands(Framework framework, String commands, PrintStream out, PrintStream err) throws Exception {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(framework.getBundleContext(),
                COMMAND_PROCESSOR, null);
        tracker.open();
        Object processor = tracker.waitForService(TIMEOUT.toMillis());
        if (processor == null) {
            tracker.close();
            throw new IllegalStateException("no " + COMMAND_PROCESSOR + " appeared within " + TIMEOUT
                    + "; is Gogo in the app?");
        }
        ClassLoader gogo = processor.getClass().getClassLoader();
        Method createSession = gogo.loadClass(COMMAND_PROCESSOR).getMethod("createSession", InputStream.class,
                OutputStream.class, OutputStream.class);
        Class<?> sessionType = gogo.loadClass(COMMAND_SESSION);
        Method execute = sessionType.getMethod("execute", CharSequence.class);
        Method format = sessionType.getMethod("format", Object.class, int.class);
        Method close = sessionType.getMethod("close");
        Object session = createSession.invoke(processor, System.in, out, err);
        tracker.close();
        try {
            for (String statement : Statements.of(commands)) {
                if (framework.getState() != Bundle.ACTIVE) {
                    // A command stopped the framework (stop 0): the run ends there.
                    return Main.OK;
                }
                try {
                    Object result = execute.invoke(session, statement);
                    CharSequence text = result == null ? "" : (CharSequence) format.invoke(session, result, INSPECT);
                    if (!text.isEmpty()) {
                        out.println(text);
                    }
                } catch (InvocationTargetException e) {
                    Throwable cause = e.getCause();
                    err.println("gogo: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
                    err.println("engram: the command '" + statement + "' failed; the commands after it did not run");
                    return Main.FAILED;
                }
                out.flush();
                settle(framework);
            }
            return Main.OK;
        } finally {
            close.invoke(session);
        }
    }

    /**
     * Waits until the framework has finished what a command set off: a refresh (asked for
     * after the command's own, so it finishes after it), and bundles starting or stopping.
     */
    static void settle(Framework framework) throws InterruptedException {
        if (framework.getState() != Bundle.ACTIVE) {
            return;
        }
        CountDownLatch refreshed = new CountDownLatch(1);
        framework.adapt(FrameworkWiring.class).refreshBundles(List.of(), event -> refreshed.countDown());
        if (!refreshed.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the framework did not finish a refresh within " + TIMEOUT);
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (busy(framework)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("bundles were still starting or stopping after " + TIMEOUT);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private static boolean busy(Framework framework) {
        BundleContext context = framework.getBundleContext();
        if (context == null) {
            return false;
        }
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getState() == Bundle.STARTING || bundle.getState() == Bundle.STOPPING) {
                return true;
            }
        }
        return false;
    }

    private static void stop(Framework framework) throws BundleException, InterruptedException {
        if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) != 0) {
            framework.stop();
        }
        FrameworkEvent stopped = framework.waitForStop(TIMEOUT.toMillis());
        if (stopped.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
            throw new IllegalStateException("the framework did not stop within " + TIMEOUT);
        }
    }
}
