package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import engram.api.ArenaMetrics;
import engram.api.ArenaOverflowException;
import engram.api.CsrGraph;
import engram.api.KernelUnavailableException;
import engram.api.KernelWorkspace;
import engram.api.OverflowStrategy;
import engram.api.SpreadParams;
import engram.api.SpreadResult;
import engram.api.WorkspaceOptions;
import engram.kernels.java.impl.ReferenceKernels;

/**
 * The Zig kernels' workspaces: one native arena each, its three overflow strategies, its
 * metrics, and freeing: by its owner, and by the kernels when they close.
 */
class WorkspaceArenaTest {
    private static final ReferenceKernels REFERENCE = new ReferenceKernels();
    private static final SpreadParams PARAMS = SpreadParams.exponential(6, 0.2, 0);
    /** Spreading needs about 30 bytes per node: this graph overflows a 1 MiB arena. */
    private static final int LARGE_NODES = 60_000;

    /** A ring of {@code nodes} nodes, each with an edge to the next and one to the node 7 further. */
    private static CsrGraph ring(int nodes) {
        int[] offsets = new int[nodes + 1];
        int[] targets = new int[2 * nodes];
        float[] weights = new float[2 * nodes];
        for (int u = 0; u < nodes; u++) {
            offsets[u + 1] = 2 * (u + 1);
            targets[2 * u] = (u + 1) % nodes;
            targets[2 * u + 1] = (u + 7) % nodes;
            weights[2 * u] = 0.9f;
            weights[2 * u + 1] = 0.5f;
        }
        return CsrGraph.of(offsets, targets, weights);
    }

    private record Spread(MemorySegment activation, MemorySegment firstHop, int count) {
    }

    /** A dense spread from node 0 into outputs filled with a marker first. */
    private static Spread spread(ZigKernels zig, KernelWorkspace workspace, CsrGraph graph, Arena arena) {
        MemorySegment seeds = arena.allocateFrom(ValueLayout.JAVA_INT, 0);
        MemorySegment activations = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
        MemorySegment activation = arena.allocate(ValueLayout.JAVA_FLOAT, graph.nodeCount()).fill((byte) 0x7F);
        MemorySegment firstHop = arena.allocate(ValueLayout.JAVA_INT, graph.nodeCount()).fill((byte) 0x7F);
        int count = zig.spread(workspace, graph, seeds, activations, 1, PARAMS, activation, firstHop);
        return new Spread(activation, firstHop, count);
    }

    private static void assertReference(CsrGraph graph, Spread actual) {
        SpreadResult expected = REFERENCE.spread(graph, new int[] {0}, new float[] {1f}, PARAMS);
        assertArrayEquals(expected.activations(), actual.activation().toArray(ValueLayout.JAVA_FLOAT));
        assertArrayEquals(expected.firstHops(), actual.firstHop().toArray(ValueLayout.JAVA_INT));
        assertEquals(expected.activatedCount(), actual.count());
    }

    @Test
    void errorFailsTheCallNamingCapacityAndRequestAndWritesNothing() {
        try (ZigKernels zig = NativeLibraries.load(); CsrGraph graph = ring(LARGE_NODES); Arena arena = Arena.ofConfined();
                KernelWorkspace workspace = zig.newWorkspace(WorkspaceOptions.DEFAULT.withOverflow(OverflowStrategy.ERROR))) {
            MemorySegment seeds = arena.allocateFrom(ValueLayout.JAVA_INT, 0);
            MemorySegment activations = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
            MemorySegment activation = arena.allocate(ValueLayout.JAVA_FLOAT, LARGE_NODES).fill((byte) 0x7F);
            MemorySegment firstHop = arena.allocate(ValueLayout.JAVA_INT, LARGE_NODES).fill((byte) 0x7F);
            ArenaOverflowException overflow = assertThrows(ArenaOverflowException.class,
                    () -> zig.spread(workspace, graph, seeds, activations, 1, PARAMS, activation, firstHop));
            assertEquals(WorkspaceOptions.MIN_CAPACITY_BYTES, overflow.capacityBytes());
            assertTrue(overflow.requestedBytes() > 0, overflow.getMessage());
            assertTrue(overflow.getMessage().contains(Long.toString(overflow.capacityBytes()))
                    && overflow.getMessage().contains(Long.toString(overflow.requestedBytes())), overflow.getMessage());
            for (long i = 0; i < LARGE_NODES; i++) {
                assertEquals(0x7F7F7F7F, activation.getAtIndex(ValueLayout.JAVA_INT, i), "activation " + i + " written");
                assertEquals(0x7F7F7F7F, firstHop.getAtIndex(ValueLayout.JAVA_INT, i), "first hop " + i + " written");
            }
            ArenaMetrics metrics = workspace.metrics();
            assertEquals(1, metrics.overflows());
            assertEquals(0, metrics.fallbackBytes());
            // The workspace still serves what fits.
            try (CsrGraph small = ring(1000)) {
                assertReference(small, spread(zig, workspace, small, arena));
            }
        }
    }

    @Test
    void fallbackServesTheOverflowForTheCallAndGivesItBack() {
        try (ZigKernels zig = NativeLibraries.load(); CsrGraph graph = ring(LARGE_NODES); Arena arena = Arena.ofConfined();
                KernelWorkspace workspace = zig.newWorkspace(WorkspaceOptions.DEFAULT.withOverflow(OverflowStrategy.FALLBACK))) {
            long mappedBefore = zig.totals()[1];
            for (int call = 0; call < 3; call++) {
                assertReference(graph, spread(zig, workspace, graph, arena));
                assertEquals(mappedBefore, zig.totals()[1], "the fallback memory of call " + call + " was given back");
            }
            ArenaMetrics metrics = workspace.metrics();
            assertTrue(metrics.overflows() >= 3, metrics.toString());
            assertTrue(metrics.fallbackBytes() >= 3L * 9 * LARGE_NODES, metrics.toString());
            assertTrue(metrics.highWaterBytes() > metrics.capacityBytes(), "fallback blocks count in the high-water mark: "
                    + metrics);
        }
    }

    @Test
    void panicFailsTheCallWithdrawsTheKernelsOnceAndNeverAbortsTheJvm() throws Exception {
        List<String> reasons = new CopyOnWriteArrayList<>();
        try (ZigKernels zig = ZigKernels.load(getClass().getClassLoader(), "auto",
                WorkspaceOptions.DEFAULT.withOverflow(OverflowStrategy.PANIC), reasons::add);
                CsrGraph graph = ring(LARGE_NODES); CsrGraph small = ring(100); Arena arena = Arena.ofConfined()) {
            KernelWorkspace other = zig.newWorkspace();
            assertReference(small, spread(zig, other, small, arena));
            KernelWorkspace workspace = zig.newWorkspace();
            assertThrows(ArenaOverflowException.class, () -> spread(zig, workspace, graph, arena));
            // The owner is told from a thread of the kernels' own, which then closes them.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((reasons.isEmpty() || zig.closeReport() == null) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, reasons.size(), "the owner is told once: " + reasons);
            assertTrue(reasons.getFirst().contains("panic"), reasons.getFirst());
            assertEquals(0, zig.closeReport().liveArenas(), "the withdrawal freed every arena");
            KernelUnavailableException refused = assertThrows(KernelUnavailableException.class,
                    () -> spread(zig, other, small, arena));
            assertTrue(refused.getMessage().contains("withdrew"), refused.getMessage());
            assertFalse(zig.isAvailable());
            assertTrue(zig.unavailableReason().isPresent());
            assertThrows(KernelUnavailableException.class, () -> zig.cosine(new float[] {1}, new float[] {1}, null));
            assertEquals(1, reasons.size());
        }
    }

    @Test
    void metricsShowCapacityRetainedTablesHighWaterAndResets() {
        try (ZigKernels zig = NativeLibraries.load(); CsrGraph graph = ring(5_000); Arena arena = Arena.ofConfined();
                KernelWorkspace workspace = zig.newWorkspace(WorkspaceOptions.ofMebibytes(2, OverflowStrategy.ERROR))) {
            ArenaMetrics fresh = workspace.metrics();
            assertEquals(2L << 20, fresh.capacityBytes());
            assertEquals(0, fresh.resets());
            assertEquals("native", fresh.memory());
            assertEquals(zig.info().id(), fresh.kernelId());
            for (int call = 1; call <= 4; call++) {
                assertReference(graph, spread(zig, workspace, graph, arena));
            }
            ArenaMetrics used = workspace.metrics();
            assertEquals(4, used.resets());
            assertTrue(used.retainedBytes() >= 9L * 5_000, "node tables kept between calls: " + used);
            assertEquals(used.retainedBytes(), used.inUseBytes(), "between calls only the tables are in use: " + used);
            assertTrue(used.highWaterBytes() > used.retainedBytes(), "a call's lists come on top: " + used);
            assertEquals(0, used.overflows());
            assertTrue(zig.arenaMetrics().stream().anyMatch(m -> m.workspace().equals(used.workspace())),
                    "the kernels list the workspace: " + zig.arenaMetrics());
        }
    }

    @Test
    void closingTheKernelsFreesEveryWorkspaceTheyMadeAndTheLibraryCountsNoneLeft() {
        ZigKernels zig = NativeLibraries.load();
        KernelWorkspace first = zig.newWorkspace();
        KernelWorkspace second = zig.newWorkspace(WorkspaceOptions.ofMebibytes(4, OverflowStrategy.FALLBACK));
        assertArrayEquals(new float[] {1f}, zig.cosine(new float[] {1, 0}, new float[] {2, 0}, null));
        assertEquals(3, zig.openWorkspaces(), "two of the caller's and one in the pool");
        long[] totals = zig.totals();
        assertEquals(3, totals[0], "live arenas");
        assertTrue(totals[1] >= (1L << 20) * 2 + (4L << 20), "mapped bytes: " + totals[1]);
        zig.close();
        ZigKernels.CloseReport report = zig.closeReport();
        assertNotNull(report);
        assertEquals(3, report.workspacesFreed());
        assertEquals(0, report.liveArenas());
        assertEquals(0, report.mappedBytes());
        assertFalse(first.isOpen());
        assertFalse(second.isOpen());
        assertThrows(KernelUnavailableException.class, () -> zig.cosine(first, MemorySegment.ofArray(new float[] {1}),
                1, MemorySegment.ofArray(new float[] {1}), 0, 1, null, MemorySegment.ofArray(new float[1])));
        first.close();
    }

    @Test
    void aWorkspaceServesOneCallAtATimeAndOnlyItsOwnKernels() {
        try (ZigKernels zig = NativeLibraries.load(); ZigKernels another = NativeLibraries.load()) {
            ZigWorkspace workspace = (ZigWorkspace) zig.newWorkspace();
            MemorySegment one = MemorySegment.ofArray(new float[] {1});
            MemorySegment out = MemorySegment.ofArray(new float[1]);
            workspace.enter();
            try {
                IllegalStateException busy = assertThrows(IllegalStateException.class,
                        () -> zig.cosine(workspace, one, 1, one, 0, 1, null, out));
                assertTrue(busy.getMessage().contains("in use"), busy.getMessage());
                assertThrows(IllegalStateException.class, workspace::close);
            } finally {
                workspace.exit();
            }
            IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                    () -> another.cosine(workspace, one, 1, one, 0, 1, null, out));
            assertTrue(foreign.getMessage().contains("another instance"), foreign.getMessage());
            try (var javaWorkspace = REFERENCE.newWorkspace()) {
                assertThrows(IllegalArgumentException.class, () -> zig.cosine(javaWorkspace, one, 1, one, 0, 1, null, out));
            }
            zig.cosine(workspace, one, 1, one, 0, 1, null, out);
            assertEquals(1f, out.get(ValueLayout.JAVA_FLOAT, 0));
            workspace.close();
            IllegalArgumentException closed = assertThrows(IllegalArgumentException.class,
                    () -> zig.cosine(workspace, one, 1, one, 0, 1, null, out));
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        }
    }

    @Test
    void aWrappedGraphWhoseWeightsChangeIsRefusedAndTheWorkspaceStaysExact() {
        try (ZigKernels zig = NativeLibraries.load(); Arena arena = Arena.ofShared();
                KernelWorkspace workspace = zig.newWorkspace()) {
            MemorySegment offsets = arena.allocateFrom(ValueLayout.JAVA_INT, 0, 2, 3, 3);
            MemorySegment targets = arena.allocateFrom(ValueLayout.JAVA_INT, 1, 2, 2);
            MemorySegment weights = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0.5f, 0.5f, 0.5f);
            try (CsrGraph graph = CsrGraph.wrap(3, 3, offsets, targets, weights, null); CsrGraph small = ring(50)) {
                for (float bad : new float[] {Float.NaN, -1f, 2f}) {
                    weights.setAtIndex(ValueLayout.JAVA_FLOAT, 1, bad);
                    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                            () -> spread(zig, workspace, graph, arena));
                    assertTrue(refused.getMessage().contains("changed by another thread"), refused.getMessage());
                    assertReference(small, spread(zig, workspace, small, arena));
                }
            }
        }
    }
}
