package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelService;
import engram.api.KernelWorkspace;
import engram.api.SpreadParams;
import engram.api.spi.AbstractWorkspace;
import engram.kernels.java.impl.ReferenceKernels;

/**
 * Every invalid argument the contract names, sent to the Zig kernels, ends in an
 * {@link IllegalArgumentException} that names the argument (an {@link IllegalStateException}
 * for a workspace another call is using), before any native call; and the kernel still
 * answers correctly afterwards.
 */
class InvalidArgumentsTest {
    private static ZigKernels zig;
    private static ZigKernels another;
    private static Arena arena;

    @BeforeAll
    static void load() {
        zig = NativeLibraries.load();
        another = NativeLibraries.load();
        arena = Arena.ofShared();
    }

    @AfterAll
    static void close() {
        if (zig != null) {
            zig.close();
            another.close();
            arena.close();
        }
    }

    /** @param refusal {@link IllegalArgumentException}, or {@link IllegalStateException} for a busy workspace */
    private record Case(String description, String argument, Class<? extends RuntimeException> refusal,
            Consumer<KernelService> call) {
        Case(String description, String argument, Consumer<KernelService> call) {
            this(description, argument, IllegalArgumentException.class, call);
        }
    }

    private static MemorySegment doubles(long count) {
        return arena.allocate(ValueLayout.JAVA_DOUBLE, Math.max(count, 1)).asSlice(0, count * Double.BYTES);
    }

    private static MemorySegment floats(long count) {
        return arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(count, 1)).asSlice(0, count * Float.BYTES);
    }

    private static MemorySegment ints(int... values) {
        return arena.allocateFrom(ValueLayout.JAVA_INT, values);
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        MemorySegment q = floats(8);
        MemorySegment m = floats(8 * 10);
        MemorySegment out = floats(10);
        MemorySegment index = arena.allocate(ValueLayout.JAVA_INT, 10);
        cases.add(new Case("dimensions 0", "dimensions", k -> k.cosine(q, 0, m, 10, null, out)));
        cases.add(new Case("dimensions 4097", "dimensions", k -> k.cosine(q, 4097, m, 10, null, out)));
        cases.add(new Case("negative rows", "rowCount", k -> k.cosine(q, 8, m, -1, null, out)));
        cases.add(new Case("query too short", "query", k -> k.cosine(floats(7), 8, m, 10, null, out)));
        cases.add(new Case("matrix too short", "matrix", k -> k.cosine(q, 8, floats(79), 10, null, out)));
        cases.add(new Case("norms too short", "norms", k -> k.cosine(q, 8, m, 10, floats(9), out)));
        cases.add(new Case("out too short", "out", k -> k.cosine(q, 8, m, 10, null, floats(9))));
        cases.add(new Case("out read-only", "out", k -> k.cosine(q, 8, m, 10, null, out.asReadOnly())));
        cases.add(new Case("null query", "query", k -> k.cosine(null, 8, m, 10, null, out)));
        cases.add(new Case("misaligned matrix", "matrix",
                k -> k.cosine(q, 8, arena.allocate(8 * 10 * 4 + 4, 8).asSlice(2, 8 * 10 * 4), 10, null, out)));
        cases.add(new Case("closed arena", "query", k -> {
            MemorySegment closed;
            try (Arena a = Arena.ofConfined()) {
                closed = a.allocate(64);
            }
            k.cosine(closed, 8, m, 10, null, out);
        }));
        cases.add(new Case("segment of another thread's confined arena", "query", k -> {
            MemorySegment[] foreign = new MemorySegment[1];
            Thread owner = Thread.ofPlatform().start(() -> foreign[0] = Arena.ofConfined().allocate(64));
            try {
                owner.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            k.cosine(foreign[0], 8, m, 10, null, out);
        }));
        cases.add(new Case("k 0", "k", k -> k.cosineTopK(q, 8, m, 10, null, 0, index, out)));
        cases.add(new Case("k > rows", "k", k -> k.cosineTopK(q, 8, m, 10, null, 11, index, floats(11))));
        cases.add(new Case("k on no rows", "k", k -> k.cosineTopK(q, 8, m, 0, null, 1, index, out)));
        cases.add(new Case("outIndex too short", "outIndex",
                k -> k.cosineTopK(q, 8, m, 10, null, 5, ints(1, 2, 3, 4), out)));
        cases.add(new Case("outScore too short", "outScore", k -> k.cosineTopK(q, 8, m, 10, null, 5, index, floats(4))));

        CsrGraph graph = CsrGraph.of(new int[] {0, 1, 2, 2}, new int[] {1, 2}, new float[] {0.5f, 0.5f});
        SpreadParams params = SpreadParams.exponential(3, 0.5, 0f);
        MemorySegment act = floats(3);
        MemorySegment hops = arena.allocate(ValueLayout.JAVA_INT, 3);
        MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
        cases.add(new Case("seed node out of range", "seedNodes[0]",
                k -> k.spread(graph, ints(3), one, 1, params, act, hops)));
        cases.add(new Case("negative seed node", "seedNodes[0]",
                k -> k.spread(graph, ints(-1), one, 1, params, act, hops)));
        cases.add(new Case("seed activation 0", "seedActivations[0]",
                k -> k.spread(graph, ints(0), arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0f), 1, params, act, hops)));
        cases.add(new Case("seed activation above 1", "seedActivations[0]",
                k -> k.spread(graph, ints(0), arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1.5f), 1, params, act, hops)));
        cases.add(new Case("seed activation NaN", "seedActivations[0]",
                k -> k.spread(graph, ints(0), arena.allocateFrom(ValueLayout.JAVA_FLOAT, Float.NaN), 1, params, act,
                        hops)));
        cases.add(new Case("negative seed count", "seedCount", k -> k.spread(graph, ints(0), one, -1, params, act, hops)));
        cases.add(new Case("seed count beyond the seeds", "seedNodes",
                k -> k.spread(graph, ints(0), one, 2, params, act, hops)));
        cases.add(new Case("activation output too short", "outActivation",
                k -> k.spread(graph, ints(0), one, 1, params, floats(2), hops)));
        cases.add(new Case("first-hop output too short", "outFirstHop",
                k -> k.spread(graph, ints(0), one, 1, params, act, ints(0, 0))));
        cases.add(new Case("null params", "params", k -> k.spread(graph, ints(0), one, 1, null, act, hops)));
        cases.add(new Case("closed graph", "graph", k -> {
            CsrGraph closed = CsrGraph.empty(3);
            closed.close();
            k.spread(closed, ints(0), one, 1, params, act, hops);
        }));
        cases.add(new Case("offsets not monotone", "offsets[2]",
                k -> CsrGraph.of(new int[] {0, 2, 1, 2}, new int[] {1, 2}, new float[] {1, 1})));
        cases.add(new Case("offsets not starting at 0", "offsets[0]",
                k -> CsrGraph.of(new int[] {1, 1, 2, 2}, new int[] {1, 2}, new float[] {1, 1})));
        cases.add(new Case("last offset not the edge count", "offsets[3]",
                k -> CsrGraph.of(new int[] {0, 1, 1, 1}, new int[] {1, 2}, new float[] {1, 1})));
        cases.add(new Case("target out of range", "targets[1]",
                k -> CsrGraph.of(new int[] {0, 1, 2, 2}, new int[] {1, 3}, new float[] {1, 1})));
        cases.add(new Case("weight above 1", "weights[0]",
                k -> CsrGraph.of(new int[] {0, 1, 2, 2}, new int[] {1, 2}, new float[] {1.5f, 1})));
        cases.add(new Case("maxDepth 0", "maxDepth", k -> SpreadParams.exponential(0, 0.5, 0f)));
        cases.add(new Case("maxDepth 33", "maxDepth", k -> SpreadParams.exponential(33, 0.5, 0f)));
        cases.add(new Case("threshold NaN", "threshold", k -> SpreadParams.exponential(3, 0.5, Float.NaN)));
        cases.add(new Case("negative refractory", "refractoryHops", k -> params.withRefractoryHops(-1)));

        DecayParams decay = DecayParams.of(new DecayCurve.Exponential());
        MemorySegment s = floats(4);
        cases.add(new Case("negative count", "count", k -> k.decay(s, s, null, -1, decay, s)));
        cases.add(new Case("ages too short", "ageSeconds", k -> k.decay(s, floats(3), null, 4, decay, s)));
        cases.add(new Case("access counts too short", "accessCount", k -> k.decay(s, s, ints(1, 2), 4, decay, s)));
        cases.add(new Case("decay out too short", "out", k -> k.decay(s, s, null, 4, decay, floats(3))));
        cases.add(new Case("null decay params", "params", k -> k.decay(s, s, null, 4, null, s)));
        cases.add(new Case("half-life 0", "halfLifeSeconds", k -> new DecayCurve.Exponential(0)));
        cases.add(new Case("beta NaN", "beta", k -> new DecayCurve.PowerLaw(3600, Double.NaN)));
        cases.add(new Case("floor above 1", "floor", k -> new DecayParams(new DecayCurve.Ebbinghaus(), 2f)));
        rangesAndBatches(cases, q, m, out, index);
        sparse(cases, graph, params, one);
        gather(cases);
        workspaces(cases, q, m, out);
        return cases;
    }

    private static void rangesAndBatches(List<Case> cases, MemorySegment q, MemorySegment m, MemorySegment out,
            MemorySegment index) {
        cases.add(new Case("negative firstRow", "firstRow", k -> k.cosine(null, q, 8, m, -1, 2, null, out)));
        cases.add(new Case("negative rowCount", "rowCount", k -> k.cosine(null, q, 8, m, 2, -1, null, out)));
        cases.add(new Case("firstRow + rowCount beyond 2^31 - 1", "firstRow + rowCount",
                k -> k.cosine(null, q, 8, m, Integer.MAX_VALUE, 1, null, out)));
        cases.add(new Case("top-k firstRow + rowCount beyond 2^31 - 1", "firstRow + rowCount",
                k -> k.cosineTopK(null, q, 1, 8, m, 1 << 30, 1 << 30, null, 1, index, out)));
        cases.add(new Case("matrix short of the range's last row", "matrix",
                k -> k.cosine(null, q, 8, m, 5, 6, null, out)));
        cases.add(new Case("norms short of the range's last row", "norms",
                k -> k.cosine(null, q, 8, m, 4, 6, floats(9), out)));
        cases.add(new Case("out short of the range", "out", k -> k.cosine(null, q, 8, m, 4, 6, null, floats(5))));
        cases.add(new Case("queryCount 0", "queryCount", k -> k.cosineTopK(null, q, 0, 8, m, 0, 10, null, 1, index,
                out)));
        cases.add(new Case("queryCount 1025", "queryCount", k -> k.cosineTopK(null, floats(1025 * 8), 1025, 8, m, 0,
                10, null, 1, floats(1025), floats(1025))));
        cases.add(new Case("queries short of the batch", "queries", k -> k.cosineTopK(null, q, 2, 8, m, 0, 10, null, 1,
                index, out)));
        cases.add(new Case("batch outIndex short", "outIndex", k -> k.cosineTopK(null, floats(3 * 8), 3, 8, m, 0, 10,
                null, 4, index, floats(12))));
        cases.add(new Case("batch outScore short", "outScore", k -> k.cosineTopK(null, floats(3 * 8), 3, 8, m, 0, 10,
                null, 4, arena.allocate(ValueLayout.JAVA_INT, 12), floats(11))));
        cases.add(new Case("a batch of 1025 heap queries", "queries",
                k -> k.cosineTopK(Collections.nCopies(1025, new float[8]), new float[80], null, 1)));
        cases.add(new Case("k above a range's rows", "k", k -> k.cosineTopK(null, q, 1, 8, m, 8, 2, null, 3, index,
                out)));
    }

    private static void sparse(List<Case> cases, CsrGraph graph, SpreadParams params, MemorySegment one) {
        MemorySegment nodes = ints(0, 0, 0);
        MemorySegment act = floats(3);
        MemorySegment hops = ints(0, 0, 0);
        cases.add(new Case("sparse capacity -1", "capacity",
                k -> k.spreadSparse(null, graph, ints(0), one, 1, params, nodes, act, hops, -1)));
        cases.add(new Case("heap sparse capacity -1", "capacity",
                k -> k.spreadSparse(graph, new int[] {0}, new float[] {1f}, params, -1)));
        cases.add(new Case("sparse outNodes short", "outNodes",
                k -> k.spreadSparse(null, graph, ints(0), one, 1, params, ints(0, 0), act, hops, 3)));
        cases.add(new Case("sparse outActivation short", "outActivation",
                k -> k.spreadSparse(null, graph, ints(0), one, 1, params, nodes, floats(2), hops, 3)));
        cases.add(new Case("sparse outFirstHop short", "outFirstHop",
                k -> k.spreadSparse(null, graph, ints(0), one, 1, params, nodes, act, ints(0), 3)));
        cases.add(new Case("sparse outNodes null", "outNodes",
                k -> k.spreadSparse(null, graph, ints(0), one, 1, params, null, act, hops, 3)));
    }

    private static void gather(List<Case> cases) {
        DecayParams params = DecayParams.of(new DecayCurve.PowerLaw());
        MemorySegment indices = ints(0, 3, 3, 1);
        MemorySegment strength = floats(4);
        MemorySegment last = doubles(4);
        MemorySegment out = floats(4);
        cases.add(new Case("gather index out of range", "indices[2]",
                k -> k.decayGather(null, ints(0, 3, 4, 1), 4, 4, strength, last, null, 0, params, out)));
        cases.add(new Case("gather index negative", "indices[0]",
                k -> k.decayGather(null, ints(-1, 3, 3, 1), 4, 4, strength, last, null, 0, params, out)));
        cases.add(new Case("gather of no memories", "indices[0]",
                k -> k.decayGather(null, indices, 4, 0, floats(0), doubles(0), null, 0, params, out)));
        cases.add(new Case("gather memoryCount negative", "memoryCount",
                k -> k.decayGather(null, indices, 4, -1, strength, last, null, 0, params, out)));
        cases.add(new Case("gather count negative", "count",
                k -> k.decayGather(null, indices, -4, 4, strength, last, null, 0, params, out)));
        cases.add(new Case("gather indices short", "indices",
                k -> k.decayGather(null, ints(0, 1), 4, 4, strength, last, null, 0, params, out)));
        cases.add(new Case("gather lastAccessSeconds short", "lastAccessSeconds",
                k -> k.decayGather(null, indices, 4, 4, strength, doubles(3), null, 0, params, out)));
        cases.add(new Case("gather lastAccessSeconds misaligned", "lastAccessSeconds",
                k -> k.decayGather(null, indices, 4, 4, strength, arena.allocate(40, 8).asSlice(4, 32), null, 0,
                        params, out)));
        cases.add(new Case("gather strength short", "strength",
                k -> k.decayGather(null, indices, 4, 4, floats(3), last, null, 0, params, out)));
        cases.add(new Case("gather accessCount short", "accessCount",
                k -> k.decayGather(null, indices, 4, 4, strength, last, ints(1, 2, 3), 0, params, out)));
        cases.add(new Case("gather out short", "out",
                k -> k.decayGather(null, indices, 4, 4, strength, last, null, 0, params, floats(3))));
        cases.add(new Case("gather nowSeconds NaN", "nowSeconds",
                k -> k.decayGather(null, indices, 4, 4, strength, last, null, Double.NaN, params, out)));
        cases.add(new Case("gather nowSeconds infinite", "nowSeconds",
                k -> k.decayGather(null, indices, 4, 4, strength, last, null, Double.POSITIVE_INFINITY, params,
                        out)));
        cases.add(new Case("gather out overlapping strength", "out",
                k -> k.decayGather(null, indices, 4, 4, strength, last, null, 0, params, strength)));
        cases.add(new Case("gather out overlapping lastAccessSeconds", "out",
                k -> k.decayGather(null, indices, 4, 4, strength, last, null, 0, params, last.asSlice(8, 16))));
        cases.add(new Case("gather null params", "params",
                k -> k.decayGather(null, indices, 4, 4, strength, last, null, 0, null, out)));
        cases.add(new Case("heap gather of lengths that disagree", "strength",
                k -> k.decayGather(new int[] {0}, new float[2], new double[1], null, 0, params)));
    }

    private static void workspaces(List<Case> cases, MemorySegment q, MemorySegment m, MemorySegment out) {
        cases.add(new Case("a closed workspace", "workspace", k -> {
            KernelWorkspace closed = k.newWorkspace();
            closed.close();
            k.cosine(closed, q, 8, m, 0, 10, null, out);
        }));
        cases.add(new Case("a workspace of the Java reference kernels", "workspace", k -> {
            try (KernelWorkspace foreign = new ReferenceKernels().newWorkspace()) {
                k.decay(foreign, out, q, null, 8, DecayParams.of(new DecayCurve.Exponential()), out);
            }
        }));
        cases.add(new Case("a workspace of another instance of the Zig kernels", "workspace", k -> {
            try (KernelWorkspace foreign = another.newWorkspace()) {
                k.cosineTopK(foreign, q, 1, 8, m, 0, 10, null, 1, ints(0), out);
            }
        }));
        cases.add(new Case("a workspace another call is using", "workspace", IllegalStateException.class, k -> {
            try (KernelWorkspace busy = k.newWorkspace()) {
                AbstractWorkspace held = (AbstractWorkspace) busy;
                held.enter();
                try {
                    k.cosine(busy, q, 8, m, 0, 10, null, out);
                } finally {
                    held.exit();
                }
            }
        }));
    }

    @TestFactory
    List<DynamicTest> eachInvalidArgumentIsRefusedByName() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.description(), () -> {
            RuntimeException e = assertThrows(c.refusal(), () -> c.call().accept(zig));
            assertTrue(e.getMessage().startsWith(c.argument()) || e.getMessage().contains(" " + c.argument()),
                    "the message should name " + c.argument() + ": " + e.getMessage());
            // The kernel still answers after the refusal.
            assertArrayEquals(new float[] {1f, -1f}, zig.cosine(new float[] {2f}, new float[] {3f, -4f}, null));
        })).toList();
    }
}
