package engram.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.Collection;
import java.util.Set;

import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;

import engram.api.KernelService;

/** The components as Declarative Services reports them in its runtime DTOs. */
public class ComponentStateTest extends EngramTestSupport {
    private static final String ROUTER = "engram.core.impl.RouterComponent";
    private static final String JAVA_KERNELS = "engram.kernels.java.impl.ReferenceKernels";
    private static final String ZIG_KERNELS = "engram.kernels.zig.impl.ZigKernelComponent";
    /** A delayed component is SATISFIED until its service is first used, then ACTIVE. */
    private static final Set<Integer> RUNNING_STATES = Set.of(ComponentConfigurationDTO.SATISFIED,
            ComponentConfigurationDTO.ACTIVE);

    @Test
    public void theImmediateComponentsAreActiveAndTheJavaKernelsSatisfiedOrActive() {
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class);
        routerListing("java");

        assertEquals("the router is immediate, so that it keeps its counts", ComponentConfigurationDTO.ACTIVE,
                onlyConfiguration(scr, description(scr, ROUTER)).state);
        ComponentConfigurationDTO java = onlyConfiguration(scr, description(scr, JAVA_KERNELS));
        assertTrue(JAVA_KERNELS + " is in state " + java.state + ", expected SATISFIED ("
                + ComponentConfigurationDTO.SATISFIED + ") or ACTIVE (" + ComponentConfigurationDTO.ACTIVE + ")",
                RUNNING_STATES.contains(java.state));
        // With or without its library: without, it registered nothing and said why in the log.
        assertEquals("the Zig component is active either way", ComponentConfigurationDTO.ACTIVE,
                onlyConfiguration(scr, description(scr, ZIG_KERNELS)).state);
    }

    @Test
    public void theRoutersKernelReferenceIsBoundToTheJavaKernelService() throws Exception {
        routerListing(zigKernelsProvisioned() ? "zig" : "java");
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class);
        ComponentDescriptionDTO description = description(scr, ROUTER);
        ComponentConfigurationDTO router = onlyConfiguration(scr, description);
        Collection<ServiceReference<KernelService>> javaKernels = context.getServiceReferences(KernelService.class,
                "(component.name=" + JAVA_KERNELS + ")");
        assertEquals("KernelService registrations of " + JAVA_KERNELS, 1, javaKernels.size());
        long javaServiceId = (Long) javaKernels.iterator().next().getProperty(Constants.SERVICE_ID);

        ReferenceDTO reference = Arrays.stream(description.references)
                .filter(r -> r.interfaceName.equals(KernelService.class.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("the router has no reference to " + KernelService.class));
        assertEquals("0..n", reference.cardinality);
        assertEquals("dynamic", reference.policy);
        assertEquals("greedy", reference.policyOption);
        assertEquals("bound through methods, so that the router ranks on each change", "bindKernel", reference.bind);
        assertEquals("updatedKernel", reference.updated);
        assertEquals("unbindKernel", reference.unbind);

        assertEquals("unsatisfied references of the router", 0, router.unsatisfiedReferences.length);
        SatisfiedReferenceDTO kernels = Arrays.stream(router.satisfiedReferences)
                .filter(r -> r.name.equals(reference.name)).findFirst()
                .orElseThrow(() -> new AssertionError("the router's reference " + reference.name + " is not satisfied"));
        assertTrue("the kernel reference is bound to the java kernel service " + javaServiceId,
                Arrays.stream(kernels.boundServices).anyMatch(s -> s.id == javaServiceId));
        assertEquals("bound kernel services: java" + (zigKernelsProvisioned() ? " and zig" : " alone, without the Zig"
                + " library"), zigKernelsProvisioned() ? 2 : 1, kernels.boundServices.length);
    }

    private ComponentDescriptionDTO description(ServiceComponentRuntime scr, String name) {
        Bundle[] bundles = context.getBundles();
        Collection<ComponentDescriptionDTO> descriptions = scr.getComponentDescriptionDTOs(bundles);
        return descriptions.stream().filter(d -> d.name.equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("Declarative Services knows no component " + name));
    }

    private static ComponentConfigurationDTO onlyConfiguration(ServiceComponentRuntime scr,
            ComponentDescriptionDTO description) {
        assertTrue(description.name + " is enabled", scr.isComponentEnabled(description));
        Collection<ComponentConfigurationDTO> configurations = scr.getComponentConfigurationDTOs(description);
        assertEquals("configurations of " + description.name, 1, configurations.size());
        return configurations.iterator().next();
    }
}
