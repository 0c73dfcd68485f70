package engram.kernels.java.impl;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The row loops of the Vector API kernel's similarity: a row's dot product with one query or
 * two at once, its sum of squares, and the exact path. Loaded only when
 * {@code jdk.incubator.vector} is there (see {@link VectorSupport}).
 *
 * <h2>Accuracy</h2>
 *
 * The fast path multiplies and adds in float32, on two chains of fused multiply-adds per sum
 * (one vector of the row each per step), and every {@value #STEPS_PER_FOLD} steps adds the
 * two chains and folds them, widened, into a float64 accumulator: so a float32 partial sum
 * holds at most {@value #STEPS_PER_FOLD} products per lane and takes one more rounding, and
 * the error of a dot product is at most {@code 5 * 2^-24 * sum(|q_i v_i|) <= 3e-7 |q| |v|}
 * (Cauchy-Schwarz), that of a sum of squares {@code 3e-7} relative. The values past the last
 * whole pair of vectors (fewer than two vectors' worth) are added in float64. A score from
 * those sums is within {@code 4.5e-7} of the exact one (plus the float32 rounding of the
 * result), inside the contract's 1e-6 at every dimension, provided nothing overflows or
 * underflows in float32: both norms must lie in [2^-50, 2^50], and a given norm must not be
 * below 0.8 of the row's norm (a smaller one magnifies the dot product's error). Where that is
 * not so ({@link #trusted}), the kernel computes the row again on the exact path, which
 * widens every value to float64 (where products of float32 values are exact) and meets the
 * contract for any input.
 *
 * <p>Every sum is taken in one fixed order: a fixed fold schedule, and the lanes stored and
 * added one by one rather than by {@code reduceLanes}, whose order the Vector API leaves open.
 * Fused multiply-adds, conversions and float32 additions round the same way interpreted and
 * compiled, so a row scores the same bits whatever the batch, the queries it is scored with,
 * or the JIT's state.
 *
 * <p>Each loop is written out with the Vector API's own methods only: a vector handed to a
 * method of ours that the JIT does not inline (it decides by call frequencies and sizes, also
 * when it inlines these loops into a caller) is boxed, an allocation per call.
 */
final class VectorSimilarity {
    /** The widest float32 vectors of this machine (16 lanes with AVX-512, 8 with AVX2, 4 with NEON). */
    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    /** Float64 vectors of the same width: half the lanes. */
    static final VectorSpecies<Double> DOUBLES = VectorSpecies.of(double.class, FLOATS.vectorShape());
    /** Queries scored against a row in one pass over it (an odd one alone). */
    static final int GROUP = 2;
    /** Scratch {@code lanes} arrays hold this many float64: two vectors. */
    static final int LANE_SCRATCH = 2 * DOUBLES.length();

    private static final int LANES = FLOATS.length();
    private static final int DOUBLE_LANES = DOUBLES.length();
    /** Bytes of one float32 vector, and of the pair of vectors each step reads. */
    private static final long VECTOR_BYTES = (long) LANES * Float.BYTES;
    private static final int PAIR = 2 * LANES;
    private static final int STEPS_PER_FOLD = 4;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Squared norms in [2^-100, 2^100]: no float32 sum of products overflows or loses to underflow. */
    private static final double SAFE_MIN = 0x1p-100;
    private static final double SAFE_MAX = 0x1p100;
    /** A given norm below this share of the row's norm magnifies the fast path's error too much. */
    private static final double LEAST_GIVEN_NORM_SHARE = 0.8;

    private VectorSimilarity() {
    }

    /** Whether step {@code p} of {@code pairs} ends with a fold: every {@value #STEPS_PER_FOLD}th, and the last. */
    private static boolean folds(int p, int pairs) {
        return p % STEPS_PER_FOLD == STEPS_PER_FOLD - 1 || p == pairs - 1;
    }

    /** The {@code DOUBLE_LANES} values at {@code lanes[from..]}, added in lane order. */
    private static double sum(double[] lanes, int from) {
        double sum = 0;
        for (int i = from; i < from + DOUBLE_LANES; i++) {
            sum += lanes[i];
        }
        return sum;
    }

    /** The float64 value of element {@code j} of a row. */
    private static double element(MemorySegment matrix, long rowOffset, int j) {
        return matrix.get(JAVA_FLOAT, rowOffset + (long) j * Float.BYTES);
    }

    /**
     * The fast path's dot product of one query with a row, and the row's sum of squares, in
     * one pass: {@code sums[0]} and {@code sums[1]}, bit for bit what {@link #dot} and
     * {@link #squares} give. {@code lanes} is scratch of {@link #LANE_SCRATCH} values.
     */
    static void dotAndSquares(float[] queries, int queryStart, MemorySegment matrix, long rowOffset, int dimensions,
            double[] lanes, double[] sums) {
        FloatVector zero = FloatVector.zero(FLOATS);
        DoubleVector dot = DoubleVector.zero(DOUBLES);
        DoubleVector squares = dot;
        FloatVector d0 = zero;
        FloatVector d1 = zero;
        FloatVector s0 = zero;
        FloatVector s1 = zero;
        int pairs = dimensions / PAIR;
        for (int p = 0; p < pairs; p++) {
            int j = PAIR * p;
            long at = rowOffset + (long) j * Float.BYTES;
            FloatVector v0 = FloatVector.fromMemorySegment(FLOATS, matrix, at, ORDER);
            FloatVector v1 = FloatVector.fromMemorySegment(FLOATS, matrix, at + VECTOR_BYTES, ORDER);
            d0 = FloatVector.fromArray(FLOATS, queries, queryStart + j).fma(v0, d0);
            d1 = FloatVector.fromArray(FLOATS, queries, queryStart + j + LANES).fma(v1, d1);
            s0 = v0.fma(v0, s0);
            s1 = v1.fma(v1, s1);
            if (folds(p, pairs)) {
                FloatVector dots = d0.add(d1);
                FloatVector squared = s0.add(s1);
                dot = dot.add((DoubleVector) dots.convert(VectorOperators.F2D, 0))
                        .add((DoubleVector) dots.convert(VectorOperators.F2D, 1));
                squares = squares.add((DoubleVector) squared.convert(VectorOperators.F2D, 0))
                        .add((DoubleVector) squared.convert(VectorOperators.F2D, 1));
                d0 = zero;
                d1 = zero;
                s0 = zero;
                s1 = zero;
            }
        }
        dot.intoArray(lanes, 0);
        squares.intoArray(lanes, DOUBLE_LANES);
        double dotSum = sum(lanes, 0);
        double squareSum = sum(lanes, DOUBLE_LANES);
        for (int j = PAIR * pairs; j < dimensions; j++) {
            double v = element(matrix, rowOffset, j);
            dotSum += queries[queryStart + j] * v;
            squareSum += v * v;
        }
        sums[0] = dotSum;
        sums[1] = squareSum;
    }

    /** The fast path's sum of squares of a row. */
    static double squares(MemorySegment matrix, long rowOffset, int dimensions, double[] lanes) {
        FloatVector zero = FloatVector.zero(FLOATS);
        DoubleVector squares = DoubleVector.zero(DOUBLES);
        FloatVector s0 = zero;
        FloatVector s1 = zero;
        int pairs = dimensions / PAIR;
        for (int p = 0; p < pairs; p++) {
            long at = rowOffset + (long) PAIR * p * Float.BYTES;
            FloatVector v0 = FloatVector.fromMemorySegment(FLOATS, matrix, at, ORDER);
            FloatVector v1 = FloatVector.fromMemorySegment(FLOATS, matrix, at + VECTOR_BYTES, ORDER);
            s0 = v0.fma(v0, s0);
            s1 = v1.fma(v1, s1);
            if (folds(p, pairs)) {
                FloatVector squared = s0.add(s1);
                squares = squares.add((DoubleVector) squared.convert(VectorOperators.F2D, 0))
                        .add((DoubleVector) squared.convert(VectorOperators.F2D, 1));
                s0 = zero;
                s1 = zero;
            }
        }
        squares.intoArray(lanes, 0);
        double squareSum = sum(lanes, 0);
        for (int j = PAIR * pairs; j < dimensions; j++) {
            double v = element(matrix, rowOffset, j);
            squareSum += v * v;
        }
        return squareSum;
    }

    /** The fast path's dot product of one query with a row. */
    static double dot(float[] queries, int queryStart, MemorySegment matrix, long rowOffset, int dimensions,
            double[] lanes) {
        FloatVector zero = FloatVector.zero(FLOATS);
        DoubleVector dot = DoubleVector.zero(DOUBLES);
        FloatVector d0 = zero;
        FloatVector d1 = zero;
        int pairs = dimensions / PAIR;
        for (int p = 0; p < pairs; p++) {
            int j = PAIR * p;
            long at = rowOffset + (long) j * Float.BYTES;
            d0 = FloatVector.fromArray(FLOATS, queries, queryStart + j)
                    .fma(FloatVector.fromMemorySegment(FLOATS, matrix, at, ORDER), d0);
            d1 = FloatVector.fromArray(FLOATS, queries, queryStart + j + LANES)
                    .fma(FloatVector.fromMemorySegment(FLOATS, matrix, at + VECTOR_BYTES, ORDER), d1);
            if (folds(p, pairs)) {
                FloatVector dots = d0.add(d1);
                dot = dot.add((DoubleVector) dots.convert(VectorOperators.F2D, 0))
                        .add((DoubleVector) dots.convert(VectorOperators.F2D, 1));
                d0 = zero;
                d1 = zero;
            }
        }
        dot.intoArray(lanes, 0);
        double dotSum = sum(lanes, 0);
        for (int j = PAIR * pairs; j < dimensions; j++) {
            dotSum += queries[queryStart + j] * element(matrix, rowOffset, j);
        }
        return dotSum;
    }

    /**
     * The fast path's dot products of {@value #GROUP} queries (starting at {@code start0} and
     * {@code start1} of {@code queries}) with one row, read once for both: into
     * {@code out[at]} and {@code out[at + 1]}, each bit for bit what {@link #dot} gives for its
     * query. (Four queries a pass would read a row from the cache half as often, but make a
     * loop too large for the JIT to inline whole.)
     */
    static void dots(float[] queries, int start0, int start1, MemorySegment matrix, long rowOffset, int dimensions,
            double[] lanes, double[] out, int at) {
        FloatVector zero = FloatVector.zero(FLOATS);
        DoubleVector dot0 = DoubleVector.zero(DOUBLES);
        DoubleVector dot1 = dot0;
        FloatVector a0 = zero;
        FloatVector a1 = zero;
        FloatVector b0 = zero;
        FloatVector b1 = zero;
        int pairs = dimensions / PAIR;
        for (int p = 0; p < pairs; p++) {
            int j = PAIR * p;
            long offset = rowOffset + (long) j * Float.BYTES;
            FloatVector v0 = FloatVector.fromMemorySegment(FLOATS, matrix, offset, ORDER);
            FloatVector v1 = FloatVector.fromMemorySegment(FLOATS, matrix, offset + VECTOR_BYTES, ORDER);
            a0 = FloatVector.fromArray(FLOATS, queries, start0 + j).fma(v0, a0);
            a1 = FloatVector.fromArray(FLOATS, queries, start0 + j + LANES).fma(v1, a1);
            b0 = FloatVector.fromArray(FLOATS, queries, start1 + j).fma(v0, b0);
            b1 = FloatVector.fromArray(FLOATS, queries, start1 + j + LANES).fma(v1, b1);
            if (folds(p, pairs)) {
                FloatVector first = a0.add(a1);
                FloatVector second = b0.add(b1);
                dot0 = dot0.add((DoubleVector) first.convert(VectorOperators.F2D, 0))
                        .add((DoubleVector) first.convert(VectorOperators.F2D, 1));
                dot1 = dot1.add((DoubleVector) second.convert(VectorOperators.F2D, 0))
                        .add((DoubleVector) second.convert(VectorOperators.F2D, 1));
                a0 = zero;
                a1 = zero;
                b0 = zero;
                b1 = zero;
            }
        }
        dot0.intoArray(lanes, 0);
        dot1.intoArray(lanes, DOUBLE_LANES);
        double sum0 = sum(lanes, 0);
        double sum1 = sum(lanes, DOUBLE_LANES);
        for (int j = PAIR * pairs; j < dimensions; j++) {
            double v = element(matrix, rowOffset, j);
            sum0 += queries[start0 + j] * v;
            sum1 += queries[start1 + j] * v;
        }
        out[at] = sum0;
        out[at + 1] = sum1;
    }

    /**
     * The exact path: the dot product of one query with a row and the row's sum of squares,
     * every value widened to float64 ({@code sums[0]} and {@code sums[1]}).
     */
    static void exactDotAndSquares(float[] queries, int queryStart, MemorySegment matrix, long rowOffset,
            int dimensions, double[] lanes, double[] sums) {
        DoubleVector dot = DoubleVector.zero(DOUBLES);
        DoubleVector squares = dot;
        int vectors = dimensions / LANES;
        for (int t = 0; t < vectors; t++) {
            int j = LANES * t;
            FloatVector v = FloatVector.fromMemorySegment(FLOATS, matrix, rowOffset + (long) j * Float.BYTES, ORDER);
            FloatVector q = FloatVector.fromArray(FLOATS, queries, queryStart + j);
            DoubleVector vLow = (DoubleVector) v.convert(VectorOperators.F2D, 0);
            DoubleVector vHigh = (DoubleVector) v.convert(VectorOperators.F2D, 1);
            dot = ((DoubleVector) q.convert(VectorOperators.F2D, 1)).fma(vHigh,
                    ((DoubleVector) q.convert(VectorOperators.F2D, 0)).fma(vLow, dot));
            squares = vHigh.fma(vHigh, vLow.fma(vLow, squares));
        }
        dot.intoArray(lanes, 0);
        squares.intoArray(lanes, DOUBLE_LANES);
        double dotSum = sum(lanes, 0);
        double squareSum = sum(lanes, DOUBLE_LANES);
        for (int j = LANES * vectors; j < dimensions; j++) {
            double v = element(matrix, rowOffset, j);
            dotSum += queries[queryStart + j] * v;
            squareSum += v * v;
        }
        sums[0] = dotSum;
        sums[1] = squareSum;
    }

    /** The exact sum of squares of a query (every value widened to float64). */
    static double querySquares(float[] queries, int queryStart, int dimensions, double[] lanes) {
        DoubleVector squares = DoubleVector.zero(DOUBLES);
        int vectors = dimensions / LANES;
        for (int t = 0; t < vectors; t++) {
            FloatVector q = FloatVector.fromArray(FLOATS, queries, queryStart + LANES * t);
            DoubleVector low = (DoubleVector) q.convert(VectorOperators.F2D, 0);
            DoubleVector high = (DoubleVector) q.convert(VectorOperators.F2D, 1);
            squares = high.fma(high, low.fma(low, squares));
        }
        squares.intoArray(lanes, 0);
        double sum = sum(lanes, 0);
        for (int j = LANES * vectors; j < dimensions; j++) {
            double q = queries[queryStart + j];
            sum += q * q;
        }
        return sum;
    }

    /**
     * Whether the fast path's sums of a query and a row meet the contract (see the class
     * comment): the query's squared norm {@code querySquares} is exact; {@code rowSquares}
     * is the fast path's; {@code givenNorm} is read only when the call gives norms.
     */
    static boolean trusted(double querySquares, double rowSquares, boolean normsGiven, float givenNorm) {
        if (querySquares == 0) {
            // Every product is 0 (or NaN, for a row that is not finite), whatever the row's size,
            // unless the row's squares overflowed float32, which the exact path must then redo.
            return normsGiven || Double.isFinite(rowSquares);
        }
        if (!(querySquares >= SAFE_MIN && querySquares <= SAFE_MAX && rowSquares >= SAFE_MIN
                && rowSquares <= SAFE_MAX)) {
            return false;
        }
        return !normsGiven || givenNorm == 0 || givenNorm >= LEAST_GIVEN_NORM_SHARE * Math.sqrt(rowSquares);
    }

    /** A description of the vectors used, for {@code KernelInfo.instructionSet()}. */
    static String describe() {
        return "Vector API, " + FLOATS.vectorBitSize() + "-bit (" + LANES + " x f32, " + DOUBLE_LANES + " x f64)";
    }
}
