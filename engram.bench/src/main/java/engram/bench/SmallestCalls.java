package engram.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.SpreadParams;

/**
 * The inputs of the smallest call of each entry point, from one arena: cosine and top-1 of one
 * row of d = 1 (query 0.5, row -0.25 of norm 0.25), decay of one memory (strength 0.8, an hour
 * old, one access, the exponential curve), and a spread of depth 1 from one seed (activation
 * 0.9) on a graph of one node and no edge. {@link CallOverheadBenchmark} calls the kernels on
 * them, {@link GuardBenchmark} runs each call's guards on them. {@link #close()} frees the graph;
 * the arena is the caller's.
 */
final class SmallestCalls implements AutoCloseable {
    /** The spread's parameters: depth 1, each node firing once. */
    static final SpreadParams SPREAD_PARAMS = SpreadParams.exponential(1, 0.5, 0.01);

    final MemorySegment query;
    final MemorySegment matrix;
    final MemorySegment norms;
    final MemorySegment out;
    final MemorySegment topIndex;
    final MemorySegment strength;
    final MemorySegment age;
    final MemorySegment count;
    final DecayParams decayParams = DecayParams.of(new DecayCurve.Exponential());
    final CsrGraph graph = CsrGraph.of(new int[] {0, 0}, new int[0], new float[0]);
    final SpreadParams spreadParams = SPREAD_PARAMS;
    final MemorySegment seed;
    final MemorySegment seedActivation;
    final MemorySegment activation;
    final MemorySegment firstHop;

    SmallestCalls(Arena arena) {
        query = floatOf(arena, 0.5f);
        matrix = floatOf(arena, -0.25f);
        norms = floatOf(arena, 0.25f);
        out = Verify.floats(arena, 1);
        topIndex = Verify.ints(arena, 1);
        strength = floatOf(arena, 0.8f);
        age = floatOf(arena, 3_600f);
        count = Verify.ints(arena, 1);
        count.setAtIndex(ValueLayout.JAVA_INT, 0, 1);
        seed = Verify.ints(arena, 1);
        seed.setAtIndex(ValueLayout.JAVA_INT, 0, 0);
        seedActivation = floatOf(arena, 0.9f);
        activation = Verify.floats(arena, 1);
        firstHop = Verify.ints(arena, 1);
    }

    private static MemorySegment floatOf(Arena arena, float value) {
        MemorySegment segment = Verify.floats(arena, 1);
        segment.setAtIndex(ValueLayout.JAVA_FLOAT, 0, value);
        return segment;
    }

    @Override
    public void close() {
        graph.close();
    }
}
