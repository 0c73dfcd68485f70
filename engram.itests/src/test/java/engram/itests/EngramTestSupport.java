package engram.itests;

import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.junit.After;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.options.MavenArtifactProvisionOption;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.util.tracker.ServiceTracker;

import engram.api.KernelRouter;
import engram.api.KernelService;
import engram.api.KernelStatus;

/**
 * What every Engram suite shares: the framework (Felix or Equinox, whichever the build put
 * on the test class path, with every Engram bundle and its runtime dependencies, at the
 * versions of the Maven build), and helpers to wait for services and state. One framework
 * serves all tests of a suite class; a suite that changes bundle state restores it, or
 * declares its own reactor strategy.
 *
 * <p>The build runs every suite twice, once on each framework (two surefire executions, each
 * with one framework on its class path); {@link #FRAMEWORK_PROPERTY} says which one a run
 * expects, and {@link #configuration()} refuses to start when the class path offers another.
 *
 * <p>A suite adds bundles by overriding {@link #extraOptions()}, for example
 * {@code return new Option[] {projectBundle("dev.engram", "engram.bench")};}, with the
 * artifact also declared as a test dependency in {@code pom.xml}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public abstract class EngramTestSupport {
    /** How long a test waits for a service or a state before it fails. */
    protected static final Duration WAIT_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_INTERVAL_MILLIS = 20;

    /** True when the build made the Zig libraries: the framework then holds their fragment. */
    protected static final String ZIG_PROPERTY = "engram.itests.zig";
    /** The symbolic name of the Zig kernels' host bundle. */
    protected static final String ZIG_HOST = "engram.kernels.zig";
    /** The symbolic name of the fragment with the x86_64 Zig libraries. */
    protected static final String ZIG_FRAGMENT = "engram.kernels.zig.linux.x86_64";
    /** Every Zig kernel's {@code KernelInfo.id()} starts so. */
    protected static final String ZIG_ID_PREFIX = "engram.kernels.zig/";
    /** The Java kernel's {@code KernelInfo.id()}: the Vector API kernel, named {@code java}. */
    protected static final String JAVA_ID = "engram.kernels.java/vector";
    /** The scalar reference kernels' {@code KernelInfo.id()}, named {@code reference}. */
    protected static final String REFERENCE_ID = "engram.kernels.java/reference";
    /** The module the Java kernel needs, which the test JVM must have ({@code --add-modules}). */
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** The framework a run expects, {@code felix} or {@code equinox} (the surefire execution sets it). */
    protected static final String FRAMEWORK_PROPERTY = "engram.itests.framework";
    /** The version of that framework in the Maven build, such as {@code 7.0.5} or {@code 3.24.300}. */
    protected static final String FRAMEWORK_VERSION_PROPERTY = "engram.itests.framework.version";

    /** The OSGi frameworks the suites run on: Pax Exam's native container starts the one on the class path. */
    protected enum OsgiFramework {
        FELIX("org.apache.felix.framework", "org.apache.felix.framework.FrameworkFactory"),
        EQUINOX("org.eclipse.osgi", "org.eclipse.osgi.launch.EquinoxFactory");

        /** The symbolic name of the framework's system bundle. */
        final String systemBundleSymbolicName;
        /** The class its {@code META-INF/services/org.osgi.framework.launch.FrameworkFactory} names. */
        final String factoryClassName;

        OsgiFramework(String systemBundleSymbolicName, String factoryClassName) {
            this.systemBundleSymbolicName = systemBundleSymbolicName;
            this.factoryClassName = factoryClassName;
        }
    }

    /** The flags the test JVM needs (Maven's surefire argLine passes {@code engram.jvm.flags}). */
    private static final List<String> REQUIRED_JVM_FLAGS = List.of(
            "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");

    @Inject
    protected BundleContext context;

    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    @Configuration
    public Option[] configuration() {
        List<String> jvmArguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (!jvmArguments.containsAll(REQUIRED_JVM_FLAGS)) {
            throw new IllegalStateException("the test JVM runs with " + jvmArguments + " but needs "
                    + REQUIRED_JVM_FLAGS + "; run the suites through Maven, or pass the flags yourself");
        }
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            throw new IllegalStateException("the test JVM has no module " + VECTOR_MODULE + ", so the Java kernel"
                    + " would not register; run the suites through Maven, or pass --add-modules " + VECTOR_MODULE);
        }
        requireOnlyTheExpectedFrameworkOnTheClassPath();
        return options(
                systemProperty("pax.exam.osgi.unresolved.fail").value("true"),
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
                junitBundles(),
                runtimeBundles(),
                engramBundles(),
                zigKernelsProvisioned() ? zigFragment() : composite(),
                composite(extraOptions()));
    }

    /**
     * The framework this run expects, from {@value #FRAMEWORK_PROPERTY}; fails when it is
     * missing or names no framework the suites know.
     */
    protected static OsgiFramework expectedFramework() {
        String name = System.getProperty(FRAMEWORK_PROPERTY);
        for (OsgiFramework framework : OsgiFramework.values()) {
            if (framework.name().equalsIgnoreCase(name)) {
                return framework;
            }
        }
        throw new IllegalStateException("the system property " + FRAMEWORK_PROPERTY + " is " + name
                + ", expected felix or equinox; run the suites through Maven (its two surefire executions set it), or"
                + " pass -D" + FRAMEWORK_PROPERTY + "=felix and keep only that framework on the class path");
    }

    /**
     * Pax Exam's native container starts the first {@link FrameworkFactory} the class path
     * offers: a class path with another framework, or with both, would test the wrong one or
     * one picked by class path order.
     */
    private static void requireOnlyTheExpectedFrameworkOnTheClassPath() {
        OsgiFramework expected = expectedFramework();
        List<String> factories = ServiceLoader.load(FrameworkFactory.class).stream()
                .map(provider -> provider.type().getName()).toList();
        if (!factories.equals(List.of(expected.factoryClassName))) {
            throw new IllegalStateException("this run expects " + expected + " (" + FRAMEWORK_PROPERTY + "), so the"
                    + " test class path must offer exactly the framework factory " + expected.factoryClassName
                    + ", but it offers " + factories + "; check the classpathDependencyExcludes of this surefire"
                    + " execution in engram.itests/pom.xml");
        }
    }

    /** More options for one suite, such as {@link #projectBundle} bundles; none by default. */
    protected Option[] extraOptions() {
        return new Option[0];
    }

    /** A bundle by its Maven coordinates, at the version this build depends on. */
    protected static MavenArtifactProvisionOption projectBundle(String groupId, String artifactId) {
        return mavenBundle(groupId, artifactId).versionAsInProject();
    }

    /** The kernel that should serve when the Zig bundle is up: zig with its library, else java (the reference ranks below). */
    protected static String preferred() {
        return zigKernelsProvisioned() ? "zig" : "java";
    }

    /** Whether this run provisions the x86_64 fragment with the Zig libraries (not with -Dzig.skip). */
    protected static boolean zigKernelsProvisioned() {
        return Boolean.getBoolean(ZIG_PROPERTY);
    }

    private static Option runtimeBundles() {
        return composite(
                projectBundle("org.osgi", "org.osgi.util.function"),
                projectBundle("org.osgi", "org.osgi.util.promise"),
                projectBundle("org.osgi", "org.osgi.service.component"),
                projectBundle("org.apache.felix", "org.apache.felix.scr"),
                projectBundle("org.apache.felix", "org.apache.felix.configadmin"),
                projectBundle("org.apache.felix", "org.apache.felix.gogo.runtime"));
    }

    private static Option engramBundles() {
        return composite(
                projectBundle("dev.engram", "engram.api"),
                projectBundle("dev.engram", "engram.kernels.java"),
                projectBundle("dev.engram", "engram.core"),
                projectBundle("dev.engram", "engram.shell"),
                projectBundle("dev.engram", "engram.kernels.zig"));
    }

    private static Option zigFragment() {
        return projectBundle("dev.engram", ZIG_FRAGMENT).noStart();
    }

    /**
     * The service of {@code type} with the highest ranking, waiting up to {@link #WAIT_TIMEOUT}
     * for one. The test holds it until it ends: a delayed component whose service nobody uses
     * is deactivated, and a deactivated instance has lost its references.
     */
    protected <T> T service(Class<T> type) {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        trackers.add(tracker);
        try {
            T service = tracker.waitForService(WAIT_TIMEOUT.toMillis());
            if (service == null) {
                throw new AssertionError("no " + type.getName() + " service appeared within " + WAIT_TIMEOUT);
            }
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + type.getName(), e);
        }
    }

    @After
    public void releaseServices() {
        trackers.forEach(ServiceTracker::close);
        trackers.clear();
    }

    /**
     * The kernel router, once it lists a kernel named {@code kernelName}: Declarative Services
     * may register a kernel a moment after the framework reached its start level.
     */
    protected KernelRouter routerListing(String kernelName) {
        KernelRouter router = service(KernelRouter.class);
        await("the router lists the " + kernelName + " kernel",
                () -> router.kernels().stream().anyMatch(k -> k.name().equals(kernelName)));
        return router;
    }

    /** The kernels the router lists when all are up, best first: zig (with its library), java, reference. */
    protected static List<String> expectedKernelNames() {
        return zigKernelsProvisioned() ? List.of("zig", "java", "reference") : List.of("java", "reference");
    }

    /** The kernel router, once it lists every kernel of {@link #expectedKernelNames()}, in that order. */
    protected KernelRouter routerListingEveryKernel() {
        KernelRouter router = service(KernelRouter.class);
        await("the router lists " + expectedKernelNames(),
                () -> router.kernels().stream().map(KernelStatus::name).toList().equals(expectedKernelNames()));
        return router;
    }

    /** The installed bundle with this symbolic name. */
    protected Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + symbolicName + " is installed");
    }

    /** Whether a bundle with this symbolic name is installed. */
    protected boolean installed(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return true;
            }
        }
        return false;
    }

    /** The calls the router counts as served by the kernels named {@code name} ({@code zig}, {@code java}, {@code reference}). */
    protected static long served(KernelRouter router, String name) {
        return router.kernels().stream().filter(k -> k.name().equals(name)).mapToLong(KernelStatus::callsServed)
                .sum();
    }

    /** The name of the kernel the router sends new calls to. */
    protected static String activeKernel(KernelRouter router) {
        List<KernelStatus> kernels = router.kernels();
        return kernels.isEmpty() ? "none" : kernels.getFirst().name();
    }

    /** The registered kernel service named {@code name}, waiting for it; held until the test ends. */
    protected KernelService kernelNamed(String name) {
        ServiceTracker<KernelService, KernelService> tracker = new ServiceTracker<>(context, KernelService.class, null);
        tracker.open();
        trackers.add(tracker);
        KernelService[] found = new KernelService[1];
        await("a KernelService named " + name, () -> {
            for (KernelService kernel : tracker.getServices(new KernelService[0])) {
                if (kernel.info().name().equals(name)) {
                    found[0] = kernel;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /**
     * Refreshes {@code bundles} (and what depends on them) through {@link FrameworkWiring} and
     * waits for the framework's {@link FrameworkEvent#PACKAGES_REFRESHED}, failing on an error
     * event or after {@link #WAIT_TIMEOUT}.
     */
    protected void refresh(Bundle... bundles) {
        CountDownLatch refreshed = new CountDownLatch(1);
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(bundles), event -> {
            if (event.getType() == FrameworkEvent.ERROR) {
                errors.add(event.getThrowable());
            }
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshed.countDown();
            }
        });
        try {
            if (!refreshed.await(WAIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the refresh of " + List.of(bundles) + " did not finish within "
                        + WAIT_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a refresh", e);
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("the refresh of " + List.of(bundles) + " reported errors: " + errors);
        }
    }

    /**
     * Waits up to {@link #WAIT_TIMEOUT} for {@code condition} to hold, checking it again on a
     * short interval, and fails with {@code description} if it never does.
     */
    protected static void await(String description, BooleanSupplier condition) {
        long deadlineNanos = System.nanoTime() + WAIT_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new AssertionError("not within " + WAIT_TIMEOUT + ": " + description);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + description, e);
            }
        }
    }
}
