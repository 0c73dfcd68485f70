package engram.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;

import org.junit.Test;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import engram.api.CsrGraph;
import engram.api.KernelRouter;
import engram.api.KernelService;
import engram.api.KernelStatus;
import engram.api.SpreadParams;
import engram.api.SpreadResult;

/**
 * The arena settings of the configuration {@code engram.kernels.zig}, through Config Admin:
 * the capacity and the overflow strategy of the workspaces the Zig kernels make themselves.
 * A spread over a graph too large for a 1 MiB arena is served by the Java kernels under
 * {@code error} (and counted as a Zig failure), withdraws the Zig kernels under {@code panic},
 * and an invalid setting registers nothing; deleting the configuration brings the defaults back.
 */
public class ZigArenaConfigurationTest extends EngramTestSupport {
    private static final String PID = "engram.kernels.zig";
    /** About 30 bytes per node: more than a 1 MiB arena holds. */
    private static final int NODES = 60_000;
    private static final SpreadParams PARAMS = SpreadParams.exponential(4, 0.3, 0);

    @Test
    public void theOverflowStrategyAndCapacityComeFromTheConfiguration() throws Exception {
        KernelRouter router = routerListing("java");
        if (!zigKernelsProvisioned()) {
            assertEquals("without the fragment java serves (the reference behind it)", "java", activeKernel(router));
            return;
        }
        routerListing("zig");
        Configuration configuration = service(ConfigurationAdmin.class).getConfiguration(PID, null);
        try (CsrGraph graph = ring(NODES)) {
            SpreadResult expected = kernelNamed("reference").spread(graph, new int[] {0}, new float[] {1f}, PARAMS);

            long before = zigServiceId();
            configuration.update(settings(1, "error"));
            awaitZigRegisteredAnew("with the error strategy", router, before);
            long javaBefore = served(router, "java");
            SpreadResult served = router.spread(graph, new int[] {0}, new float[] {1f}, PARAMS);
            assertArrayEquals(expected.activations(), served.activations(), 0f);
            assertEquals("the overflow was handed to java", javaBefore + 1, served(router, "java"));
            KernelStatus zig = status(router, "zig");
            assertEquals("the overflow counts as a zig failure: " + zig, 1, zig.failures());
            assertTrue(zig.lastFailure(), zig.lastFailure().contains("holds " + (1 << 20) + " bytes"));
            assertEquals("zig still serves what fits", "zig", activeKernel(router));

            long errorId = zigServiceId();
            configuration.update(settings(1, "panic"));
            awaitZigRegisteredAnew("with the panic strategy", router, errorId);
            SpreadResult rescued = router.spread(graph, new int[] {0}, new float[] {1f}, PARAMS);
            assertArrayEquals(expected.activations(), rescued.activations(), 0f);
            awaitNoZig("the panic withdrew the Zig kernels", router);

            configuration.update(settings(500, "fallback"));
            configuration.delete();
            awaitZigRegisteredAnew("with the defaults", router, -1);
            SpreadResult fallback = router.spread(graph, new int[] {0}, new float[] {1f}, PARAMS);
            assertArrayEquals(expected.activations(), fallback.activations(), 0f);
            assertEquals("under the default strategy, fallback, zig serves the large graph itself", 0,
                    status(router, "zig").failures());
            assertTrue(router.arenaMetrics().stream().anyMatch(m -> m.kernelId().startsWith(ZIG_ID_PREFIX)
                    && m.overflows() > 0 && m.fallbackBytes() > 0));
        } finally {
            deleteQuietly(PID);
        }
    }

    @Test
    public void anInvalidSettingRegistersNothingAndTheJavaKernelsServe() throws Exception {
        KernelRouter router = routerListing("java");
        if (!zigKernelsProvisioned()) {
            return;
        }
        routerListing("zig");
        Configuration configuration = service(ConfigurationAdmin.class).getConfiguration(PID, null);
        try {
            configuration.update(settings(500, "fallback"));
            awaitNoZig("an arena of 500 MiB is refused: no zig", router);
            configuration.update(settings(4, "error"));
            awaitZigRegisteredAnew("with a valid setting", router, -1);
            // After a valid setting, so that the refusal shows as zig leaving.
            configuration.update(settings(4, "sometimes"));
            awaitNoZig("an unknown strategy is refused: no zig", router);
        } finally {
            deleteQuietly(PID);
        }
        awaitZigRegisteredAnew("with the defaults", router, -1);
    }

    private static Dictionary<String, Object> settings(int capacityMiB, String overflow) {
        Dictionary<String, Object> settings = new Hashtable<>();
        settings.put("arenaCapacityMiB", capacityMiB);
        settings.put("arenaOverflow", overflow);
        return settings;
    }

    private void deleteQuietly(String pid) throws IOException {
        Configuration[] existing;
        try {
            existing = service(ConfigurationAdmin.class).listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        if (existing != null) {
            for (Configuration c : existing) {
                c.delete();
            }
        }
    }

    /**
     * Waits until Zig kernels are registered under another service id than {@code before}
     * ({@code -1}: any) and the router sends calls to them. Both, since a framework puts a
     * service in its registry before it tells the service's users, and takes it out before it
     * tells them it is gone (OSGi Core, {@code ServiceRegistration.unregister}; Felix and
     * Equinox alike): for a moment after each change the registry and the router disagree.
     * Config Admin applies a change on a thread of its own, where Declarative Services
     * unregisters the old service before it registers the new one, so once the new one is in
     * the registry the router has let the old one go, and "zig" can only be the new one.
     */
    private void awaitZigRegisteredAnew(String description, KernelRouter router, long before) {
        await("the Zig kernels register again " + description + " and the router sends calls to them", () -> {
            long now = zigServiceId();
            return now != -1 && now != before && activeKernel(router).equals("zig");
        });
    }

    /** Waits until no Zig kernels are registered and the router sends calls to java (see above: both). */
    private void awaitNoZig(String description, KernelRouter router) {
        await(description + ", and the router sends calls to java",
                () -> zigServiceId() == -1 && activeKernel(router).equals("java"));
    }

    /** The service id of the registered Zig kernels, or -1 when none is registered. */
    private long zigServiceId() {
        try {
            Collection<ServiceReference<KernelService>> references = context.getServiceReferences(KernelService.class,
                    "(engram.kernel.name=zig)");
            return references.isEmpty() ? -1 : (Long) references.iterator().next().getProperty(Constants.SERVICE_ID);
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static KernelStatus status(KernelRouter router, String name) {
        return router.kernels().stream().filter(k -> k.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("the router lists no " + name + ": " + router.kernels()));
    }

    private static CsrGraph ring(int nodes) {
        int[] offsets = new int[nodes + 1];
        int[] targets = new int[2 * nodes];
        float[] weights = new float[2 * nodes];
        for (int u = 0; u < nodes; u++) {
            offsets[u + 1] = 2 * (u + 1);
            targets[2 * u] = (u + 1) % nodes;
            targets[2 * u + 1] = (u + 13) % nodes;
            weights[2 * u] = 0.9f;
            weights[2 * u + 1] = 0.6f;
        }
        return CsrGraph.of(offsets, targets, weights);
    }
}
