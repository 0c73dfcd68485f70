package engram.kernels.zig.impl;

import java.io.File;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import engram.api.KernelService;
import engram.api.KnownAnswers;
import engram.api.OverflowStrategy;
import engram.api.SelfTestResult;
import engram.api.WorkspaceOptions;

/**
 * Loads the Zig kernel library from the attached fragment, runs the known-answer tests on
 * it, and only then registers it as a {@link KernelService} ranked above the Java kernels. If
 * the library is missing, the CPU unsupported, the configuration invalid or a test fails, it
 * registers nothing and logs why; the Java kernels keep serving.
 *
 * <p>Stopping the bundle unregisters the service first (the router sends new calls elsewhere),
 * then waits for the calls in flight, frees every workspace the kernels made (counted in the
 * log), and unloads the library. An arena panic ({@link OverflowStrategy#PANIC}) withdraws
 * the service the same way, from a thread of its own, until the bundle is restarted or its
 * configuration changes.
 */
@Component(service = {}, immediate = true, configurationPid = ZigKernelComponent.PID)
@Designate(ocd = ZigKernelComponent.Config.class)
public final class ZigKernelComponent {
    /** The configuration PID. */
    public static final String PID = "engram.kernels.zig";

    private static final System.Logger LOG = System.getLogger(PID);

    @ObjectClassDefinition(name = "Engram Zig kernels",
            description = "Which native library variant to load, and the arenas of its workspaces.")
    public @interface Config {
        @AttributeDefinition(description = "auto picks the best library the CPU supports; x86_64_baseline,"
                + " x86_64_v3, x86_64_v4 or aarch64_neon forces one (refused if the CPU lacks it)")
        String instructionSet() default "auto";

        @AttributeDefinition(min = "1", max = "100", description = "capacity, in MiB (1 to 100), of the arena of"
                + " each workspace the kernels make without explicit options, their pool's included")
        int arenaCapacityMiB() default 1;

        @AttributeDefinition(description = "what a call that needs more scratch than its arena holds does: error"
                + " (it fails and the next kernel serves it), fallback (the general allocator serves the overflow"
                + " for that call), panic (the call fails and the Zig kernels withdraw until restarted)")
        String arenaOverflow() default "fallback";

        @AttributeDefinition(required = false, description = "a folder for the private copy of the native library,"
                + " tried first (then the system property engram.zig.libraryFolder, the bundle's data area and"
                + " java.io.tmpdir); it must be writable and on a file system that allows executable mappings"
                + " (not mounted noexec)")
        String libraryFolder() default "";
    }

    private final ZigKernels kernels;
    /** Guarded by {@code this}: the registration, and whether an arena panic withdrew the kernels. */
    private ServiceRegistration<KernelService> registration;
    private boolean withdrawn;

    @Activate
    public ZigKernelComponent(BundleContext context, Config config) {
        String requested = requestedLevel(config);
        WorkspaceOptions defaults;
        try {
            defaults = WorkspaceOptions.ofMebibytes(config.arenaCapacityMiB(),
                    OverflowStrategy.named(config.arenaOverflow()));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "Zig kernels not registered: the configuration " + PID
                    + " is invalid: " + e.getMessage());
            this.kernels = null;
            return;
        }
        ZigKernels loaded;
        try {
            loaded = ZigKernels.load(ZigKernelComponent.class.getClassLoader(), requested,
                    libraryFolders(context, config), defaults, this::withdraw);
        } catch (NativeKernelLibrary.LoadException e) {
            LOG.log(System.Logger.Level.WARNING, "Zig kernels not registered: " + e.getMessage());
            this.kernels = null;
            return;
        }
        ServiceRegistration<KernelService> registered = null;
        try {
            List<SelfTestResult> results = KnownAnswers.run(loaded);
            if (KnownAnswers.allPassed(results)) {
                Dictionary<String, Object> properties = new Hashtable<>();
                properties.put(Constants.SERVICE_RANKING, ZigKernels.RANKING);
                properties.put("engram.kernel.id", loaded.info().id());
                properties.put("engram.kernel.name", "zig");
                properties.put("engram.kernel.instructionSet", loaded.info().instructionSet());
                registered = context.registerService(KernelService.class, loaded, properties);
                LOG.log(System.Logger.Level.INFO, "Zig kernels registered, library " + loaded.level() + ": "
                        + loaded.info().instructionSet() + "; workspaces " + defaults);
            } else {
                LOG.log(System.Logger.Level.WARNING, "Zig kernels not registered: the known-answer tests failed: "
                        + KnownAnswers.failures(results));
            }
        } finally {
            if (registered == null) {
                loaded.close();
            }
        }
        this.kernels = registered == null ? null : loaded;
        if (registered != null) {
            keep(registered);
        }
    }

    /** Keeps the registration, unless a call panicked while it was being made: then it goes at once. */
    private void keep(ServiceRegistration<KernelService> registered) {
        boolean panicked;
        synchronized (this) {
            panicked = withdrawn;
            if (!panicked) {
                registration = registered;
            }
        }
        if (panicked) {
            unregisterQuietly(registered);
        }
    }

    /**
     * Where the library's copy may go, in order: the configured folder, the one the system
     * property names, this bundle's data area (which only this framework uses, so copies a
     * killed process left there are deleted first), and {@code java.io.tmpdir}.
     */
    private static List<Path> libraryFolders(BundleContext context, Config config) {
        Set<Path> folders = new LinkedHashSet<>();
        String configured = config.libraryFolder();
        if (configured != null && !configured.isBlank()) {
            folders.add(Path.of(configured));
        }
        File dataArea = context.getDataFile("native");
        if (dataArea != null) {
            int stale = NativeKernelLibrary.deleteStaleCopies(dataArea.toPath());
            if (stale > 0) {
                LOG.log(System.Logger.Level.INFO, "deleted " + stale + " copies of the native library that a killed"
                        + " process left in " + dataArea);
            }
            List<Path> defaults = NativeKernelLibrary.defaultFolders();
            // The system property's folder (when set) stays ahead of the data area; java.io.tmpdir behind it.
            folders.addAll(defaults.subList(0, defaults.size() - 1));
            folders.add(dataArea.toPath());
            folders.add(defaults.getLast());
        } else {
            folders.addAll(NativeKernelLibrary.defaultFolders());
        }
        return List.copyOf(folders);
    }

    /** The configured level if one is set, else the system property, else {@code auto}. */
    private static String requestedLevel(Config config) {
        String configured = config.instructionSet();
        if (configured != null && !configured.isBlank() && !configured.equals("auto")) {
            return configured;
        }
        return System.getProperty(ZigKernels.ISA_PROPERTY, "auto");
    }

    /**
     * After an arena panic (told by the kernels, from a thread of their own, which then frees
     * their arenas and unloads the library): unregisters the service. The library stays
     * withdrawn until the component is activated again (a restart of the bundle, or a new
     * configuration).
     */
    private void withdraw(String reason) {
        ServiceRegistration<KernelService> current;
        synchronized (this) {
            withdrawn = true;
            current = registration;
            registration = null;
        }
        if (current != null) {
            unregisterQuietly(current);
        }
    }

    private static void unregisterQuietly(ServiceRegistration<KernelService> registered) {
        try {
            registered.unregister();
        } catch (IllegalStateException alreadyGone) {
            LOG.log(System.Logger.Level.DEBUG, "the Zig kernels' service was already unregistered");
        }
    }

    @Deactivate
    void deactivate() {
        try {
            withdraw("the component is deactivated");
        } finally {
            if (kernels != null) {
                kernels.close();
                ZigKernels.CloseReport report = kernels.closeReport();
                if (report != null) {
                    LOG.log(System.Logger.Level.INFO, "Zig kernels stopped: freed " + report.workspacesFreed()
                            + " workspace(s); the library had " + report.liveArenas() + " arena(s) and "
                            + report.mappedBytes() + " bytes mapped as it was unloaded");
                }
            }
        }
    }
}
