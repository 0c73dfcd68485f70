package engram.core.impl;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.Constants;

import engram.api.KernelService;

/**
 * Registers kernels with a router the way Declarative Services does: the bind, updated and
 * unbind methods with the service properties, each registration with a service id of its own,
 * higher for each later one (as the framework numbers them).
 */
final class Registrations {
    private final RouterComponent router;
    private final AtomicLong serviceIds = new AtomicLong(100);

    Registrations(RouterComponent router) {
        this.router = router;
    }

    /** Registers {@code kernel} with the next service id; returns that id. */
    long register(KernelService kernel, int ranking) {
        long serviceId = serviceIds.incrementAndGet();
        register(kernel, ranking, serviceId);
        return serviceId;
    }

    /** Registers {@code kernel} with the given service id. */
    void register(KernelService kernel, int ranking, long serviceId) {
        router.bindKernel(kernel, properties(ranking, serviceId));
    }

    /** Changes the ranking of the registration {@code serviceId}. */
    void update(KernelService kernel, long serviceId, int ranking) {
        router.updatedKernel(kernel, properties(ranking, serviceId));
    }

    void unregister(KernelService kernel, long serviceId, int ranking) {
        router.unbindKernel(kernel, properties(ranking, serviceId));
    }

    static Map<String, Object> properties(int ranking, long serviceId) {
        return Map.of(Constants.SERVICE_RANKING, ranking, Constants.SERVICE_ID, serviceId,
                Constants.OBJECTCLASS, new String[] {KernelService.class.getName()});
    }
}
