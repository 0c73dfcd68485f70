package engram.core.memory;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import engram.api.KernelRouter;
import engram.api.memory.MemoryEngine;
import engram.api.memory.store.MemoryStore;

/**
 * The memory engine as a service: an {@link Engine} on the kernel router and the registered
 * {@link MemoryStore}, loaded from it when the component activates, and registered as the
 * {@link MemoryEngine} itself (no wrapper repeating its methods); unregistered and closed when
 * the router or the store goes.
 */
@Component(service = {}, immediate = true)
public final class MemoryEngineComponent {
    private static final System.Logger LOG = System.getLogger("engram.core.memory");
    private final Engine engine;
    private final ServiceRegistration<MemoryEngine> registration;

    @Activate
    public MemoryEngineComponent(BundleContext context, @Reference KernelRouter router, @Reference MemoryStore store) {
        engine = new Engine(router, store);
        LOG.log(System.Logger.Level.INFO, "memory engine up: " + engine.spaces().size() + " space(s), store "
                + store.describe());
        registration = context.registerService(MemoryEngine.class, engine, null);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } finally {
            engine.close();
        }
    }
}
