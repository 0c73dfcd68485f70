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
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;

import engram.api.KernelService;

/** The components as Declarative Services reports them in its runtime DTOs. */
public class ComponentStateTest extends EngramTestSupport {
    private static final String ROUTER = "engram.core.impl.RouterComponent";
    private static final String JAVA_KERNELS = "engram.kernels.java.impl.ReferenceKernels";
    /** A delayed component is SATISFIED until its service is first used, then ACTIVE. */
    private static final Set<Integer> RUNNING_STATES = Set.of(ComponentConfigurationDTO.SATISFIED,
            ComponentConfigurationDTO.ACTIVE);

    @Test
    public void routerAndJavaKernelComponentsAreSatisfiedOrActive() {
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class);
        routerListing("java");

        for (String name : new String[] {ROUTER, JAVA_KERNELS}) {
            ComponentConfigurationDTO configuration = onlyConfiguration(scr, description(scr, name));
            assertTrue(name + " is in state " + configuration.state + ", expected SATISFIED ("
                    + ComponentConfigurationDTO.SATISFIED + ") or ACTIVE (" + ComponentConfigurationDTO.ACTIVE + ")",
                    RUNNING_STATES.contains(configuration.state));
        }
    }

    @Test
    public void routerReferenceIsBoundToTheJavaKernel() throws Exception {
        routerListing("java");
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class);
        ComponentConfigurationDTO router = onlyConfiguration(scr, description(scr, ROUTER));
        Collection<ServiceReference<KernelService>> javaKernels = context.getServiceReferences(KernelService.class,
                "(component.name=" + JAVA_KERNELS + ")");
        assertEquals("KernelService registrations of " + JAVA_KERNELS, 1, javaKernels.size());
        long javaServiceId = (Long) javaKernels.iterator().next().getProperty(Constants.SERVICE_ID);

        assertEquals("unsatisfied references of the router", 0, router.unsatisfiedReferences.length);
        SatisfiedReferenceDTO kernels = Arrays.stream(router.satisfiedReferences)
                .filter(r -> r.name.equals("kernels")).findFirst()
                .orElseThrow(() -> new AssertionError("the router has no satisfied reference named kernels"));
        assertTrue("the kernels reference is bound to the java kernel service " + javaServiceId,
                Arrays.stream(kernels.boundServices).anyMatch(s -> s.id == javaServiceId));
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
