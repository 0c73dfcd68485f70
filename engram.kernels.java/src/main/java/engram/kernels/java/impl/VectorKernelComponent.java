package engram.kernels.java.impl;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import engram.api.KernelService;
import engram.api.KnownAnswers;
import engram.api.SelfTestResult;

/**
 * Registers the Vector API kernel ({@code java}, ranking {@value VectorSupport#RANKING}) when
 * the JVM has the module {@code jdk.incubator.vector} and the kernel passes the known-answer
 * tests; otherwise registers nothing and logs one line saying why, and the reference keeps
 * serving. The Vector API's classes are not loaded unless the module is there
 * ({@link VectorSupport}). Stopping the bundle unregisters the service and frees the kernel's
 * workspaces.
 */
@Component(service = {}, immediate = true)
public final class VectorKernelComponent {
    private static final System.Logger LOG = System.getLogger("engram.kernels.java");

    private final ClosableKernelService kernels;
    private final ServiceRegistration<KernelService> registration;

    @Activate
    public VectorKernelComponent(BundleContext context) {
        ClosableKernelService made = null;
        ServiceRegistration<KernelService> registered = null;
        try {
            String absent = VectorSupport.absentReason();
            if (absent != null) {
                LOG.log(System.Logger.Level.WARNING, "Vector API kernel (java) not registered: " + absent
                        + "; the reference kernel serves");
                return;
            }
            try {
                made = VectorSupport.create();
            } catch (UnsupportedOperationException e) {
                LOG.log(System.Logger.Level.WARNING, "Vector API kernel (java) not registered: " + e.getMessage()
                        + "; the reference kernel serves");
                return;
            }
            List<SelfTestResult> results = KnownAnswers.run(made);
            if (!KnownAnswers.allPassed(results)) {
                LOG.log(System.Logger.Level.WARNING, "Vector API kernel (java) not registered: the known-answer tests"
                        + " failed: " + KnownAnswers.failures(results) + "; the reference kernel serves");
                return;
            }
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put(Constants.SERVICE_RANKING, VectorSupport.RANKING);
            properties.put("engram.kernel.id", made.info().id());
            properties.put("engram.kernel.name", made.info().name());
            properties.put("engram.kernel.instructionSet", made.info().instructionSet());
            registered = context.registerService(KernelService.class, made, properties);
            LOG.log(System.Logger.Level.INFO, "Vector API kernel (java) registered: " + made.info().instructionSet());
        } finally {
            if (registered == null && made != null) {
                made.close();
            }
            this.kernels = registered == null ? null : made;
            this.registration = registered;
        }
    }

    @Deactivate
    void deactivate() {
        if (registration == null) {
            return;
        }
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            LOG.log(System.Logger.Level.DEBUG, "the Vector API kernel's service was already unregistered");
        } finally {
            kernels.close();
        }
    }
}
