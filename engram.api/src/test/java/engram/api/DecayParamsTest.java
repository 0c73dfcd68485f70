package engram.api;

import static engram.api.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link DecayParams}: its validation, and {@link DecayParams#decayed}, the value rule of the contract's section 3. */
class DecayParamsTest {
    private static final int NEGATIVE_ZERO_BITS = Float.floatToRawIntBits(-0f);

    static List<DecayCurve> curves() {
        return DecayCurveTest.curves();
    }

    private static void assertBits(float expected, float actual, String what) {
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                () -> what + ": expected " + expected + ", got " + actual);
    }

    @Test
    void defaultsAreThoseOfTheContract() {
        assertEquals(86_400, new DecayCurve.Exponential().halfLifeSeconds());
        DecayCurve.PowerLaw power = new DecayCurve.PowerLaw();
        assertEquals(3_600, power.scaleSeconds());
        assertEquals(0.18, power.beta());
        DecayCurve.TwoComponent two = new DecayCurve.TwoComponent();
        assertEquals(1.96 * 3_600, two.tauSeconds(), 1e-9);
        assertEquals(86_400, two.neocorticalScaleSeconds());
        assertEquals(0.18, two.neocorticalBeta());
        assertEquals(3, two.consolidationAccessCount());
        DecayCurve.Ebbinghaus ebbinghaus = new DecayCurve.Ebbinghaus();
        assertEquals(1.84, ebbinghaus.k());
        assertEquals(1.25, ebbinghaus.c());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -0.0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void refusesConstantsThatAreNotFiniteAndPositive(double bad) {
        assertRefused("halfLifeSeconds is " + bad, () -> new DecayCurve.Exponential(bad));
        assertRefused("scaleSeconds is " + bad, () -> new DecayCurve.PowerLaw(bad, 0.18));
        assertRefused("beta is " + bad, () -> new DecayCurve.PowerLaw(3_600, bad));
        assertRefused("tauSeconds is " + bad, () -> new DecayCurve.TwoComponent(bad, 86_400, 0.18, 3));
        assertRefused("neocorticalScaleSeconds is " + bad, () -> new DecayCurve.TwoComponent(7_056, bad, 0.18, 3));
        assertRefused("neocorticalBeta is " + bad, () -> new DecayCurve.TwoComponent(7_056, 86_400, bad, 3));
        assertRefused("k is " + bad, () -> new DecayCurve.Ebbinghaus(bad, 1.25));
        assertRefused("c is " + bad, () -> new DecayCurve.Ebbinghaus(1.84, bad));
    }

    @Test
    void refusesANegativeConsolidationCount() {
        assertRefused("consolidationAccessCount is -1", () -> new DecayCurve.TwoComponent(7_056, 86_400, 0.18, -1));
        assertEquals(0, new DecayCurve.TwoComponent(7_056, 86_400, 0.18, 0).consolidationAccessCount());
    }

    @Test
    void acceptsTinyAndHugeFiniteConstants() {
        assertDoesNotThrow(() -> new DecayCurve.Exponential(Double.MIN_VALUE));
        assertDoesNotThrow(() -> new DecayCurve.Exponential(Double.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(floats = {-0.001f, -1f, -Float.MIN_VALUE, 1.0000001f, 2f, Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY})
    void refusesFloorsOutsideZeroToOne(float floor) {
        IllegalArgumentException e = assertRefused("floor is " + floor,
                () -> new DecayParams(new DecayCurve.Exponential(), floor));
        assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
    }

    @Test
    void acceptsFloorsFromZeroToOne() {
        assertEquals(0f, new DecayParams(new DecayCurve.Exponential(), 0f).floor());
        assertEquals(1f, new DecayParams(new DecayCurve.Exponential(), 1f).floor());
        DecayParams of = DecayParams.of(new DecayCurve.PowerLaw());
        assertBits(0f, of.floor(), "the floor of DecayParams.of");
        assertEquals(new DecayCurve.PowerLaw(), of.curve());
    }

    @Test
    void aFloorOfMinusZeroIsStoredAsZero() {
        DecayParams minus = new DecayParams(new DecayCurve.Exponential(), -0f);
        assertBits(0f, minus.floor(), "the floor");
        assertEquals(DecayParams.of(new DecayCurve.Exponential()), minus);
    }

    @Test
    void refusesAMissingCurve() {
        assertRefused("curve is null", () -> new DecayParams(null, 0f));
        assertRefused("curve is null", () -> DecayParams.of(null));
    }

    @Test
    void equalityIsByCurveAndFloor() {
        DecayParams a = new DecayParams(new DecayCurve.PowerLaw(), 0.25f);
        assertEquals(a, new DecayParams(new DecayCurve.PowerLaw(), 0.25f));
        assertNotEquals(a, new DecayParams(new DecayCurve.PowerLaw(), 0.5f));
        assertNotEquals(a, new DecayParams(new DecayCurve.PowerLaw().withBeta(0.5), 0.25f));
    }

    @ParameterizedTest
    @MethodSource("curves")
    void decayedIsTheStrengthTimesTheRetention(DecayCurve curve) {
        DecayParams params = DecayParams.of(curve);
        for (double age : new double[] {0, 1, 60, 600, 3_600, 86_400, 1e6, 3.1536e8}) {
            for (int count : new int[] {0, 3, 7}) {
                for (float strength : new float[] {1f, 0.8f, 0.37f, 1e-3f, Float.MIN_VALUE}) {
                    float expected = (float) (strength * curve.retention(age, count));
                    assertBits(expected, params.decayed(strength, age, count),
                            curve + " strength " + strength + " age " + age + " count " + count);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("curves")
    void theFloorHolds(DecayCurve curve) {
        DecayParams params = new DecayParams(curve, 0.05f);
        assertEquals(0.05f, params.decayed(0.06f, 3.1536e9, 0), "after a century every curve is below the floor");
        assertEquals(0.9f, params.decayed(0.9f, 0, 0), "above the floor nothing changes");
        assertEquals(0.05f, params.decayed(0.02f, 0, 0), "a strength below the floor is raised to it");
        assertEquals(0.05f, params.decayed(0f, 60, 0));
        assertEquals(1f, new DecayParams(curve, 1f).decayed(0.3f, 100, 0), "a floor of 1 keeps everything at 1");
    }

    @ParameterizedTest
    @MethodSource("curves")
    void nanStrengthOrAgeGivesNaNNeverTheFloor(DecayCurve curve) {
        DecayParams params = new DecayParams(curve, 0.1f);
        for (int count : new int[] {0, 9}) {
            assertTrue(Float.isNaN(params.decayed(Float.NaN, 100, count)), curve + " NaN strength");
            assertTrue(Float.isNaN(params.decayed(0.5f, Double.NaN, count)), curve + " NaN age");
            assertTrue(Float.isNaN(params.decayed(Float.NaN, Double.NaN, count)), curve + " both NaN");
            assertTrue(Float.isNaN(params.decayed(Float.NaN, Double.POSITIVE_INFINITY, count)),
                    curve + " NaN strength at an infinite age");
            assertTrue(Float.isNaN(params.decayed(Float.POSITIVE_INFINITY, Double.NaN, count)),
                    curve + " infinite strength at a NaN age");
        }
    }

    @ParameterizedTest
    @MethodSource("curves")
    void strengthsAreClampedToZeroOne(DecayCurve curve) {
        DecayParams params = DecayParams.of(curve);
        double age = 600;
        float full = (float) curve.retention(age, 0);
        assertBits(full, params.decayed(1f, age, 0), curve + " strength 1");
        assertBits(full, params.decayed(1.5f, age, 0), curve + " strength 1.5 counts as 1");
        assertBits(full, params.decayed(Float.POSITIVE_INFINITY, age, 0), curve + " strength +inf counts as 1");
        assertBits(full, params.decayed(Float.MAX_VALUE, age, 0), curve + " the largest strength counts as 1");
        for (float low : new float[] {0f, -0f, -Float.MIN_VALUE, -1f, Float.NEGATIVE_INFINITY}) {
            assertBits(0f, params.decayed(low, age, 0), curve + " strength " + low + " counts as 0");
        }
        DecayParams floored = new DecayParams(curve, 0.25f);
        assertBits(0.25f, floored.decayed(-1f, age, 0), curve + " a negative strength takes the floor");
        assertBits(0.25f, floored.decayed(Float.NEGATIVE_INFINITY, 0, 0), curve + " -inf takes the floor");
    }

    @ParameterizedTest
    @MethodSource("curves")
    void negativeAgesCountAsZero(DecayCurve curve) {
        DecayParams params = new DecayParams(curve, 0.1f);
        for (double age : new double[] {-0.0, -1e-9, -3_600, -Double.MAX_VALUE, Double.NEGATIVE_INFINITY}) {
            for (int count : new int[] {0, 9}) {
                assertBits(0.8f, params.decayed(0.8f, age, count), curve + " age " + age + " count " + count);
                assertBits(1f, params.decayed(2f, age, count), curve + " strength 2 at age " + age);
                assertBits(0.1f, params.decayed(0.05f, age, count), curve + " below the floor at age " + age);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("curves")
    void anInfiniteAgeGivesTheFloor(DecayCurve curve) {
        for (float floor : new float[] {0f, -0f, Float.MIN_VALUE, 0.05f, 1f}) {
            DecayParams params = new DecayParams(curve, floor);
            for (float strength : new float[] {1f, 0.5f, 0f, -0f, -1f, 1.5f, Float.POSITIVE_INFINITY,
                    Float.NEGATIVE_INFINITY}) {
                assertBits(floor + 0f, params.decayed(strength, Double.POSITIVE_INFINITY, 3),
                        curve + " floor " + floor + " strength " + strength);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("curves")
    void neverMinusZero(DecayCurve curve) {
        float[] strengths = {-0f, 0f, -1f, Float.NEGATIVE_INFINITY, -Float.MIN_VALUE, Float.MIN_VALUE, 1f};
        double[] ages = {-0.0, 0, -1, Double.NEGATIVE_INFINITY, 1e300, Double.POSITIVE_INFINITY, 3_600};
        for (float floor : new float[] {-0f, 0f}) {
            DecayParams params = new DecayParams(curve, floor);
            for (float strength : strengths) {
                for (double age : ages) {
                    for (int count : new int[] {0, 9}) {
                        float out = params.decayed(strength, age, count);
                        assertNotEquals(NEGATIVE_ZERO_BITS, Float.floatToRawIntBits(out),
                                curve + " floor " + floor + " strength " + strength + " age " + age);
                    }
                }
            }
        }
    }

    @Test
    void roundsTheDoubleProductOnce() {
        // R = (1 + 2/1)^-1 = 1/3. For a strength of 0.01, float32 arithmetic on the rounded R gives
        // a different float than the double product rounded once; the definition is the latter.
        DecayCurve third = new DecayCurve.PowerLaw(1, 1);
        float strength = 0.01f;
        double retention = third.retention(2, 0);
        float once = (float) (strength * retention);
        assertNotEquals(once, strength * (float) retention, "the case must tell the two roundings apart");
        assertBits(once, DecayParams.of(third).decayed(strength, 2, 0), "one rounding of the double product");
    }
}
