package engram.kernels.java.impl;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelWorkspace;

/**
 * The Vector API kernel's decay: its own exp2 and log2 against {@code Math} over their whole
 * range, every curve against a float64 oracle at ages from milliseconds to centuries and at
 * the contract's special values, the value rules, and results that do not depend on where a
 * memory sits (the vector it falls in, the chunk, the padded tail, in place or not).
 */
class VectorDecayAccuracyTest {
    private static final ClosableKernelService KERNEL = VectorSupport.create();
    private static final List<DecayCurve> CURVES = List.of(new DecayCurve.Exponential(), new DecayCurve.PowerLaw(),
            new DecayCurve.TwoComponent(), new DecayCurve.Ebbinghaus(), new DecayCurve.Exponential(1e-3),
            new DecayCurve.PowerLaw(1, 3), new DecayCurve.TwoComponent(60, 1e9, 0.01, 0),
            new DecayCurve.Ebbinghaus(0.1, 0.05), new DecayCurve.Ebbinghaus(100, 40));

    @AfterAll
    static void close() {
        KERNEL.close();
    }

    private static double relativeError(double actual, double exact) {
        return Math.abs(actual - exact) / Math.abs(exact);
    }

    @Test
    void exp2IsWithinATrillionthOfMathPow() {
        Random random = new Random(41);
        int n = 1 << 16;
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = switch (i % 4) {
                case 0 -> -1022 + 2045 * random.nextDouble();
                case 1 -> random.nextGaussian();
                case 2 -> Math.rint(-1022 + 2045 * random.nextDouble()) + 0.5 * (random.nextDouble() - 0.5) * 1e-12;
                default -> -60 * random.nextDouble();
            };
        }
        double[] out = y.clone();
        VectorDecay.exp2(out, n);
        double max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, relativeError(out[i], Math.pow(2, y[i])));
        }
        System.out.printf("vector kernel exp2: max relative error %.3g over %d arguments in [-1022, 1023]%n", max, n);
        assertTrue(max < 1e-12, "max relative error " + max);
        double[] special = {0, -0.0, 1, -1, 1023, -1022, -1e300, Double.NEGATIVE_INFINITY, 5000, Double.POSITIVE_INFINITY,
                0, 0, 0, 0, 0, 0};
        VectorDecay.exp2(special, special.length);
        assertEquals(1.0, special[0], "2^0 is 1 exactly");
        assertEquals(1.0, special[1], "2^-0 is 1 exactly");
        assertEquals(2.0, special[2], 1e-15);
        assertEquals(0.5, special[3], 1e-16);
        assertEquals(0x1p-1022, special[6], 1e-323, "below -1022 counts as -1022");
        assertEquals(0x1p-1022, special[7], 1e-323, "-inf counts as -1022");
        assertEquals(0x1p1023, special[8], 1e293, "above 1023 counts as 1023");
        assertEquals(0x1p1023, special[9], 1e293, "+inf counts as 1023");
    }

    @Test
    void log2IsWithinATrillionthOfMathLog() {
        Random random = new Random(43);
        int n = 1 << 16;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (i % 3) {
                case 0 -> Math.pow(2, -1022 + 2045 * random.nextDouble());
                case 1 -> 1 + (random.nextDouble() - 0.5) * 1e-6;
                default -> 1 + 1e-12 * random.nextDouble();
            };
        }
        double[] out = new double[n];
        VectorDecay.log2(x, 1, 0, 1, out, n);
        double max = 0;
        for (int i = 0; i < n; i++) {
            double exact = Math.log(x[i]) / Math.log(2);
            // Relative to |log2 x|, and absolute near x = 1 where log2 x is close to 0.
            max = Math.max(max, Math.abs(out[i] - exact) / Math.max(Math.abs(exact), 1e-3));
        }
        System.out.printf("vector kernel log2: max error %.3g over %d arguments (relative, absolute below 1e-3)%n", max,
                n);
        assertTrue(max < 1e-12, "max error " + max);
        double[] special = {0, -0.0, Double.POSITIVE_INFINITY, 1, 2, 0x1p-1022, 0x1p1023, 0.5};
        double[] result = new double[8];
        VectorDecay.log2(special, 1, 0, 1, result, 8);
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
            0, 1, -1022, 1023, -1}, result, 1e-13);
        double[] shifted = new double[8];
        VectorDecay.log2(new double[] {3, 7, 0, 1, 1, 1, 1, 1}, 0.5, 1, -2, shifted, 8);
        assertEquals(-2 * Math.log(2.5) / Math.log(2), shifted[0], 1e-14, "outFactor * log2(x * inFactor + inAddend)");
        assertEquals(-2 * Math.log(4.5) / Math.log(2), shifted[1], 1e-14);
        assertEquals(0, shifted[2], 0, "log2(1) is 0");
    }

    @Test
    void everyCurveAtAgesFromMillisecondsToCenturiesIsWithinTheContract() {
        Random random = new Random(47);
        int n = 20_000;
        float[] strength = new float[n];
        float[] age = new float[n];
        int[] counts = new int[n];
        for (int i = 0; i < n; i++) {
            strength[i] = i % 7 == 0 ? 1f : random.nextFloat();
            age[i] = (float) Math.pow(10, -3 + 13 * random.nextDouble());
            counts[i] = random.nextInt(7);
        }
        double max = 0;
        for (DecayCurve curve : CURVES) {
            for (float floor : new float[] {0f, 0.05f}) {
                DecayParams params = new DecayParams(curve, floor);
                float[] out = KERNEL.decay(strength, age, counts, params);
                for (int i = 0; i < n; i++) {
                    double exact = Oracle.decay(curve, floor, strength[i], age[i], counts[i]);
                    DecayTest.assertRelative(exact, out[i], curve + " floor " + floor + " at " + age[i] + " s");
                    max = Math.max(max, Math.abs(out[i] - exact) / Math.max(Math.abs(exact), Float.MIN_NORMAL));
                }
            }
        }
        System.out.printf("vector kernel decay: max relative error %.3g over %d memories%n", max,
                2 * n * CURVES.size());
    }

    @Test
    void theValueRulesHoldOnEveryCurve() {
        float[] strengths = {Float.NaN, 0.5f, -0f, -1f, Float.NEGATIVE_INFINITY, 1.5f, Float.POSITIVE_INFINITY, 0.5f,
            0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0f, Float.MIN_VALUE, 1f, 0.5f};
        float[] ages = {60f, Float.NaN, 600f, 600f, 600f, 600f, 600f, -0f, -1f, Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY, Float.MAX_VALUE, 60f, 600f, 0f, 1e12f, Math.nextUp(60f)};
        for (DecayCurve curve : CURVES) {
            for (float floor : new float[] {0f, -0f, 0.25f}) {
                DecayParams params = new DecayParams(curve, floor);
                float[] out = KERNEL.decay(strengths, ages, null, params);
                for (int i = 0; i < strengths.length; i++) {
                    DecayTest.assertRelative(Oracle.decay(curve, floor, strengths[i], ages[i], 0), out[i],
                            curve + " floor " + floor + ": strength " + strengths[i] + ", age " + ages[i]);
                }
                assertTrue(Float.isNaN(out[0]) && Float.isNaN(out[1]), "NaN in, NaN out");
                assertEquals(Math.max(floor + 0f, 0f), out[10], "an infinite age leaves the floor");
            }
        }
    }

    @Test
    void aMemoryDecaysToTheSameBitsWhereverItSits() {
        Random random = new Random(53);
        DecayParams params = new DecayParams(new DecayCurve.TwoComponent(), 0.01f);
        for (int count : new int[] {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 70, 1_023, 1_024, 1_025, 2_049, 3_000}) {
            float[] strength = new float[count];
            float[] age = new float[count];
            int[] counts = new int[count];
            for (int i = 0; i < count; i++) {
                strength[i] = random.nextFloat();
                age[i] = (float) Math.pow(10, 8 * random.nextDouble());
                counts[i] = random.nextInt(6);
            }
            float[] all = KERNEL.decay(strength, age, counts, params);
            for (int i = 0; i < count; i += 1 + count / 40) {
                float[] alone = KERNEL.decay(new float[] {strength[i]}, new float[] {age[i]}, new int[] {counts[i]},
                        params);
                assertEquals(Float.floatToRawIntBits(alone[0]), Float.floatToRawIntBits(all[i]),
                        "memory " + i + " of " + count + " alone and among the others");
            }
            try (Arena arena = Arena.ofConfined(); KernelWorkspace workspace = KERNEL.newWorkspace()) {
                MemorySegment inPlace = arena.allocateFrom(JAVA_FLOAT, strength);
                KERNEL.decay(workspace, inPlace, arena.allocateFrom(JAVA_FLOAT, age), arena.allocateFrom(JAVA_INT, counts),
                        count, params, inPlace);
                assertArrayEquals(all, inPlace.toArray(JAVA_FLOAT), "in place, " + count + " memories");
            }
        }
    }

    @Test
    void aGatherTakesTheAgeInFloat64AndReadsRepeats() {
        Random random = new Random(59);
        int memories = 2_500;
        int gathered = 3_100;
        double now = 1.7e9 + 12_345.678;
        float[] strength = new float[memories];
        double[] lastAccess = new double[memories];
        int[] counts = new int[memories];
        for (int m = 0; m < memories; m++) {
            strength[m] = random.nextFloat();
            // Within a day of now: float32 seconds since the epoch would be off by up to 64 s.
            lastAccess[m] = now - 86_400 * random.nextDouble() + (m % 5 == 0 ? 0.25 : 0);
            counts[m] = random.nextInt(5);
        }
        int[] indices = new int[gathered];
        for (int i = 0; i < gathered; i++) {
            indices[i] = i % 4 == 0 ? indices[Math.max(0, i - 3)] : random.nextInt(memories);
        }
        for (DecayCurve curve : CURVES) {
            DecayParams params = DecayParams.of(curve);
            try (Arena arena = Arena.ofConfined(); KernelWorkspace workspace = KERNEL.newWorkspace()) {
                MemorySegment out = arena.allocate(JAVA_FLOAT, gathered);
                KERNEL.decayGather(workspace, arena.allocateFrom(JAVA_INT, indices), gathered, memories,
                        arena.allocateFrom(JAVA_FLOAT, strength), arena.allocateFrom(JAVA_DOUBLE, lastAccess),
                        arena.allocateFrom(JAVA_INT, counts), now, params, out);
                for (int i = 0; i < gathered; i++) {
                    int m = indices[i];
                    DecayTest.assertRelative(Oracle.decay(curve, 0f, strength[m], now - lastAccess[m], counts[m]),
                            out.getAtIndex(JAVA_FLOAT, i), curve + ", index " + i + " (memory " + m + ")");
                }
            }
        }
    }
}
