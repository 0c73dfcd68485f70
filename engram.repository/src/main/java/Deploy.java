import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.namespace.HostNamespace;
import org.osgi.framework.namespace.IdentityNamespace;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.util.tracker.ServiceTracker;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Starts the OSGi framework found on the class path (Apache Felix, Eclipse Equinox, any
 * framework with a {@link FrameworkFactory}) and deploys Engram into it: installs every bundle
 * of an OSGi repository index (or of a folder of jars), starts them, waits until the kernel
 * router and the kernels have registered their services, and only then lets the Gogo shell
 * start. It runs as a source file, with no build step:
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
 *      -cp org.apache.felix.framework-7.0.5.jar Deploy.java index.xml
 * </pre>
 *
 * <p>The steps are those of {@code docs/operations/deploy.md}; {@code DeployTest} runs this file
 * on Felix and on Equinox in every build. It is a single file in the unnamed package so that it
 * can be copied anywhere and run as it is.
 */
public final class Deploy {
    /** Gogo runs its scripts as soon as this bundle starts: it starts after everything else. */
    private static final String SHELL_BUNDLE = "org.apache.felix.gogo.shell";
    private static final int BUNDLE_START_LEVEL = 1;
    private static final int SHELL_START_LEVEL = 2;
    private static final String ZIG_HOST = "engram.kernels.zig";
    private static final String JAVA_KERNELS = "engram.kernels.java";
    /** The module the Java kernel (the Vector API kernel) needs: only the JVM's command line adds it. */
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String ROUTER_SERVICE = "engram.api.KernelRouter";
    private static final String KERNEL_SERVICE = "engram.api.KernelService";
    private static final String STORAGE_FOLDER = "framework-storage";
    /** Gogo's options; Equinox sets them to --nointeractive (no prompt) unless told otherwise. */
    private static final String GOGO_ARGS = "gosh.args";
    private static final String DATA_DIR = "engram.data.dir";
    private static final String DATA_FOLDER = "data";
    /** How long each step may take before the deployment counts as failed. */
    private static final long STEP_TIMEOUT_SECONDS = 30;
    private static final String REPOSITORY_NAMESPACE = "http://www.osgi.org/xmlns/repository/v1.0.0";
    private static final String CONTENT_NAMESPACE = "osgi.content";
    private static final String TROUBLESHOOTING =
            "docs/operations/kernels.md, \"When the Zig kernels do not register\"";

    /**
     * The JVM's own streams: Gogo swaps {@code System.out} and {@code System.err} for streams of
     * its sessions while it runs, and a line written to them as the shell stops can be lost.
     */
    private static final PrintStream OUT = System.out;
    private static final PrintStream ERR = System.err;

    /** A bundle to install: where it comes from, and its bytes, checked against the index. */
    private record Artifact(String location, byte[] content) {}

    private Deploy() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            ERR.println("usage: java FLAGS -cp FRAMEWORK.jar Deploy.java INDEX [STORAGE]\n"
                    + "  INDEX    an OSGi repository index (index.xml, as a path or a URL), or a folder of bundle jars\n"
                    + "  STORAGE  the framework's storage folder, emptied on start (default ./"
                    + STORAGE_FOLDER + ")\n"
                    + "  FLAGS    --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow");
            System.exit(2);
        }
        long startNanos = System.nanoTime();
        List<Artifact> artifacts = artifacts(args[0]);
        Path storage = Path.of(args.length == 2 ? args[1] : STORAGE_FOLDER).toAbsolutePath();

        Map<String, String> configuration = new HashMap<>();
        configuration.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        configuration.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        // The shell's level is reached only once Engram has been checked (see below).
        configuration.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(BUNDLE_START_LEVEL));
        // The same shell on every framework (Equinox would pass --nointeractive): a prompt on
        // standard input, whose end stops the framework, unless -Dgosh.args says otherwise.
        configuration.put(GOGO_ARGS, System.getProperty(GOGO_ARGS, ""));
        // The memory engine's store (engram.store.sqlite) keeps its data here, beside the
        // storage and not in it (the storage is emptied on start), unless -Dengram.data.dir says
        // otherwise.
        Path data = Path.of(System.getProperty(DATA_DIR, storage.resolveSibling(DATA_FOLDER).toString()))
                .toAbsolutePath();
        configuration.put(DATA_DIR, data.toString());
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path: put a"
                        + " framework jar (org.apache.felix.framework, org.eclipse.osgi) on -cp"));
        Framework framework = factory.newFramework(configuration);
        framework.init();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopOnExit(framework), "deploy-shutdown"));
        say("framework " + framework.getSymbolicName() + " " + framework.getVersion() + " on Java "
                + Runtime.version() + ", storage " + storage + ", data " + data);

        BundleContext context = framework.getBundleContext();
        List<Bundle> bundles = new ArrayList<>();
        for (Artifact artifact : artifacts) {
            Bundle bundle = context.installBundle(artifact.location(), new ByteArrayInputStream(artifact.content()));
            bundle.adapt(BundleStartLevel.class).setStartLevel(
                    SHELL_BUNDLE.equals(bundle.getSymbolicName()) ? SHELL_START_LEVEL : BUNDLE_START_LEVEL);
            if (!isFragment(bundle)) {
                // Persistent: the bundle starts when the framework reaches its start level.
                bundle.start();
            }
            bundles.add(bundle);
        }
        say("installed " + bundles.size() + " bundles from " + args[0]);

        CountDownLatch started = new CountDownLatch(1);
        context.addFrameworkListener(event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                started.countDown();
            }
        });
        framework.start();
        if (!started.await(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            fail(framework, "the framework did not reach start level " + BUNDLE_START_LEVEL + " within "
                    + STEP_TIMEOUT_SECONDS + " s");
        }

        int notStarted = 0;
        for (Bundle bundle : bundles) {
            say(String.format("%4d %-9s %d  %s %s%s", bundle.getBundleId(), state(bundle),
                    bundle.adapt(BundleStartLevel.class).getStartLevel(), bundle.getSymbolicName(),
                    bundle.getVersion(), note(context, bundle)));
            if (!isFragment(bundle) && bundle.getState() != Bundle.ACTIVE
                    && bundle.adapt(BundleStartLevel.class).getStartLevel() <= BUNDLE_START_LEVEL) {
                notStarted++;
                explainNotStarted(bundle);
            }
        }
        if (notStarted > 0) {
            fail(framework, notStarted + " bundle(s) did not start; the lines above say why");
        }

        ServiceTracker<Object, Object> router = new ServiceTracker<>(context, ROUTER_SERVICE, null);
        router.open();
        if (router.waitForService(TimeUnit.SECONDS.toMillis(STEP_TIMEOUT_SECONDS)) == null) {
            fail(framework, "no " + ROUTER_SERVICE + " service within " + STEP_TIMEOUT_SECONDS
                    + " s: is engram.core installed and ACTIVE?");
        }
        say(ROUTER_SERVICE + " registered by " + router.getServiceReference().getBundle().getSymbolicName());
        router.close();
        awaitZigKernels(context);
        awaitJavaKernel(context);
        listKernels(context);
        say(String.format("Engram is up after %.1f s", (System.nanoTime() - startNanos) / 1e9));

        CountDownLatch shellLevel = new CountDownLatch(1);
        framework.adapt(FrameworkStartLevel.class).setStartLevel(SHELL_START_LEVEL, event -> {
            if (event.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
                shellLevel.countDown();
            }
        });
        if (!shellLevel.await(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            fail(framework, "the framework did not reach start level " + SHELL_START_LEVEL + " within "
                    + STEP_TIMEOUT_SECONDS + " s");
        }
        say("start level " + SHELL_START_LEVEL + ": the Gogo shell, if installed, takes commands;"
                + " stop 0 (or Ctrl-C) stops the framework");
        FrameworkEvent stopped = framework.waitForStop(0);
        boolean clean = stopped.getType() != FrameworkEvent.ERROR && stopped.getType() != FrameworkEvent.WAIT_TIMEDOUT;
        // Best effort: Gogo 1.1.4 may have closed standard output as its session ended. The exit
        // status is the result. Exiting explicitly matters: after stop 0, Gogo's console thread
        // stays blocked on standard input and would keep the JVM alive until the next line.
        say(clean ? "framework stopped" : "framework stopped with an error: " + stopped.getThrowable());
        System.exit(clean ? 0 : 1);
    }

    /** The bundles to install: those an index lists, or every jar in a folder. */
    private static List<Artifact> artifacts(String source) throws Exception {
        if (source.contains(":/")) {
            return fromIndex(URI.create(source));
        }
        Path folder = Path.of(source);
        if (Files.isDirectory(folder)) {
            try (Stream<Path> jars = Files.list(folder)) {
                List<Artifact> artifacts = new ArrayList<>();
                for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                    artifacts.add(new Artifact(jar.toAbsolutePath().toUri().toString(), Files.readAllBytes(jar)));
                }
                if (artifacts.isEmpty()) {
                    throw new IllegalArgumentException("the folder " + folder.toAbsolutePath() + " holds no .jar files");
                }
                return artifacts;
            }
        }
        return fromIndex(folder.toAbsolutePath().toUri());
    }

    /** The identity type of the resources bnd adds to describe a multi-release jar. */
    private static final String SYNTHETIC = "bnd.synthetic";

    /**
     * Every resource of the index at its {@code osgi.content} URL (relative URLs resolve against
     * the index), its bytes checked against the SHA-256 the index gives.
     */
    private static List<Artifact> fromIndex(URI index)
            throws IOException, ParserConfigurationException, SAXException, NoSuchAlgorithmException {
        Document document;
        try (InputStream in = index.toURL().openStream()) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            document = factory.newDocumentBuilder().parse(in);
        }
        List<Artifact> artifacts = new ArrayList<>();
        NodeList resources = document.getElementsByTagNameNS(REPOSITORY_NAMESPACE, "resource");
        for (int r = 0; r < resources.getLength(); r++) {
            Map<String, String> content = capability((Element) resources.item(r), CONTENT_NAMESPACE);
            Map<String, String> identity = capability((Element) resources.item(r), IdentityNamespace.IDENTITY_NAMESPACE);
            if (SYNTHETIC.equals(identity.get(IdentityNamespace.CAPABILITY_TYPE_ATTRIBUTE))) {
                // bnd describes a multi-release jar (sqlite-jdbc) with one extra resource per Java
                // release it has classes for, for resolvers; it has no bytes to install.
                continue;
            }
            String name = identity.get(IdentityNamespace.IDENTITY_NAMESPACE) + " " + identity.get("version");
            String url = content.get("url");
            if (url == null) {
                throw new IllegalArgumentException("the index " + index + " gives no osgi.content url for " + name);
            }
            URI location = index.resolve(url);
            byte[] bytes;
            try (InputStream in = location.toURL().openStream()) {
                bytes = in.readAllBytes();
            }
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            if (!sha256.equalsIgnoreCase(content.get(CONTENT_NAMESPACE))) {
                throw new IllegalArgumentException(location + " has SHA-256 " + sha256 + ", but the index " + index
                        + " says " + content.get(CONTENT_NAMESPACE) + " for " + name
                        + ": copy the index and its bundles/ folder together, from one build");
            }
            artifacts.add(new Artifact(location.toString(), bytes));
        }
        if (artifacts.isEmpty()) {
            throw new IllegalArgumentException("the index " + index + " lists no resources");
        }
        return artifacts;
    }

    /** The attributes of the first capability of a resource in a namespace (empty if none). */
    private static Map<String, String> capability(Element resource, String namespace) {
        NodeList capabilities = resource.getElementsByTagNameNS(REPOSITORY_NAMESPACE, "capability");
        for (int c = 0; c < capabilities.getLength(); c++) {
            Element capability = (Element) capabilities.item(c);
            if (namespace.equals(capability.getAttribute("namespace"))) {
                Map<String, String> attributes = new HashMap<>();
                NodeList children = capability.getElementsByTagNameNS(REPOSITORY_NAMESPACE, "attribute");
                for (int a = 0; a < children.getLength(); a++) {
                    Element attribute = (Element) children.item(a);
                    attributes.put(attribute.getAttribute("name"), attribute.getAttribute("value"));
                }
                return attributes;
            }
        }
        return Map.of();
    }

    /**
     * If a native fragment is attached to the Zig kernels' bundle, waits for the Zig kernels'
     * service: they register only after their library loaded and passed its known-answer tests.
     */
    private static void awaitZigKernels(BundleContext context) throws InvalidSyntaxException, InterruptedException {
        Bundle host = Arrays.stream(context.getBundles()).filter(b -> ZIG_HOST.equals(b.getSymbolicName()))
                .findFirst().orElse(null);
        if (host == null) {
            say(ZIG_HOST + " is not installed: the Java kernels serve");
            return;
        }
        BundleWiring wiring = host.adapt(BundleWiring.class);
        List<String> fragments = wiring == null ? List.of()
                : wiring.getProvidedWires(HostNamespace.HOST_NAMESPACE).stream()
                        .map(BundleWire::getRequirer).map(BundleRevision::getSymbolicName).toList();
        if (fragments.isEmpty()) {
            say("no native fragment is attached to " + ZIG_HOST + " on " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + ": the Java kernels serve (" + TROUBLESHOOTING + ")");
            return;
        }
        ServiceTracker<Object, Object> zig = new ServiceTracker<>(context, context.createFilter("(&("
                + Constants.OBJECTCLASS + "=" + KERNEL_SERVICE + ")(" + Constants.SERVICE_BUNDLEID + "="
                + host.getBundleId() + "))"), null);
        zig.open();
        try {
            if (zig.waitForService(TimeUnit.SECONDS.toMillis(STEP_TIMEOUT_SECONDS)) == null) {
                ERR.println("deploy: WARNING: " + fragments + " is attached to " + ZIG_HOST
                        + ", but the Zig kernels did not register within " + STEP_TIMEOUT_SECONDS
                        + " s; the Java kernels serve. The log above says why: see " + TROUBLESHOOTING);
            } else {
                say("native fragment " + String.join(", ", fragments) + " attached to " + ZIG_HOST);
            }
        } finally {
            zig.close();
        }
    }

    /**
     * If the JVM has {@value #VECTOR_MODULE}, waits for the Java kernel's service (it registers
     * once its known-answer tests passed); without the module, says that the reference serves
     * in its place.
     */
    private static void awaitJavaKernel(BundleContext context) throws InvalidSyntaxException, InterruptedException {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            say("the JVM has no module " + VECTOR_MODULE + ": the reference kernels serve in the java kernel's place"
                    + " (start the JVM with --add-modules " + VECTOR_MODULE + ")");
            return;
        }
        ServiceTracker<Object, Object> java = new ServiceTracker<>(context, context.createFilter("(&("
                + Constants.OBJECTCLASS + "=" + KERNEL_SERVICE + ")(engram.kernel.name=java))"), null);
        java.open();
        try {
            if (java.waitForService(TimeUnit.SECONDS.toMillis(STEP_TIMEOUT_SECONDS)) == null) {
                ERR.println("deploy: WARNING: the JVM has " + VECTOR_MODULE + ", but the java kernel of "
                        + JAVA_KERNELS + " did not register within " + STEP_TIMEOUT_SECONDS + " s; the reference"
                        + " kernels serve. The log above says why");
            }
        } finally {
            java.close();
        }
    }

    private static void listKernels(BundleContext context) throws InvalidSyntaxException {
        ServiceReference<?>[] kernels = context.getAllServiceReferences(KERNEL_SERVICE, null);
        List<ServiceReference<?>> sorted = kernels == null ? List.of() : Arrays.stream(kernels)
                .sorted(Comparator.comparingInt(Deploy::ranking).reversed()).toList();
        for (ServiceReference<?> kernel : sorted) {
            Object id = kernel.getProperty("engram.kernel.id");
            say(KERNEL_SERVICE + " ranking " + ranking(kernel) + " from " + kernel.getBundle().getSymbolicName()
                    + (id == null ? "" : " (" + id + ")"));
        }
    }

    private static int ranking(ServiceReference<?> reference) {
        return reference.getProperty(Constants.SERVICE_RANKING) instanceof Integer ranking ? ranking : 0;
    }

    private static boolean isFragment(Bundle bundle) {
        return (bundle.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private static String state(Bundle bundle) {
        return switch (bundle.getState()) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
    }

    private static String note(BundleContext context, Bundle bundle) {
        if (!isFragment(bundle)) {
            return bundle.adapt(BundleStartLevel.class).getStartLevel() > BUNDLE_START_LEVEL
                    ? " (starts at start level " + SHELL_START_LEVEL + ", once Engram is up)" : "";
        }
        if (bundle.getState() == Bundle.RESOLVED) {
            return " (fragment, attached)";
        }
        String host = bundle.getHeaders().get(Constants.FRAGMENT_HOST).split(";")[0].strip();
        boolean hostResolved = Arrays.stream(context.getBundles()).anyMatch(b -> host.equals(b.getSymbolicName())
                && (b.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE)) != 0);
        if (!hostResolved) {
            return " (fragment, not attached: its host " + host + " is not resolved)";
        }
        return bundle.getHeaders().get(Constants.BUNDLE_NATIVECODE) == null ? " (fragment, not attached)"
                : " (fragment, not attached: its Bundle-NativeCode is for another platform)";
    }

    /** Starting the bundle again reports what the framework's resolver found missing. */
    private static void explainNotStarted(Bundle bundle) {
        try {
            bundle.start();
        } catch (BundleException e) {
            ERR.println("deploy: " + bundle.getSymbolicName() + " did not start: " + e.getMessage());
        }
    }

    private static void fail(Framework framework, String reason) throws BundleException, InterruptedException {
        ERR.println("deploy: FAILED: " + reason);
        framework.stop();
        framework.waitForStop(TimeUnit.SECONDS.toMillis(STEP_TIMEOUT_SECONDS));
        System.exit(1);
    }

    /** On Ctrl-C (or any other JVM exit) the bundles stop in order, as with stop 0. */
    private static void stopOnExit(Framework framework) {
        if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) == 0) {
            return;
        }
        try {
            framework.stop();
            framework.waitForStop(TimeUnit.SECONDS.toMillis(STEP_TIMEOUT_SECONDS));
        } catch (BundleException e) {
            ERR.println("deploy: the framework did not stop cleanly: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void say(String line) {
        OUT.println("deploy: " + line);
    }
}
