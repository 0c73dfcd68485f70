package engram.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's single-thread read bandwidth over exactly the bytes each similarity size reads
 * ({@code rows * dimensions * 4}: 1.5 MB to 614 MB, so the small sizes sit in cache and the large
 * ones do not): a sum of every float of a 64-byte aligned segment with the Vector API at its
 * preferred width and four independent accumulators, the least work a pass over the rows can
 * do. Similarity reads the same bytes (and the norms, n x 4 more), so the ratio of this time to
 * a kernel's top-10 time is the fraction of the physical limit the kernel reaches.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// See SimilarityBenchmark for the forks and flags.
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class BandwidthBenchmark {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    @Param({"384", "768", "1536"})
    int dimensions;

    @Param({"1000", "10000", "100000"})
    int rows;

    private Arena arena;
    private MemorySegment matrix;
    private long floats;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        floats = (long) rows * dimensions;
        matrix = Data.uniformFloats(arena, new SplittableRandom(42), floats);
        double expected = 0;
        for (long i = 0; i < floats; i++) {
            expected += matrix.getAtIndex(ValueLayout.JAVA_FLOAT, i);
        }
        double sum = sum();
        // Float lanes in another order: agree to float32 rounding of a sum of many terms.
        if (!(Math.abs(sum - expected) <= 1e-4 * floats)) {
            throw new IllegalStateException("the vector sum " + sum + " differs from the scalar sum " + expected);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float sum() {
        long bytes = floats * Float.BYTES;
        long step = (long) SPECIES.vectorByteSize();
        long unrolled = bytes - bytes % (4 * step);
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        ByteOrder order = ByteOrder.nativeOrder();
        long at = 0;
        for (; at < unrolled; at += 4 * step) {
            a0 = a0.add(FloatVector.fromMemorySegment(SPECIES, matrix, at, order));
            a1 = a1.add(FloatVector.fromMemorySegment(SPECIES, matrix, at + step, order));
            a2 = a2.add(FloatVector.fromMemorySegment(SPECIES, matrix, at + 2 * step, order));
            a3 = a3.add(FloatVector.fromMemorySegment(SPECIES, matrix, at + 3 * step, order));
        }
        float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; at < bytes; at += Float.BYTES) {
            sum += matrix.get(ValueLayout.JAVA_FLOAT, at);
        }
        return sum;
    }
}
