package engram.kernels.zig.impl;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

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
import engram.api.SelfTestResult;

/**
 * Loads the Zig kernel library from the attached fragment, runs the known-answer tests on
 * it, and only then registers it as a {@link KernelService} ranked above the Java kernels.
 * If the library is missing, the CPU unsupported or a test fails, it registers nothing and
 * logs why; the Java kernels keep serving.
 *
 * <p>Stopping the bundle unregisters the service first (the router sends new calls
 * elsewhere), then waits for the calls in flight, then unloads the library.
 */
@Component(service = {}, immediate = true, configurationPid = ZigKernelComponent.PID)
@Designate(ocd = ZigKernelComponent.Config.class)
public final class ZigKernelComponent {
    /** The configuration PID. */
    public static final String PID = "engram.kernels.zig";
    /** The service ranking of the Zig kernels: above the Java kernels' 0. */
    public static final int RANKING = 100;

    private static final System.Logger LOG = System.getLogger(PID);

    @ObjectClassDefinition(name = "Engram Zig kernels", description = "Which native library variant to load.")
    public @interface Config {
        @AttributeDefinition(description = "auto picks the best library the CPU supports; x86_64_baseline,"
                + " x86_64_v3, x86_64_v4 or aarch64_neon forces one (refused if the CPU lacks it)")
        String instructionSet() default "auto";
    }

    private final ZigKernels kernels;
    private final ServiceRegistration<KernelService> registration;

    @Activate
    public ZigKernelComponent(BundleContext context, Config config) {
        String requested = requestedLevel(config);
        ZigKernels loaded;
        try {
            loaded = ZigKernels.load(ZigKernelComponent.class.getClassLoader(), requested);
        } catch (NativeKernelLibrary.LoadException e) {
            LOG.log(System.Logger.Level.WARNING, "Zig kernels not registered: " + e.getMessage());
            this.kernels = null;
            this.registration = null;
            return;
        }
        ServiceRegistration<KernelService> registered = null;
        try {
            List<SelfTestResult> results = KnownAnswers.run(loaded);
            if (KnownAnswers.allPassed(results)) {
                Dictionary<String, Object> properties = new Hashtable<>();
                properties.put(Constants.SERVICE_RANKING, RANKING);
                properties.put("engram.kernel.name", "zig");
                properties.put("engram.kernel.instructionSet", loaded.info().instructionSet());
                registered = context.registerService(KernelService.class, loaded, properties);
                LOG.log(System.Logger.Level.INFO, "Zig kernels registered, library " + loaded.level() + ": "
                        + loaded.info().instructionSet());
            } else {
                LOG.log(System.Logger.Level.WARNING, "Zig kernels not registered: the known-answer tests failed: "
                        + results.stream().filter(r -> !r.passed()).map(r -> r.test() + ": " + r.detail()).toList());
            }
        } finally {
            if (registered == null) {
                loaded.close();
            }
        }
        this.kernels = registered == null ? null : loaded;
        this.registration = registered;
    }

    /** The configured level if one is set, else the system property, else {@code auto}. */
    private static String requestedLevel(Config config) {
        String configured = config.instructionSet();
        if (configured != null && !configured.isBlank() && !configured.equals("auto")) {
            return configured;
        }
        return System.getProperty(ZigKernels.ISA_PROPERTY, "auto");
    }

    @Deactivate
    void deactivate() {
        try {
            if (registration != null) {
                registration.unregister();
            }
        } finally {
            if (kernels != null) {
                kernels.close();
            }
        }
    }
}
