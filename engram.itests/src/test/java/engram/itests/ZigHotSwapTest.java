package engram.itests;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.namespace.HostNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleRevisions;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

import engram.api.ArenaMetrics;
import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelRouter;
import engram.api.KernelService;
import engram.api.KernelStatus;
import engram.api.KernelTolerance;
import engram.api.KernelWorkspace;
import engram.api.OverflowStrategy;
import engram.api.ReachedNodes;
import engram.api.SpreadParams;
import engram.api.SpreadResult;
import engram.api.TopK;
import engram.api.WorkspaceOptions;

/**
 * The live kernel swap: the Zig kernels register above the Java kernel ({@code java}, the
 * Vector API kernel) and the reference, and stopping, starting, updating and refreshing the Zig
 * bundle (or its fragment, which carries the library) moves calls between zig and java with
 * no call failing, router workspaces included.
 *
 * <p>With {@code -Dzig.skip} (no fragment, so no library) the Zig bundle registers nothing;
 * each test then checks that java serves, the reference behind it, whatever the Zig bundle does.
 */
public class ZigHotSwapTest extends EngramTestSupport {
    private static final int CYCLES = 50;
    private static final int CALLING_THREADS = 4;
    /** Each calling thread makes at least this many calls before the load test ends. */
    private static final int MIN_CALLS_PER_THREAD = 500;
    /** The calls made, across the threads, in each phase of a cycle (Zig stopped, Zig started) before the next. */
    private static final int CALLS_PER_PHASE = 100;
    private static final float[] QUERY = {1, 0};
    private static final float[] MATRIX = {1, 0, 0, 1};


    @Test
    public void theRouterPrefersZigWhenItsLibraryIsThereAndJavaOtherwise() {
        KernelRouter router = routerListingEveryKernel();
        Bundle zig = bundle(ZIG_HOST);
        assertEquals("the Zig bundle is active either way", Bundle.ACTIVE, zig.getState());
        if (!zigKernelsProvisioned()) {
            List<KernelStatus> kernels = router.kernels();
            assertEquals("without its fragment the Zig bundle registers nothing: " + kernels,
                    List.of(JAVA_ID, REFERENCE_ID), kernels.stream().map(KernelStatus::id).toList());
            assertTrue(kernels.get(0).active());
            assertFalse("the fragment is not installed", installed(ZIG_FRAGMENT));
            assertEquals("nothing is attached to the Zig bundle", List.of(),
                    zig.adapt(BundleWiring.class).getProvidedWires(HostNamespace.HOST_NAMESPACE));
            return;
        }
        List<KernelStatus> kernels = router.kernels();
        assertEquals(List.of("zig", "java", "reference"), kernels.stream().map(KernelStatus::name).toList());
        assertTrue("zig is active: " + kernels, kernels.get(0).active() && !kernels.get(1).active()
                && !kernels.get(2).active());
        assertTrue("zig ranks above java, java above the reference: " + kernels,
                kernels.get(0).ranking() > kernels.get(1).ranking() && kernels.get(1).ranking() > kernels.get(2).ranking());
        assertTrue("zig's id names the library it loaded: " + kernels.get(0),
                kernels.get(0).id().matches("engram\\.kernels\\.zig/(x86_64_(baseline|v3|v4)|aarch64_neon)"));
        assertTrue("zig names its instruction set: " + kernels.get(0),
                kernels.get(0).instructionSet().matches(".*(x86-64|aarch64).*"));
        long before = served(router, "zig");
        router.cosine(QUERY, MATRIX, null);
        assertEquals("the call went to zig", before + 1, served(router, "zig"));
    }

    @Test
    public void stoppingZigFreesItsWorkspacesAndRouterWorkspacesMoveToJavaAndBackWithFreshDelegates()
            throws Exception {
        KernelRouter router = routerListing(preferred());
        Bundle zigHost = bundle(ZIG_HOST);
        WorkspaceOptions twoMiB = WorkspaceOptions.ofMebibytes(2, OverflowStrategy.FALLBACK);
        try (KernelWorkspace plain = router.newWorkspace(); KernelWorkspace sized = router.newWorkspace(twoMiB)) {
            List<KernelWorkspace> workspaces = List.of(plain, sized);
            assertEachServedBy(router, preferred(), workspaces);
            KernelService zigBefore = zigKernelsProvisioned() ? kernelNamed("zig") : null;
            if (zigBefore != null) {
                assertEquals("zig made a delegate for each router workspace: " + zigBefore.arenaMetrics(), 2,
                        callerWorkspaces(zigBefore.arenaMetrics()).size());
            }

            zigHost.stop();
            try {
                await("the router lists no Zig kernel",
                        () -> router.kernels().stream().noneMatch(k -> k.id().startsWith(ZIG_ID_PREFIX)));
                List<ArenaMetrics> metrics = router.arenaMetrics();
                assertTrue("the router lists no workspace of a Zig kernel: " + metrics,
                        metrics.stream().noneMatch(m -> m.kernelId().startsWith(ZIG_ID_PREFIX)));
                if (zigBefore != null) {
                    assertEquals("the stopped Zig kernels freed every workspace, the delegates included", List.of(),
                            zigBefore.arenaMetrics());
                }
                assertEachServedBy(router, "java", workspaces);
            } finally {
                zigHost.start();
            }

            await("the " + preferred() + " kernel is active again", () -> activeKernel(router).equals(preferred()));
            assertEachServedBy(router, preferred(), workspaces);
            if (zigKernelsProvisioned()) {
                KernelService zigAfter = kernelNamed("zig");
                assertNotSame("a new instance of the Zig kernels", zigBefore, zigAfter);
                List<ArenaMetrics> delegates = callerWorkspaces(zigAfter.arenaMetrics());
                assertEquals("fresh delegates, one for each router workspace: " + delegates, 2, delegates.size());
                assertTrue("each fresh delegate served the one call made since: " + delegates,
                        delegates.stream().allMatch(m -> m.resets() == 1));
                assertTrue("the sized router workspace's fresh delegate has its options: " + delegates,
                        delegates.stream().anyMatch(m -> m.capacityBytes() == twoMiB.capacityBytes()));
                for (KernelWorkspace workspace : workspaces) {
                    assertEquals("a call on zig before the stop, one on java, one on the new zig: the freed delegate"
                            + " no longer counts", 2, workspace.metrics().resets());
                }
            } else {
                assertEquals("java, the reference behind it, throughout", List.of(JAVA_ID, REFERENCE_ID),
                        router.kernels().stream().map(KernelStatus::id).toList());
            }
        }
    }

    @Test
    public void updatingAndRefreshingTheZigBundleBringsZigBackWithoutARestart() throws Exception {
        KernelRouter router = routerListing(preferred());
        Bundle zig = bundle(ZIG_HOST);
        BundleRevision revisionBefore = zig.adapt(BundleRevision.class);
        zig.update();
        refresh(zig);

        assertNotSame("the update installed a new revision", revisionBefore, zig.adapt(BundleRevision.class));
        await("the Zig bundle is active again", () -> zig.getState() == Bundle.ACTIVE);
        await(preferred() + " is active again after the update", () -> activeKernel(router).equals(preferred()));
        long before = served(router, preferred());
        assertArrayEquals(new float[] {1, 0}, router.cosine(QUERY, MATRIX, null), 1e-6f);
        assertEquals("the " + preferred() + " kernels serve", before + 1, served(router, preferred()));
        if (!zigKernelsProvisioned()) {
            assertEquals("without its library the updated Zig bundle registers nothing", List.of(JAVA_ID, REFERENCE_ID),
                    router.kernels().stream().map(KernelStatus::id).toList());
        }
    }

    /**
     * The library lives in the fragment, so an update of the host alone loads the same
     * library again. A new native build arrives by updating the fragment and refreshing the
     * host, which re-resolves it with the fragment's new revision attached.
     */
    @Test
    public void updatingTheFragmentAndRefreshingTheHostAttachesTheFragmentsNewRevision() throws Exception {
        Bundle host = bundle(ZIG_HOST);
        if (!zigKernelsProvisioned()) {
            assertFalse("with -Dzig.skip there is no fragment to update", installed(ZIG_FRAGMENT));
            assertEquals("and nothing is attached to the host", List.of(),
                    host.adapt(BundleWiring.class).getProvidedWires(HostNamespace.HOST_NAMESPACE));
            return;
        }
        KernelRouter router = routerListing("zig");
        Bundle fragment = bundle(ZIG_FRAGMENT);
        BundleRevision oldRevision = fragment.adapt(BundleRevision.class);
        assertTrue("the fragment is a fragment", (oldRevision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0);
        assertEquals("the old revision is attached to the host", List.of(oldRevision), attachedTo(host));
        long serviceIdBefore = zigServiceId();

        fragment.update();

        BundleRevision newRevision = fragment.adapt(BundleRevision.class);
        assertNotSame("the update installed a new revision of the fragment", oldRevision, newRevision);
        assertEquals("until the host is refreshed, the old revision stays attached (so an update alone changes no"
                + " library)", List.of(oldRevision), attachedTo(host));

        refresh(host);

        assertEquals("the host's wiring now has the fragment's new revision attached", List.of(newRevision),
                attachedTo(host));
        BundleWiring fragmentWiring = newRevision.getWiring();
        assertNotNull("the new revision is resolved", fragmentWiring);
        assertTrue("and in use", fragmentWiring.isInUse());
        List<BundleWire> hostWires = fragmentWiring.getRequiredWires(HostNamespace.HOST_NAMESPACE);
        assertEquals("the new revision has one host wire: " + hostWires, 1, hostWires.size());
        assertSame("to the host's current revision", host.adapt(BundleRevision.class),
                hostWires.getFirst().getProvider());
        assertEquals("the refresh removed the old revision", List.of(newRevision),
                fragment.adapt(BundleRevisions.class).getRevisions());

        await("the Zig kernels registered again", () -> activeKernel(router).equals("zig"));
        assertNotEquals("a new registration", serviceIdBefore, zigServiceId());
        long before = served(router, "zig");
        assertArrayEquals(new float[] {1, 0}, router.cosine(QUERY, MATRIX, null), 1e-6f);
        assertEquals("the Zig kernels from the new fragment revision serve", before + 1, served(router, "zig"));
    }

    /** The fragment revisions whose HOST wires end at {@code host}'s current wiring. */
    private static List<BundleRevision> attachedTo(Bundle host) {
        BundleWiring wiring = host.adapt(BundleWiring.class);
        assertNotNull("the host " + host + " is resolved", wiring);
        return wiring.getProvidedWires(HostNamespace.HOST_NAMESPACE).stream().map(BundleWire::getRequirer).toList();
    }

    private long zigServiceId() throws Exception {
        await("a Zig KernelService registration", () -> {
            try {
                return !context.getServiceReferences(KernelService.class, "(engram.kernel.name=zig)").isEmpty();
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new AssertionError(e);
            }
        });
        ServiceReference<KernelService> reference = context
                .getServiceReferences(KernelService.class, "(engram.kernel.name=zig)").iterator().next();
        return (Long) reference.getProperty(org.osgi.framework.Constants.SERVICE_ID);
    }

    @Test
    public void fiftyStopStartCyclesUnderFourCallingThreadsLoseNoCallAndKeepEveryResult() throws Exception {
        KernelRouter router = routerListing(preferred());
        Workload workload = new Workload(kernelNamed("reference"));
        Bundle zig = bundle(ZIG_HOST);
        long javaBefore = served(router, "java");
        // Each start registers the Zig kernels anew, with a count of their own: add them up.
        long zigServed = -served(router, "zig");

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLongArray calls = new AtomicLongArray(CALLING_THREADS);
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < CALLING_THREADS; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().name("caller-" + t).start(() -> {
                SplittableRandom random = new SplittableRandom(thread);
                try (Caller caller = new Caller(workload, router)) {
                    while (running.get()) {
                        try {
                            // Mostly with the thread's router workspace, sometimes with none.
                            String mismatch = caller.callAndCheck(random.nextInt(Workload.KINDS),
                                    random.nextInt(4) != 0);
                            if (mismatch != null) {
                                failures.add(mismatch);
                            }
                        } catch (RuntimeException e) {
                            failures.add(e.toString());
                        }
                        calls.incrementAndGet(thread);
                    }
                } catch (RuntimeException e) {
                    failures.add("caller " + thread + " failed outside a call: " + e);
                }
            }));
        }
        try {
            for (int cycle = 0; cycle < CYCLES && failures.isEmpty(); cycle++) {
                KernelService stopping = zigKernelsProvisioned() ? kernelNamed("zig") : null;
                zigServed += served(router, "zig");
                zig.stop();
                await("zig left the router", () -> activeKernel(router).equals("java"));
                if (stopping != null) {
                    assertEquals("the stopped Zig kernels freed every workspace", List.of(), stopping.arenaMetrics());
                }
                assertTrue("the router lists no Zig workspace", router.arenaMetrics().stream()
                        .noneMatch(m -> m.kernelId().startsWith(ZIG_ID_PREFIX)));
                awaitCalls("while the Zig bundle is stopped", calls, failures);
                zig.start();
                await(preferred() + " is back in the router", () -> activeKernel(router).equals(preferred()));
                long zigNow = served(router, "zig");
                awaitCalls("while the Zig bundle is started", calls, failures);
                if (zigKernelsProvisioned()) {
                    await("zig serves calls again", () -> served(router, "zig") > zigNow || !failures.isEmpty());
                }
            }
            await("each calling thread made " + MIN_CALLS_PER_THREAD + " calls", () -> {
                for (int t = 0; t < CALLING_THREADS; t++) {
                    if (calls.get(t) < MIN_CALLS_PER_THREAD && failures.isEmpty()) {
                        return false;
                    }
                }
                return true;
            });
        } finally {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(WAIT_TIMEOUT.toMillis());
            }
            workload.close();
        }
        zigServed += served(router, "zig");
        long javaServed = served(router, "java") - javaBefore;
        long total = sum(calls);
        assertTrue("no call failed or differed from the reference, of " + total + ": "
                + failures.stream().limit(5).toList(), failures.isEmpty());
        if (zigKernelsProvisioned()) {
            assertTrue("both kernels served calls: zig " + zigServed + ", java " + javaServed,
                    zigServed > 0 && javaServed > 0);
        } else {
            assertEquals("java served every call", total, javaServed);
        }
        System.out.printf("hot swap: %d stop/start cycles, %d calls from %d threads (zig served at least %d, java %d),"
                + " none failed%n", CYCLES, total, CALLING_THREADS, zigServed, javaServed);
    }

    /** Waits until the calling threads made {@value #CALLS_PER_PHASE} more calls, or one failed. */
    private static void awaitCalls(String when, AtomicLongArray calls, Queue<String> failures) {
        long start = sum(calls);
        await(CALLS_PER_PHASE + " calls " + when, () -> sum(calls) >= start + CALLS_PER_PHASE || !failures.isEmpty());
    }

    private static long sum(AtomicLongArray values) {
        long sum = 0;
        for (int i = 0; i < values.length(); i++) {
            sum += values.get(i);
        }
        return sum;
    }

    /** One cosine call with each router workspace, each served by the kernel named {@code kernel}. */
    private static void assertEachServedBy(KernelRouter router, String kernel, List<KernelWorkspace> workspaces) {
        for (KernelWorkspace workspace : workspaces) {
            long before = served(router, kernel);
            float[] out = new float[2];
            router.cosine(workspace, MemorySegment.ofArray(QUERY), 2, MemorySegment.ofArray(MATRIX), 0, 2, null,
                    MemorySegment.ofArray(out));
            assertArrayEquals(new float[] {1, 0}, out, 1e-6f);
            assertEquals("the call with " + workspace + " went to " + kernel + ": " + router.kernels(), before + 1,
                    served(router, kernel));
        }
    }

    /** The workspaces callers made (named {@code workspace-N}), not the pool's. */
    private static List<ArenaMetrics> callerWorkspaces(List<ArenaMetrics> metrics) {
        return metrics.stream().filter(m -> m.workspace().startsWith("workspace-")).toList();
    }

    /**
     * Fixed inputs for each entry point with the Java reference's answers, so that each call
     * the threads make can be checked by the contract's rules ({@link KernelTolerance}):
     * similarity within its tolerance and top-k by its tie rules, spreading bit for bit, decay
     * within its relative tolerance. The in-place decay is checked to be decayed exactly once:
     * a call that a failing kernel had written to, and the next kernel decayed again, would be
     * far outside the tolerance.
     */
    private static final class Workload implements AutoCloseable {
        static final int KINDS = 6;
        static final int DIMENSIONS = 33;
        static final int ROWS = 64;
        static final int FIRST_ROW = 3;
        static final int QUERIES = 2;
        static final int K = 5;
        static final int NODES = 200;
        static final int SPARSE_CAPACITY = 40;
        static final int MEMORIES = 257;
        static final int GATHERED = 100;
        static final double NOW_SECONDS = 2e6;
        static final int[] SEEDS = {3, 17, 3};
        static final float[] SEED_ACTIVATIONS = {0.5f, 1f, 0.25f};

        final float[] queries = new float[QUERIES * DIMENSIONS];
        final float[] matrix = new float[ROWS * DIMENSIONS];
        final CsrGraph graph;
        final SpreadParams spreadParams = SpreadParams.exponential(6, 0.4, 0.001).withRefractoryHops(1);
        final float[] strength = new float[MEMORIES];
        final float[] ages = new float[MEMORIES];
        final int[] accesses = new int[MEMORIES];
        final double[] lastAccessSeconds = new double[MEMORIES];
        final int[] gathered = new int[GATHERED];
        final DecayParams decayParams = DecayParams.of(new DecayCurve.TwoComponent());
        final float[] expectedScores;
        final List<TopK> expectedTop;
        final SpreadResult expectedSpread;
        final ReachedNodes expectedReached;
        final float[] expectedDecay;
        final float[] expectedGather;

        Workload(KernelService reference) {
            SplittableRandom random = new SplittableRandom(99);
            for (int i = 0; i < queries.length; i++) {
                queries[i] = (float) random.nextDouble(-1, 1);
            }
            for (int i = 0; i < matrix.length; i++) {
                matrix[i] = (float) random.nextDouble(-1, 1);
            }
            int[] offsets = new int[NODES + 1];
            int[] targets = new int[NODES * 4];
            float[] weights = new float[NODES * 4];
            for (int u = 0; u < NODES; u++) {
                offsets[u + 1] = offsets[u] + 4;
                for (int e = offsets[u]; e < offsets[u + 1]; e++) {
                    targets[e] = random.nextInt(NODES);
                    weights[e] = (float) random.nextDouble();
                }
            }
            graph = CsrGraph.of(offsets, targets, weights);
            for (int i = 0; i < MEMORIES; i++) {
                strength[i] = (float) random.nextDouble(0.05, 1);
                // Hours to days: each decay removes much, so a second one shows.
                ages[i] = (float) random.nextDouble(3_600, 5 * 86_400);
                accesses[i] = random.nextInt(6);
                lastAccessSeconds[i] = NOW_SECONDS - random.nextDouble(0, 10 * 86_400);
            }
            for (int i = 0; i < GATHERED; i++) {
                gathered[i] = random.nextInt(MEMORIES);
            }

            float[] scores = new float[ROWS - FIRST_ROW];
            reference.cosine(null, MemorySegment.ofArray(queries), DIMENSIONS, MemorySegment.ofArray(matrix),
                    FIRST_ROW, ROWS - FIRST_ROW, null, MemorySegment.ofArray(scores));
            expectedScores = scores;
            expectedTop = reference.cosineTopK(List.of(Arrays.copyOfRange(queries, 0, DIMENSIONS),
                    Arrays.copyOfRange(queries, DIMENSIONS, 2 * DIMENSIONS)), matrix, null, K);
            expectedSpread = reference.spread(graph, SEEDS, SEED_ACTIVATIONS, spreadParams);
            expectedReached = reference.spreadSparse(graph, SEEDS, SEED_ACTIVATIONS, spreadParams, SPARSE_CAPACITY);
            expectedDecay = reference.decay(strength, ages, accesses, decayParams);
            expectedGather = reference.decayGather(gathered, strength, lastAccessSeconds, accesses, NOW_SECONDS,
                    decayParams);
            float[] decayedTwice = reference.decay(expectedDecay, ages, accesses, decayParams);
            assertFalse("a second decay is outside the tolerance of one, so the check can tell them apart",
                    KernelTolerance.decay(expectedDecay, decayedTwice).agrees());
            assertTrue("the sparse spread holds more nodes than the capacity, so truncation is checked too",
                    expectedReached.isTruncated());
        }

        @Override
        public void close() {
            graph.close();
        }
    }

    /**
     * One calling thread: its inputs and outputs in off-heap memory of its own, and a router
     * workspace it makes once and closes at the end.
     */
    private static final class Caller implements AutoCloseable {
        private final Workload w;
        private final KernelRouter router;
        private final Arena arena = Arena.ofConfined();
        private final KernelWorkspace workspace;
        private final MemorySegment queries;
        private final MemorySegment matrix;
        private final MemorySegment scores;
        private final MemorySegment topIndex;
        private final MemorySegment topScore;
        private final MemorySegment seeds;
        private final MemorySegment seedActivations;
        private final MemorySegment activation;
        private final MemorySegment firstHop;
        private final MemorySegment reachedNodes;
        private final MemorySegment strength;
        private final MemorySegment ages;
        private final MemorySegment accesses;
        private final MemorySegment lastAccess;
        private final MemorySegment gathered;
        private final MemorySegment gatherOut;

        Caller(Workload workload, KernelRouter router) {
            this.w = workload;
            this.router = router;
            this.workspace = router.newWorkspace();
            queries = copy(workload.queries);
            matrix = copy(workload.matrix);
            scores = floats(Workload.ROWS - Workload.FIRST_ROW);
            topIndex = ints(Workload.QUERIES * Workload.K);
            topScore = floats(Workload.QUERIES * Workload.K);
            seeds = copy(Workload.SEEDS);
            seedActivations = copy(Workload.SEED_ACTIVATIONS);
            activation = floats(Workload.NODES);
            firstHop = ints(Workload.NODES);
            reachedNodes = ints(Workload.NODES);
            strength = floats(Workload.MEMORIES);
            ages = copy(workload.ages);
            accesses = copy(workload.accesses);
            lastAccess = arena.allocate((long) Workload.MEMORIES * Double.BYTES, 64);
            MemorySegment.copy(workload.lastAccessSeconds, 0, lastAccess, JAVA_DOUBLE, 0, Workload.MEMORIES);
            gathered = copy(workload.gathered);
            gatherOut = floats(Workload.GATHERED);
        }

        private MemorySegment floats(int count) {
            return arena.allocate((long) count * Float.BYTES, 64);
        }

        private MemorySegment ints(int count) {
            return arena.allocate((long) count * Integer.BYTES, 64);
        }

        private MemorySegment copy(float[] values) {
            MemorySegment segment = floats(values.length);
            MemorySegment.copy(values, 0, segment, JAVA_FLOAT, 0, values.length);
            return segment;
        }

        private MemorySegment copy(int[] values) {
            MemorySegment segment = ints(values.length);
            MemorySegment.copy(values, 0, segment, JAVA_INT, 0, values.length);
            return segment;
        }

        /** One call of {@code kind}; null if the result is the reference's within the contract, else what differs. */
        String callAndCheck(int kind, boolean withWorkspace) {
            KernelWorkspace ws = withWorkspace ? workspace : null;
            String where = (withWorkspace ? "with" : "without") + " a router workspace: ";
            KernelTolerance.Verdict verdict = switch (kind) {
                case 0 -> {
                    router.cosine(ws, queries, Workload.DIMENSIONS, matrix, Workload.FIRST_ROW,
                            Workload.ROWS - Workload.FIRST_ROW, null, scores);
                    yield KernelTolerance.cosine(w.expectedScores, scores.toArray(JAVA_FLOAT));
                }
                case 1 -> {
                    router.cosineTopK(ws, queries, Workload.QUERIES, Workload.DIMENSIONS, matrix, 0, Workload.ROWS,
                            null, Workload.K, topIndex, topScore);
                    int[] index = topIndex.toArray(JAVA_INT);
                    float[] score = topScore.toArray(JAVA_FLOAT);
                    KernelTolerance.Verdict last = null;
                    for (int q = 0; q < Workload.QUERIES; q++) {
                        last = KernelTolerance.topK(w.expectedTop.get(q), new TopK(
                                Arrays.copyOfRange(index, q * Workload.K, q * Workload.K + Workload.K),
                                Arrays.copyOfRange(score, q * Workload.K, q * Workload.K + Workload.K)));
                        if (!last.agrees()) {
                            break;
                        }
                    }
                    yield last;
                }
                case 2 -> {
                    int activated = router.spread(ws, w.graph, seeds, seedActivations, Workload.SEEDS.length,
                            w.spreadParams, activation, firstHop);
                    yield KernelTolerance.spread(w.expectedSpread, new SpreadResult(activation.toArray(JAVA_FLOAT),
                            firstHop.toArray(JAVA_INT), activated));
                }
                case 3 -> {
                    int reached = router.spreadSparse(ws, w.graph, seeds, seedActivations, Workload.SEEDS.length,
                            w.spreadParams, reachedNodes, activation, firstHop, Workload.SPARSE_CAPACITY);
                    int held = Math.min(reached, Workload.SPARSE_CAPACITY);
                    yield KernelTolerance.reached(w.expectedReached, new ReachedNodes(
                            reachedNodes.asSlice(0, (long) held * Integer.BYTES).toArray(JAVA_INT),
                            activation.asSlice(0, (long) held * Float.BYTES).toArray(JAVA_FLOAT),
                            firstHop.asSlice(0, (long) held * Integer.BYTES).toArray(JAVA_INT), reached));
                }
                case 4 -> {
                    // In place, from the original strengths: decayed exactly once, whoever served.
                    MemorySegment.copy(w.strength, 0, strength, JAVA_FLOAT, 0, Workload.MEMORIES);
                    router.decay(ws, strength, ages, accesses, Workload.MEMORIES, w.decayParams, strength);
                    yield KernelTolerance.decay(w.expectedDecay, strength.toArray(JAVA_FLOAT));
                }
                default -> {
                    MemorySegment.copy(w.strength, 0, strength, JAVA_FLOAT, 0, Workload.MEMORIES);
                    router.decayGather(ws, gathered, Workload.GATHERED, Workload.MEMORIES, strength, lastAccess,
                            accesses, Workload.NOW_SECONDS, w.decayParams, gatherOut);
                    yield KernelTolerance.decay(w.expectedGather, gatherOut.toArray(JAVA_FLOAT));
                }
            };
            return verdict.agrees() ? null : where + "kind " + kind + ": " + verdict.difference();
        }

        @Override
        public void close() {
            try {
                workspace.close();
            } finally {
                arena.close();
            }
        }
    }
}
