package engram.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.util.tracker.ServiceTracker;

import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelRouter;
import engram.api.KernelService;
import engram.api.KernelStatus;
import engram.api.SpreadParams;
import engram.api.SpreadResult;
import engram.api.TopK;

/**
 * The live kernel swap: the Zig kernels register above the Java ones, and stopping,
 * starting, updating and refreshing the Zig bundle moves calls between them with no call
 * failing. With {@code -Dzig.skip} (no native library) the Zig bundle registers nothing
 * and the Java kernels serve alone: that is checked instead.
 */
public class ZigHotSwapTest extends EngramTestSupport {
    private static final int CYCLES = 50;
    private static final int CALLING_THREADS = 4;

    @Test
    public void theRouterPrefersZigWhenItsLibraryIsThereAndJavaOtherwise() {
        KernelRouter router = routerListing("java");
        Bundle zig = bundle("engram.kernels.zig");
        assertEquals("the Zig bundle is active either way", Bundle.ACTIVE, zig.getState());
        if (!zigKernelsProvisioned()) {
            List<KernelStatus> kernels = router.kernels();
            assertEquals("without its fragment the Zig bundle registers nothing: " + kernels, 1, kernels.size());
            assertEquals("java", kernels.get(0).name());
            assertTrue(kernels.get(0).active());
            return;
        }
        routerListing("zig");
        List<KernelStatus> kernels = router.kernels();
        assertEquals(List.of("zig", "java"), kernels.stream().map(KernelStatus::name).toList());
        assertTrue("zig is active: " + kernels, kernels.get(0).active() && !kernels.get(1).active());
        assertTrue("zig ranks above java: " + kernels, kernels.get(0).ranking() > kernels.get(1).ranking());
        assertTrue("zig names its instruction set: " + kernels.get(0),
                kernels.get(0).instructionSet().matches(".*(x86-64|aarch64).*"));
        long before = served(router, "zig");
        router.cosine(new float[] {1, 0}, new float[] {1, 0, 0, 1}, null);
        assertEquals("the call went to zig", before + 1, served(router, "zig"));
    }

    @Test
    public void stoppingZigMovesCallsToJavaAndStartingMovesThemBack() throws Exception {
        if (!zigKernelsProvisioned()) {
            return;
        }
        KernelRouter router = routerListing("zig");
        Bundle zig = bundle("engram.kernels.zig");
        zig.stop();
        try {
            await("the router no longer lists zig", () -> router.kernels().stream().noneMatch(k -> k.name().equals("zig")));
            long javaBefore = served(router, "java");
            assertArrayEquals(new float[] {1, 0}, router.cosine(new float[] {1, 0}, new float[] {1, 0, 0, 1}, null), 1e-6f);
            assertEquals("the call went to java", javaBefore + 1, served(router, "java"));
        } finally {
            zig.start();
        }
        await("zig is active again", () -> router.kernels().getFirst().name().equals("zig"));
        long zigBefore = served(router, "zig");
        router.cosine(new float[] {1, 0}, new float[] {1, 0, 0, 1}, null);
        assertEquals("the call went to zig", zigBefore + 1, served(router, "zig"));
    }

    @Test
    public void updatingAndRefreshingTheZigBundleBringsZigBackWithoutARestart() throws Exception {
        if (!zigKernelsProvisioned()) {
            return;
        }
        KernelRouter router = routerListing("zig");
        Bundle zig = bundle("engram.kernels.zig");
        BundleRevision revisionBefore = zig.adapt(BundleRevision.class);
        zig.update();
        CountDownLatch refreshed = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(zig), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshed.countDown();
            }
        });
        assertTrue("the refresh finished", refreshed.await(WAIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        assertNotSame("the update installed a new revision", revisionBefore, zig.adapt(BundleRevision.class));
        await("zig is active again after the update", () -> router.kernels().getFirst().name().equals("zig"));
        long before = served(router, "zig");
        assertArrayEquals(new float[] {1, 0}, router.cosine(new float[] {1, 0}, new float[] {1, 0, 0, 1}, null), 1e-6f);
        assertEquals("the updated zig kernels serve", before + 1, served(router, "zig"));
    }

    @Test
    public void fiftyStopStartCyclesUnderFourCallingThreadsLoseNoCallAndKeepEveryResult() throws Exception {
        if (!zigKernelsProvisioned()) {
            return;
        }
        KernelRouter router = routerListing("zig");
        Workload workload = new Workload(javaKernel());
        Bundle zig = bundle("engram.kernels.zig");
        long javaBefore = served(router, "java");
        // Each start registers the Zig kernels anew, with a count of their own: add them up.
        long zigServed = -served(router, "zig");

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong calls = new AtomicLong();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < CALLING_THREADS; t++) {
            int seed = t;
            threads.add(Thread.ofPlatform().name("caller-" + t).start(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                while (running.get()) {
                    try {
                        String mismatch = workload.callAndCheck(router, random.nextInt(Workload.KINDS));
                        if (mismatch != null) {
                            failures.add(mismatch);
                        }
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                    calls.incrementAndGet();
                }
            }));
        }
        try {
            for (int cycle = 0; cycle < CYCLES && failures.isEmpty(); cycle++) {
                zigServed += served(router, "zig");
                zig.stop();
                await("zig left the router", () -> router.kernels().getFirst().name().equals("java"));
                zig.start();
                await("zig is back in the router", () -> router.kernels().getFirst().name().equals("zig"));
            }
        } finally {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(WAIT_TIMEOUT.toMillis());
            }
        }
        zigServed += served(router, "zig");
        long javaServed = served(router, "java") - javaBefore;
        assertTrue("no call failed or differed from the reference, of " + calls.get() + ": "
                + failures.stream().limit(5).toList(), failures.isEmpty());
        assertTrue("both kernels served calls: zig " + zigServed + ", java " + javaServed,
                zigServed > 0 && javaServed > 0);
        System.out.printf("hot swap: %d stop/start cycles, %d calls from %d threads (zig served at least %d, java %d),"
                + " none failed%n", CYCLES, calls.get(), CALLING_THREADS, zigServed, javaServed);
    }

    private static long served(KernelRouter router, String kernel) {
        return router.kernels().stream().filter(k -> k.name().equals(kernel)).mapToLong(KernelStatus::callsServed)
                .sum();
    }

    private KernelService javaKernel() {
        ServiceTracker<KernelService, KernelService> tracker = new ServiceTracker<>(context, KernelService.class, null);
        tracker.open();
        try {
            await("the java kernel service", () -> tracker.getServices(new KernelService[0]).length > 0);
            for (KernelService kernel : tracker.getServices(new KernelService[0])) {
                if (kernel.info().name().equals("java")) {
                    return kernel;
                }
            }
            throw new AssertionError("no KernelService named java");
        } finally {
            tracker.close();
        }
    }

    /**
     * Fixed inputs for each kernel with the Java reference's answers, so that each call the
     * threads make can be checked: similarity within 1e-6, spreading bit for bit, decay
     * within 1e-6 relative.
     */
    private static final class Workload {
        static final int KINDS = 4;
        private final float[] query = new float[33];
        private final float[] matrix = new float[33 * 64];
        private final float[] expectedScores;
        private final TopK expectedTop;
        private final CsrGraph graph;
        private final SpreadParams spreadParams = SpreadParams.exponential(6, 0.4, 0.001f).withRefractoryHops(1);
        private final SpreadResult expectedSpread;
        private final float[] strength = new float[257];
        private final float[] ages = new float[257];
        private final int[] accesses = new int[257];
        private final DecayParams decayParams = DecayParams.of(new DecayCurve.TwoComponent());
        private final float[] expectedDecay;

        Workload(KernelService reference) {
            SplittableRandom random = new SplittableRandom(99);
            for (int i = 0; i < query.length; i++) {
                query[i] = (float) random.nextDouble(-1, 1);
            }
            for (int i = 0; i < matrix.length; i++) {
                matrix[i] = (float) random.nextDouble(-1, 1);
            }
            int nodes = 200;
            int[] offsets = new int[nodes + 1];
            int[] targets = new int[nodes * 4];
            float[] weights = new float[nodes * 4];
            for (int u = 0; u < nodes; u++) {
                offsets[u + 1] = offsets[u] + 4;
                for (int e = offsets[u]; e < offsets[u + 1]; e++) {
                    targets[e] = random.nextInt(nodes);
                    weights[e] = (float) random.nextDouble();
                }
            }
            graph = CsrGraph.of(offsets, targets, weights);
            for (int i = 0; i < strength.length; i++) {
                strength[i] = (float) random.nextDouble();
                ages[i] = (float) random.nextDouble(0, 1e7);
                accesses[i] = random.nextInt(6);
            }
            expectedScores = reference.cosine(query, matrix, null);
            expectedTop = reference.cosineTopK(query, matrix, null, 5);
            expectedSpread = reference.spread(graph, new int[] {3, 17, 3}, new float[] {0.5f, 1f, 0.25f}, spreadParams);
            expectedDecay = reference.decay(strength, ages, accesses, decayParams);
        }

        /** One call of kind {@code kind} through {@code router}; null if it matched, else what differed. */
        String callAndCheck(KernelRouter router, int kind) {
            switch (kind) {
                case 0 -> {
                    float[] scores = router.cosine(query, matrix, null);
                    for (int i = 0; i < scores.length; i++) {
                        if (!(Math.abs(scores[i] - expectedScores[i]) <= 1e-6)) {
                            return "cosine row " + i + ": " + scores[i] + " != " + expectedScores[i];
                        }
                    }
                }
                case 1 -> {
                    TopK top = router.cosineTopK(query, matrix, null, 5);
                    if (!Arrays.equals(top.indices(), expectedTop.indices())) {
                        return "top-k " + Arrays.toString(top.indices()) + " != "
                                + Arrays.toString(expectedTop.indices());
                    }
                }
                case 2 -> {
                    SpreadResult result = router.spread(graph, new int[] {3, 17, 3}, new float[] {0.5f, 1f, 0.25f},
                            spreadParams);
                    if (!Arrays.equals(result.activation(), expectedSpread.activation())
                            || !Arrays.equals(result.firstHop(), expectedSpread.firstHop())) {
                        return "spreading differs from the reference";
                    }
                }
                default -> {
                    float[] decayed = router.decay(strength, ages, accesses, decayParams);
                    for (int i = 0; i < decayed.length; i++) {
                        if (!(Math.abs(decayed[i] - expectedDecay[i]) <= 1e-6 * Math.abs(expectedDecay[i]))) {
                            return "decay " + i + ": " + decayed[i] + " != " + expectedDecay[i];
                        }
                    }
                }
            }
            return null;
        }
    }
}
