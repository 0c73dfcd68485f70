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
    private static final String REFERENCE_KERNELS = "engram.kernels.java.impl.ReferenceKernels";
    /** Registers the Java kernel (the Vector API kernel) when the JVM has its module. */
    private static final String JAVA_KERNEL = "engram.kernels.java.impl.VectorKernelComponent";
    private static final String ZIG_KERNELS = "engram.kernels.zig.impl.ZigKernelComponent";
    /** A delayed component is SATISFIED until its service is first used, then ACTIVE. */
    private static final Set<Integer> RUNNING_STATES = Set.of(ComponentConfigurationDTO.SATISFIED,
            ComponentConfigurationDTO.ACTIVE);

    @Test
    public void theImmediateComponentsAreActiveAndTheReferenceSatisfiedOrActive() {
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class);
        routerListingEveryKernel();

        assertEquals("the router is immediate, so that it keeps its counts", ComponentConfigurationDTO.ACTIVE,
                onlyConfiguration(scr, description(scr, ROUTER)).state);
        ComponentConfigurationDTO reference = onlyConfiguration(scr, description(scr, REFERENCE_KERNELS));
        assertTrue(REFERENCE_KERNELS + " is in state " + reference.state + ", expected SATISFIED ("
                + ComponentConfigurationDTO.SATISFIED + ") or ACTIVE (" + ComponentConfigurationDTO.ACTIVE + ")",
                RUNNING_STATES.contains(reference.state));
        // Both register their kernel after a check: the Vector API's module, the Zig library (without it,
        // the Zig component registers nothing and says why in the log).
        assertEquals("the Java kernel's component is active", ComponentConfigurationDTO.ACTIVE,
                onlyConfiguration(scr, description(scr, JAVA_KERNEL)).state);
        assertEquals("the Zig component is active either way", ComponentConfigurationDTO.ACTIVE,
                onlyConfiguration(scr, description(scr, ZIG_KERNELS)).state);
    }

    @Test
    public void theJavaKernelIsRegisteredBetweenZigAndTheReference() throws Exception {
        routerListingEveryKernel();
        ServiceReference<KernelService> java = only(context.getServiceReferences(KernelService.class,
                "(engram.kernel.name=java)"), "java");
        assertEquals(JAVA_ID, java.getProperty("engram.kernel.id"));
        assertEquals(50, java.getProperty(Constants.SERVICE_RANKING));
        assertEquals("registered by engram.kernels.java", "engram.kernels.java", java.getBundle().getSymbolicName());
        assertTrue(String.valueOf(java.getProperty("engram.kernel.instructionSet")).startsWith("Vector API, "));
        ServiceReference<KernelService> reference = only(context.getServiceReferences(KernelService.class,
                "(component.name=" + REFERENCE_KERNELS + ")"), "reference");
        assertEquals(0, reference.getProperty(Constants.SERVICE_RANKING));
        assertEquals(java.getBundle(), reference.getBundle());
    }

    private static <T> T only(Collection<T> found, String what) {
        assertEquals("registrations of the " + what + " kernel", 1, found.size());
        return found.iterator().next();
    }

    @Test
    public void theRoutersKernelReferenceIsBoundToEveryKernelService() throws Exception {
        routerListingEveryKernel();
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class);
        ComponentDescriptionDTO description = description(scr, ROUTER);
        ComponentConfigurationDTO router = onlyConfiguration(scr, description);
        long referenceServiceId = (Long) only(context.getServiceReferences(KernelService.class,
                "(component.name=" + REFERENCE_KERNELS + ")"), "reference").getProperty(Constants.SERVICE_ID);
        long javaServiceId = (Long) only(context.getServiceReferences(KernelService.class,
                "(engram.kernel.name=java)"), "java").getProperty(Constants.SERVICE_ID);

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
        assertTrue("the kernel reference is bound to the reference kernel service " + referenceServiceId,
                Arrays.stream(kernels.boundServices).anyMatch(s -> s.id == referenceServiceId));
        assertTrue("the kernel reference is bound to the java kernel service " + javaServiceId,
                Arrays.stream(kernels.boundServices).anyMatch(s -> s.id == javaServiceId));
        assertEquals("bound kernel services: java and the reference" + (zigKernelsProvisioned() ? " and zig"
                : ", without the Zig library"), expectedKernelNames().size(), kernels.boundServices.length);
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
