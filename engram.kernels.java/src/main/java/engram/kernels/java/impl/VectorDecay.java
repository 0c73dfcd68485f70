package engram.kernels.java.impl;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import engram.api.DecayCurve;
import engram.api.DecayParams;

/**
 * The Vector API kernel's decay: the contract's value rules and the four curves in float64
 * lanes, over chunks of memories staged in the workspace ({@link JavaWorkspace#stageStrength}
 * and the others), which serve the plain decay (copied in bulk) and the gather (read through
 * the indices) alike, and the last partial chunk without a scalar tail.
 *
 * <h2>Accuracy</h2>
 *
 * Every curve is {@code 2^y} of a {@code y} computed from the age, through {@link #exp2} and
 * {@link #log2} below, which use only additions, multiplications, fused multiply-adds, one
 * division and bit operations: a polynomial of {@code 2^r} for {@code |r| <= 1/2} (Taylor to
 * the 11th power, truncation below 1e-13 relative) and of {@code ln(m)} for {@code m} in
 * [sqrt(1/2), sqrt(2)] (the atanh series to the 15th power, below 1e-12). Each curve is then
 * within about 1e-12 relative of the float64 definition before the single rounding to float32,
 * far inside the contract's 1e-6. Those operations round the same way interpreted and
 * compiled, so a memory decays to the same bits on every run. (The Vector API's own
 * {@code EXP}, {@code LOG} and {@code POW} are as accurate, 1 ulp, but the interpreter
 * computes them with {@code Math}, the JIT with a vector math library, which may differ in
 * the last bit, and where the JIT has no library for them they run lane by lane and
 * allocate.)
 *
 * <p>An exponent {@code y} below -1022 counts as -1022 and one above 1023 as 1023: a retention
 * of 2^-1022 rounds, times a strength of at most 1, to a float32 0 exactly as anything smaller
 * would, and in Ebbinghaus's curve {@code k / (P + k)} a {@code P} of 2^1023 gives a float32 0
 * as a larger one would.
 */
final class VectorDecay {
    /** Memories staged per chunk: a multiple of every vector length. */
    static final int CHUNK = 1024;

    static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = DOUBLES.length();
    /** Float32 and int32 vectors with as many lanes as {@link #DOUBLES}: half its width. */
    private static final VectorSpecies<Float> HALF_FLOATS = VectorSpecies.of(float.class,
            VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> HALF_INTS = VectorSpecies.of(int.class,
            VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));

    /** 1.5 * 2^52: added to a float64 below 2^51 in magnitude, it rounds it to an integer held in the low bits. */
    private static final double ROUNDER = 0x1.8p52;
    private static final long ROUNDER_BITS = Double.doubleToRawLongBits(ROUNDER);
    private static final double LN2 = 0.6931471805599453;
    private static final double LOG2_E = 1.4426950408889634;
    private static final double LOG10_2 = 0.30102999566398120;
    private static final double SQRT2 = 1.4142135623730951;
    private static final long MANTISSA = 0x000F_FFFF_FFFF_FFFFL;
    private static final long ONE_BITS = Double.doubleToRawLongBits(1.0);

    private VectorDecay() {
    }

    /** The plain decay of {@code count} memories, chunk by chunk; {@code out} may be {@code strength}. */
    static void decay(JavaWorkspace w, MemorySegment strength, MemorySegment ageSeconds, MemorySegment accessCount,
            int count, DecayParams params, MemorySegment out) {
        w.ensureStage(CHUNK);
        DecayCurve curve = params.curve();
        boolean counted = accessCount != null && curve instanceof DecayCurve.TwoComponent;
        for (int first = 0; first < count; first += CHUNK) {
            int n = Math.min(CHUNK, count - first);
            int padded = padded(n);
            MemorySegment.copy(strength, JAVA_FLOAT, (long) first * Float.BYTES, w.stageStrength, 0, n);
            MemorySegment.copy(ageSeconds, JAVA_FLOAT, (long) first * Float.BYTES, w.stageAgeFloat, 0, n);
            pad(w, n, padded, counted);
            if (counted) {
                MemorySegment.copy(accessCount, JAVA_INT, (long) first * Integer.BYTES, w.stageCount, 0, n);
            }
            widenAges(w.stageAgeFloat, w.stageAge, padded);
            decayStaged(w, padded, curve, counted, params.floor());
            MemorySegment.copy(w.stageOut, 0, out, JAVA_FLOAT, (long) first * Float.BYTES, n);
        }
    }

    /**
     * The gather decay of the memories {@code indices} names, at {@code nowSeconds}, chunk by
     * chunk: each memory's values are read through its index into the staging arrays, the age
     * taken in float64.
     *
     * @throws IllegalArgumentException if an index changed since the call's checks
     */
    static void decayGather(JavaWorkspace w, MemorySegment indices, int count, int memoryCount,
            MemorySegment strength, MemorySegment lastAccessSeconds, MemorySegment accessCount, double nowSeconds,
            DecayParams params, MemorySegment out) {
        w.ensureStage(CHUNK);
        DecayCurve curve = params.curve();
        boolean counted = accessCount != null && curve instanceof DecayCurve.TwoComponent;
        float[] stageStrength = w.stageStrength;
        double[] stageAge = w.stageAge;
        int[] stageCount = w.stageCount;
        for (int first = 0; first < count; first += CHUNK) {
            int n = Math.min(CHUNK, count - first);
            int padded = padded(n);
            for (int i = 0; i < n; i++) {
                int m = indices.getAtIndex(JAVA_INT, first + i);
                if (m < 0 || m >= memoryCount) {
                    throw new IllegalArgumentException("indices[" + (first + i) + "] changed during the call to " + m
                            + "; do not change the indices while a kernel reads them");
                }
                stageStrength[i] = strength.getAtIndex(JAVA_FLOAT, m);
                stageAge[i] = nowSeconds - lastAccessSeconds.getAtIndex(JAVA_DOUBLE, m);
                if (counted) {
                    stageCount[i] = accessCount.getAtIndex(JAVA_INT, m);
                }
            }
            for (int i = n; i < padded; i++) {
                stageStrength[i] = 0;
                stageAge[i] = 0;
                stageCount[i] = 0;
            }
            decayStaged(w, padded, curve, counted, params.floor());
            MemorySegment.copy(w.stageOut, 0, out, JAVA_FLOAT, (long) first * Float.BYTES, n);
        }
    }

    private static int padded(int n) {
        return (n + LANES - 1) / LANES * LANES;
    }

    /** Zeroes the staged values past the chunk's {@code n} memories, up to a whole vector. */
    private static void pad(JavaWorkspace w, int n, int padded, boolean counted) {
        for (int i = n; i < padded; i++) {
            w.stageStrength[i] = 0;
            w.stageAgeFloat[i] = 0;
            if (counted) {
                w.stageCount[i] = 0;
            }
        }
    }

    private static void widenAges(float[] ages, double[] wide, int padded) {
        for (int i = 0; i < padded; i += LANES) {
            ((DoubleVector) FloatVector.fromArray(HALF_FLOATS, ages, i).convertShape(VectorOperators.F2D, DOUBLES, 0))
                    .intoArray(wide, i);
        }
    }

    /**
     * Decays the {@code padded} staged memories into {@code w.stageOut}, in passes over the
     * staging arrays that each hold one step of the formula: every pass is a short loop the
     * JIT compiles whole, its vectors in registers (one long loop with all the steps of a curve
     * outgrows what the JIT inlines, and a vector handed to a method it does not inline is
     * boxed: an allocation).
     */
    private static void decayStaged(JavaWorkspace w, int padded, DecayCurve curve, boolean counted, float floor) {
        double[] t = w.stageAge;
        double[] y = w.stageExponent;
        clampAges(t, padded);
        // instanceof rather than a pattern switch, whose bootstrap dispatch this hot path need not pay for.
        if (curve instanceof DecayCurve.Exponential e) {
            scale(t, -1 / e.halfLifeSeconds(), y, padded);
        } else if (curve instanceof DecayCurve.PowerLaw p) {
            log2(t, 1 / p.scaleSeconds(), 1, -p.beta(), y, padded);
        } else if (curve instanceof DecayCurve.TwoComponent c) {
            int consolidation = c.consolidationAccessCount();
            double hippocampal = -LOG2_E / c.tauSeconds();
            if (counted || consolidation <= 0) {
                log2(t, 1 / c.neocorticalScaleSeconds(), 1, -c.neocorticalBeta(), y, padded);
            }
            if (counted) {
                hippocampalBelowConsolidation(t, w.stageCount, hippocampal, consolidation, y, padded);
            } else if (consolidation > 0) {
                // No counts count as 0: below any consolidation count above 0.
                scale(t, hippocampal, y, padded);
            }
        } else {
            // log10(t / 60), then c times its log2: 2^y is then log10(t / 60)^c.
            log2(t, 1.0 / 60, 0, LOG10_2, y, padded);
            log2(y, 1, 0, ((DecayCurve.Ebbinghaus) curve).c(), y, padded);
        }
        exp2(y, padded);
        if (curve instanceof DecayCurve.Ebbinghaus b) {
            ebbinghaus(t, b.k(), y, padded);
        }
        finish(w.stageStrength, t, y, floor, w.stageOut, padded);
    }

    /** Ages to [0, +inf]: negative ones, -0.0 and -inf to +0.0; NaN stays NaN. */
    private static void clampAges(double[] t, int padded) {
        for (int i = 0; i < padded; i += LANES) {
            DoubleVector.fromArray(DOUBLES, t, i).max(0.0).intoArray(t, i);
        }
    }

    /** {@code y = t * factor}: {@code 2^y} is an exponential curve. */
    private static void scale(double[] t, double factor, double[] y, int padded) {
        for (int i = 0; i < padded; i += LANES) {
            DoubleVector.fromArray(DOUBLES, t, i).mul(factor).intoArray(y, i);
        }
    }

    /** {@code y = t * hippocampalFactor} where the count is below the consolidation count; {@code y} as it is elsewhere. */
    private static void hippocampalBelowConsolidation(double[] t, int[] counts, double hippocampalFactor,
            int consolidation, double[] y, int padded) {
        for (int i = 0; i < padded; i += LANES) {
            VectorMask<Double> below = IntVector.fromArray(HALF_INTS, counts, i)
                    .compare(VectorOperators.LT, consolidation).cast(DOUBLES);
            DoubleVector.fromArray(DOUBLES, y, i)
                    .blend(DoubleVector.fromArray(DOUBLES, t, i).mul(hippocampalFactor), below).intoArray(y, i);
        }
    }

    /** Ebbinghaus's retention from {@code power = log10(t / 60)^c}, in place: {@code k / (power + k)}, 1 before 60 s. */
    private static void ebbinghaus(double[] t, double k, double[] power, int padded) {
        for (int i = 0; i < padded; i += LANES) {
            DoubleVector p = DoubleVector.fromArray(DOUBLES, power, i);
            DoubleVector.broadcast(DOUBLES, k).div(p.add(k))
                    .blend(1.0, DoubleVector.fromArray(DOUBLES, t, i).compare(VectorOperators.LT, 60.0))
                    .intoArray(power, i);
        }
    }

    /**
     * {@code out = max(floor, s * retention)} rounded to float32, the strength taken into
     * [0, 1] (-0.0 and -inf to +0.0, +inf to 1); NaN where the strength or the age is NaN.
     */
    private static void finish(float[] strength, double[] t, double[] retention, float floor, float[] out,
            int padded) {
        DoubleVector floorLanes = DoubleVector.broadcast(DOUBLES, floor);
        for (int i = 0; i < padded; i += LANES) {
            DoubleVector s = (DoubleVector) FloatVector.fromArray(HALF_FLOATS, strength, i)
                    .convertShape(VectorOperators.F2D, DOUBLES, 0);
            VectorMask<Double> notANumber = s.test(VectorOperators.IS_NAN)
                    .or(DoubleVector.fromArray(DOUBLES, t, i).test(VectorOperators.IS_NAN));
            DoubleVector decayed = s.max(0.0).min(1.0).mul(DoubleVector.fromArray(DOUBLES, retention, i))
                    .max(floorLanes).blend(Double.NaN, notANumber);
            ((FloatVector) decayed.convertShape(VectorOperators.D2F, HALF_FLOATS, 0)).intoArray(out, i);
        }
    }

    /**
     * {@code y = 2^y}, in place, for any float64 {@code y} but NaN, with {@code y} taken into
     * [-1022, 1023]: a polynomial of {@code 2^r = e^(r ln 2)}, {@code r = y - round(y)}, times
     * {@code 2^round(y)} made from its exponent bits. {@code padded} is a multiple of the lanes.
     */
    static void exp2(double[] y, int padded) {
        for (int i = 0; i < padded; i += LANES) {
            DoubleVector clamped = DoubleVector.fromArray(DOUBLES, y, i).max(-1022.0).min(1023.0);
            DoubleVector rounded = clamped.add(ROUNDER);
            DoubleVector z = clamped.sub(rounded.sub(ROUNDER)).mul(LN2);
            // e^z, |z| <= ln(2) / 2, by Horner from z^11 / 11!.
            DoubleVector p = DoubleVector.broadcast(DOUBLES, 1.0 / 39_916_800);
            p = p.fma(z, DoubleVector.broadcast(DOUBLES, 1.0 / 3_628_800));
            p = p.fma(z, DoubleVector.broadcast(DOUBLES, 1.0 / 362_880));
            p = p.fma(z, DoubleVector.broadcast(DOUBLES, 1.0 / 40_320));
            p = p.fma(z, DoubleVector.broadcast(DOUBLES, 1.0 / 5_040));
            p = p.fma(z, DoubleVector.broadcast(DOUBLES, 1.0 / 720));
            p = p.fma(z, DoubleVector.broadcast(DOUBLES, 1.0 / 120));
            p = p.fma(z, DoubleVector.broadcast(DOUBLES, 1.0 / 24));
            p = p.fma(z, DoubleVector.broadcast(DOUBLES, 1.0 / 6));
            p = p.fma(z, DoubleVector.broadcast(DOUBLES, 1.0 / 2));
            p = p.fma(z, DoubleVector.broadcast(DOUBLES, 1.0));
            p = p.fma(z, DoubleVector.broadcast(DOUBLES, 1.0));
            // round(y) sits in the low bits of rounded: its exponent bits are (round(y) + 1023) << 52.
            DoubleVector scale = rounded.reinterpretAsLongs().add(1023 - ROUNDER_BITS)
                    .lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            p.mul(scale).intoArray(y, i);
        }
    }

    /**
     * {@code out = outFactor * log2(x * inFactor + inAddend)} (one rounding inside), for an
     * argument of 0 (-inf), +inf (+inf) or any positive normal float64: its exponent plus a
     * series of its mantissa taken into [sqrt(1/2), sqrt(2)]. Negative and NaN arguments give
     * a number of no meaning, which the callers blend away. {@code out} may be {@code x};
     * {@code padded} is a multiple of the lanes.
     */
    static void log2(double[] x, double inFactor, double inAddend, double outFactor, double[] out, int padded) {
        for (int i = 0; i < padded; i += LANES) {
            DoubleVector v = DoubleVector.fromArray(DOUBLES, x, i).fma(inFactor, inAddend);
            LongVector bits = v.reinterpretAsLongs();
            DoubleVector m = bits.and(MANTISSA).or(ONE_BITS).reinterpretAsDoubles();
            // The unbiased exponent, made a float64 the way exp2 makes one an integer.
            DoubleVector e = bits.lanewise(VectorOperators.LSHR, 52).add(ROUNDER_BITS - 1023).reinterpretAsDoubles()
                    .sub(ROUNDER);
            VectorMask<Double> high = m.compare(VectorOperators.GT, SQRT2);
            m = m.blend(m.mul(0.5), high);
            e = e.blend(e.add(1.0), high);
            DoubleVector f = m.sub(1.0).div(m.add(1.0));
            DoubleVector f2 = f.mul(f);
            // ln(m) = 2 atanh(f) = 2 (f + f^3/3 + ... + f^15/15), |f| <= 0.1716.
            DoubleVector p = DoubleVector.broadcast(DOUBLES, 1.0 / 15);
            p = p.fma(f2, DoubleVector.broadcast(DOUBLES, 1.0 / 13));
            p = p.fma(f2, DoubleVector.broadcast(DOUBLES, 1.0 / 11));
            p = p.fma(f2, DoubleVector.broadcast(DOUBLES, 1.0 / 9));
            p = p.fma(f2, DoubleVector.broadcast(DOUBLES, 1.0 / 7));
            p = p.fma(f2, DoubleVector.broadcast(DOUBLES, 1.0 / 5));
            p = p.fma(f2, DoubleVector.broadcast(DOUBLES, 1.0 / 3));
            p = p.fma(f2, DoubleVector.broadcast(DOUBLES, 1.0));
            p.mul(f).mul(2 * LOG2_E).add(e)
                    .blend(Double.NEGATIVE_INFINITY, v.compare(VectorOperators.EQ, 0.0))
                    .blend(Double.POSITIVE_INFINITY, v.compare(VectorOperators.EQ, Double.POSITIVE_INFINITY))
                    .mul(outFactor).intoArray(out, i);
        }
    }
}
