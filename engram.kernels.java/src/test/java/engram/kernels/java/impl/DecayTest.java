package engram.kernels.java.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelService;

class DecayTest {
    private static final double RELATIVE = 1e-6;
    private static final float TEN_YEARS = 315_360_000f;
    private static final float[] AGES = {0f, 1f, 59.9f, 60f, 600f, 3_600f, 7_056f, 86_400f, 2 * 86_400f, 1e6f, TEN_YEARS};
    private static final List<DecayCurve> CURVES = List.of(new DecayCurve.Exponential(), new DecayCurve.PowerLaw(),
            new DecayCurve.TwoComponent(), new DecayCurve.Ebbinghaus(), new DecayCurve.Exponential(10),
            new DecayCurve.PowerLaw(100, 0.5), new DecayCurve.TwoComponent(100, 1_000, 1, 5),
            new DecayCurve.Ebbinghaus(1, 1));

    final KernelService kernel = newKernel();

    /** The kernel under test: the reference here, the Vector API kernel in {@code VectorDecayTest}. */
    KernelService newKernel() {
        return new ReferenceKernels();
    }

    /**
     * The contract's tolerance: within 1e-6 of the exact value, relative to it, or below the
     * normal float32 range relative to the least normal float32; NaN exactly where it is NaN;
     * never -0.0.
     */
    static void assertRelative(double expected, float actual, String what) {
        if (Double.isNaN(expected)) {
            assertTrue(Float.isNaN(actual), () -> what + ": " + actual + ", expected NaN");
            return;
        }
        assertNotEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(actual), () -> what + ": -0.0");
        double scale = Math.max(Math.abs(expected), Float.MIN_NORMAL);
        assertTrue(Math.abs(actual - expected) <= RELATIVE * scale,
                () -> what + ": " + actual + ", expected " + expected + " within " + RELATIVE + " relative");
    }

    @Test
    void everyCurveAtEveryAgeMatchesTheExactFormula() {
        int[] counts = {0, 1, 2, 3, 4, 5, 100};
        for (DecayCurve curve : CURVES) {
            for (float strength : new float[] {1f, 0.8f, 0.37f, 1e-3f}) {
                for (int count : counts) {
                    float[] s = new float[AGES.length];
                    int[] c = new int[AGES.length];
                    java.util.Arrays.fill(s, strength);
                    java.util.Arrays.fill(c, count);
                    float[] out = kernel.decay(s, AGES, c, DecayParams.of(curve));
                    for (int i = 0; i < AGES.length; i++) {
                        assertRelative(Oracle.decay(curve, 0f, strength, AGES[i], count), out[i],
                                curve + " strength " + strength + " age " + AGES[i] + " count " + count);
                    }
                }
            }
        }
    }

    @Test
    void ageZeroKeepsTheFullStrength() {
        for (DecayCurve curve : CURVES) {
            assertArrayEquals(new float[] {0.8f, 1f, 0f}, kernel.decay(new float[] {0.8f, 1f, 0f}, new float[3],
                    new int[] {0, 3, 9}, DecayParams.of(curve)), curve.toString());
        }
    }

    @Test
    void handComputedValues() {
        // A true half-life.
        assertEquals(0.4f, decayOne(new DecayCurve.Exponential(), 0.8f, 86_400f, 0));
        assertEquals(0.2f, decayOne(new DecayCurve.Exponential(), 0.8f, 172_800f, 0));
        assertEquals(0.5f, decayOne(new DecayCurve.Exponential(10), 1f, 10f, 0));
        // (1 + 300/100)^-0.5 = 1/2; (1 + 3600/3600)^-0.18 = 2^-0.18.
        assertRelative(0.5, decayOne(new DecayCurve.PowerLaw(100, 0.5), 1f, 300f, 0), "power");
        assertRelative(0.8827029962906549, decayOne(new DecayCurve.PowerLaw(), 1f, 3_600f, 0), "power default");
        // Hippocampal e^-1 at t = tau; neocortical 2^-0.18 at one day.
        assertRelative(0.36787944117144233, decayOne(new DecayCurve.TwoComponent(), 1f, 7_056f, 2), "hippocampal");
        assertRelative(0.8827029962906549, decayOne(new DecayCurve.TwoComponent(), 1f, 86_400f, 3), "neocortical");
        // Ebbinghaus: 1 below a minute, k / (1 + k) at ten minutes, k / (2^c + k) at 100 minutes.
        assertEquals(0.7f, decayOne(new DecayCurve.Ebbinghaus(), 0.7f, 59.9f, 0));
        assertEquals(0.7f, decayOne(new DecayCurve.Ebbinghaus(), 0.7f, 60f, 0));
        assertRelative(1.84 / 2.84, decayOne(new DecayCurve.Ebbinghaus(), 1f, 600f, 0), "ebbinghaus 10 min");
        assertRelative(1.84 / (Math.pow(2, 1.25) + 1.84), decayOne(new DecayCurve.Ebbinghaus(), 1f, 6_000f, 0),
                "ebbinghaus 100 min");
        assertEquals(0.5f, decayOne(new DecayCurve.Ebbinghaus(1, 1), 1f, 600f, 0));
        // Ten years: the exponential is gone; the others keep a little.
        assertEquals(0f, decayOne(new DecayCurve.Exponential(), 1f, TEN_YEARS, 0));
        assertEquals(0f, decayOne(new DecayCurve.TwoComponent(), 1f, TEN_YEARS, 0));
        assertRelative(Math.pow(87_601, -0.18), decayOne(new DecayCurve.PowerLaw(), 1f, TEN_YEARS, 0), "power 10y");
    }

    @Test
    void retentionDecreasesWithAge() {
        for (DecayCurve curve : CURVES) {
            float[] strength = new float[AGES.length];
            java.util.Arrays.fill(strength, 1f);
            float[] out = kernel.decay(strength, AGES, null, DecayParams.of(curve));
            for (int i = 1; i < out.length; i++) {
                assertTrue(out[i] <= out[i - 1], curve + " at " + AGES[i]);
            }
        }
    }

    private float decayOne(DecayCurve curve, float strength, float age, int count) {
        return kernel.decay(new float[] {strength}, new float[] {age}, new int[] {count}, DecayParams.of(curve))[0];
    }

    @Test
    void theFloorHolds() {
        for (DecayCurve curve : CURVES) {
            float[] out = kernel.decay(new float[] {0.9f, 0.9f, 0.02f, 0f}, new float[] {TEN_YEARS, 0f, 0f, 60f}, null,
                    new DecayParams(curve, 0.05f));
            assertTrue(out[0] >= 0.05f && out[0] < 0.9f, curve + ": " + out[0]);
            assertEquals(0.9f, out[1], "above the floor nothing changes");
            assertEquals(0.05f, out[2], "a strength below the floor is raised to it");
            assertEquals(0.05f, out[3]);
        }
        assertEquals(0.05f, kernel.decay(new float[] {0.9f}, new float[] {TEN_YEARS}, null,
                new DecayParams(new DecayCurve.Exponential(), 0.05f))[0]);
        assertEquals(1f, kernel.decay(new float[] {0.3f}, new float[] {100f}, null,
                new DecayParams(new DecayCurve.PowerLaw(), 1f))[0]);
    }

    @Test
    void outputMayAliasTheStrengths() {
        Random random = new Random(3);
        int n = 1025;
        float[] strength = new float[n];
        float[] age = new float[n];
        int[] count = new int[n];
        for (int i = 0; i < n; i++) {
            strength[i] = random.nextFloat();
            age[i] = random.nextFloat() * 1e7f;
            count[i] = random.nextInt(6);
        }
        for (DecayCurve curve : CURVES) {
            DecayParams params = new DecayParams(curve, 0.01f);
            float[] expected = kernel.decay(strength, age, count, params);
            float[] inPlace = strength.clone();
            MemorySegment segment = MemorySegment.ofArray(inPlace);
            kernel.decay(segment, MemorySegment.ofArray(age), MemorySegment.ofArray(count), n, params, segment);
            assertArrayEquals(expected, inPlace, curve.toString());
        }
    }

    @Test
    void missingAccessCountsCountAsZero() {
        float[] strength = {1f, 0.5f, 0.25f};
        float[] age = {7_056f, 86_400f, 600f};
        for (DecayCurve curve : List.of(new DecayCurve.TwoComponent(), new DecayCurve.TwoComponent(7_056, 86_400, 0.18, 0),
                new DecayCurve.TwoComponent(7_056, 86_400, 0.18, 1))) {
            DecayParams params = DecayParams.of(curve);
            assertArrayEquals(kernel.decay(strength, age, new int[3], params), kernel.decay(strength, age, null, params),
                    curve.toString());
        }
        // With the defaults, no counts means the hippocampal curve: e^-1 at t = tau.
        assertRelative(0.36787944117144233,
                kernel.decay(new float[] {1f}, new float[] {7_056f}, null, DecayParams.of(new DecayCurve.TwoComponent()))[0],
                "hippocampal without counts");
    }

    @Test
    void twoComponentSwitchesAtTheConsolidationCount() {
        float t = 86_400f;
        double hippocampal = Math.exp(-86_400 / 7_056.0);
        double neocortical = Math.pow(2, -0.18);
        int[] counts = {Integer.MIN_VALUE, -1, 0, 1, 2, 3, 4, 1_000, Integer.MAX_VALUE};
        float[] strength = new float[counts.length];
        float[] age = new float[counts.length];
        java.util.Arrays.fill(strength, 1f);
        java.util.Arrays.fill(age, t);
        float[] out = kernel.decay(strength, age, counts, DecayParams.of(new DecayCurve.TwoComponent()));
        for (int i = 0; i < counts.length; i++) {
            assertRelative(counts[i] < 3 ? hippocampal : neocortical, out[i], "count " + counts[i]);
        }
        float[] custom = kernel.decay(new float[] {1f, 1f}, new float[] {100f, 100f}, new int[] {4, 5},
                DecayParams.of(new DecayCurve.TwoComponent(100, 1_000, 1, 5)));
        assertRelative(Math.exp(-1), custom[0], "below 5 accesses");
        assertRelative(1 / 1.1, custom[1], "from 5 accesses");
    }

    @Test
    void nanStrengthGivesNaNNeverTheFloor() {
        for (DecayCurve curve : CURVES) {
            float[] out = kernel.decay(new float[] {Float.NaN, 0.5f}, new float[] {100f, 100f}, new int[] {0, 9},
                    new DecayParams(curve, 0.1f));
            assertTrue(Float.isNaN(out[0]), curve.toString());
            assertTrue(!Float.isNaN(out[1]), curve.toString());
        }
    }

    @Test
    void nanAgeGivesNaNOnEveryCurve() {
        for (DecayCurve curve : CURVES) {
            for (int count : new int[] {0, 9}) {
                float[] out = kernel.decay(new float[] {0.5f, 0.5f}, new float[] {Float.NaN, 100f}, new int[] {count, count},
                        new DecayParams(curve, 0.1f));
                assertTrue(Float.isNaN(out[0]), curve + " count " + count + " gave " + out[0]);
                assertTrue(!Float.isNaN(out[1]), curve.toString());
            }
        }
    }

    @Test
    void nothingToDecay() {
        assertEquals(0, kernel.decay(new float[0], new float[0], null, DecayParams.of(new DecayCurve.Exponential())).length);
    }

    static final float[] OUT_OF_RANGE_STRENGTHS = {Float.NEGATIVE_INFINITY, -1f, -Float.MIN_VALUE, -0f, 0f,
            Float.MIN_VALUE, 0.5f, 1f, Math.nextUp(1f), 1.5f, Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NaN};
    static final float[] OUT_OF_RANGE_AGES = {Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, -3_600f, -Float.MIN_VALUE,
            -0f, 0f, Float.MIN_VALUE, 59.99f, 60f, 86_400f, TEN_YEARS, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
            Float.NaN};

    @Test
    void outOfRangeValuesFollowTheContractsRule() {
        int n = OUT_OF_RANGE_STRENGTHS.length * OUT_OF_RANGE_AGES.length * 2;
        float[] strength = new float[n];
        float[] age = new float[n];
        int[] count = new int[n];
        int i = 0;
        for (float s : OUT_OF_RANGE_STRENGTHS) {
            for (float a : OUT_OF_RANGE_AGES) {
                for (int c : new int[] {0, 5}) {
                    strength[i] = s;
                    age[i] = a;
                    count[i++] = c;
                }
            }
        }
        for (DecayCurve curve : CURVES) {
            for (float floor : new float[] {0f, -0f, Float.MIN_VALUE, 0.05f, 1f}) {
                float[] out = kernel.decay(strength, age, count, new DecayParams(curve, floor));
                for (int j = 0; j < n; j++) {
                    assertRelative(Oracle.decay(curve, floor, strength[j], age[j], count[j]), out[j], curve + " floor "
                            + floor + " strength " + strength[j] + " age " + age[j] + " count " + count[j]);
                }
            }
        }
    }

    @Test
    void outOfRangeValuesByHand() {
        DecayParams exponential = DecayParams.of(new DecayCurve.Exponential());
        float[] out = kernel.decay(new float[] {1.5f, Float.POSITIVE_INFINITY, -0f, Float.NEGATIVE_INFINITY, 0.8f,
                0.8f, 0.8f, 0.8f, Float.NaN, 0.8f}, new float[] {0f, 86_400f, 0f, 0f, -3_600f, -0f,
                        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 0f, Float.NaN}, null, exponential);
        assertEquals(1f, out[0], "1.5 counts as 1");
        assertEquals(0.5f, out[1], "+inf counts as 1");
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(out[2]), "-0.0 counts as 0");
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(out[3]), "-inf counts as 0");
        assertEquals(0.8f, out[4], "an access in the future does not strengthen a memory");
        assertEquals(0.8f, out[5], "an age of -0.0 is 0");
        assertEquals(0.8f, out[6], "an age of -inf is 0");
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(out[7]), "an infinite age gives the floor, 0");
        assertTrue(Float.isNaN(out[8]) && Float.isNaN(out[9]), "NaN in, NaN out");
        assertEquals(0.25f, kernel.decay(new float[] {0.9f}, new float[] {Float.POSITIVE_INFINITY}, null,
                new DecayParams(new DecayCurve.PowerLaw(), 0.25f))[0], "an infinite age gives the floor");
    }

    @Test
    void randomInputsMatchTheExactFormula() {
        Random random = new Random(99);
        int n = 10_000;
        float[] strength = new float[n];
        float[] age = new float[n];
        int[] count = new int[n];
        for (int i = 0; i < n; i++) {
            strength[i] = random.nextFloat();
            age[i] = (float) Math.exp(random.nextDouble() * Math.log(TEN_YEARS));
            count[i] = random.nextInt(7);
        }
        age[0] = 0f;
        age[1] = TEN_YEARS;
        for (DecayCurve curve : CURVES) {
            float floor = random.nextFloat() * 0.1f;
            float[] out = kernel.decay(strength, age, count, new DecayParams(curve, floor));
            for (int i = 0; i < n; i++) {
                assertRelative(Oracle.decay(curve, floor, strength[i], age[i], count[i]), out[i], curve + " at " + i);
            }
        }
    }
}
