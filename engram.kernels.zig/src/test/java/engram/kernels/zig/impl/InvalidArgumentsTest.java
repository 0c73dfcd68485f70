package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
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
import engram.api.SpreadParams;

/**
 * Every invalid argument the contract names, sent to the Zig kernels, ends in an
 * {@link IllegalArgumentException} that names the argument, before any native call; and
 * the kernel still answers correctly afterwards.
 */
class InvalidArgumentsTest {
    private static ZigKernels zig;
    private static Arena arena;

    @BeforeAll
    static void load() {
        zig = NativeLibraries.load();
        arena = Arena.ofShared();
    }

    @AfterAll
    static void close() {
        if (zig != null) {
            zig.close();
            arena.close();
        }
    }

    private record Case(String description, String argument, Consumer<KernelService> call) {
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
        cases.add(new Case("negative rows", "rows", k -> k.cosine(q, 8, m, -1, null, out)));
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
        return cases;
    }

    @TestFactory
    List<DynamicTest> eachInvalidArgumentIsRefusedByName() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.description(), () -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.call().accept(zig));
            assertTrue(e.getMessage().startsWith(c.argument()) || e.getMessage().contains(" " + c.argument()),
                    "the message should name " + c.argument() + ": " + e.getMessage());
            // The kernel still answers after the refusal.
            assertArrayEquals(new float[] {1f, -1f}, zig.cosine(new float[] {2f}, new float[] {3f, -4f}, null));
        })).toList();
    }
}
