package engram.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link DecayCurve#retention}: each curve's formula, the special ages, and the with-methods. */
class DecayCurveTest {
    private static final double EXACT = 1e-15;

    static List<DecayCurve> curves() {
        return List.of(new DecayCurve.Exponential(), new DecayCurve.PowerLaw(), new DecayCurve.TwoComponent(),
                new DecayCurve.Ebbinghaus(), new DecayCurve.Exponential(10), new DecayCurve.PowerLaw(100, 0.5),
                new DecayCurve.TwoComponent(100, 1_000, 1, 5), new DecayCurve.Ebbinghaus(1, 1));
    }

    @Test
    void exponentialHasATrueHalfLife() {
        DecayCurve.Exponential curve = new DecayCurve.Exponential();
        assertEquals(1, curve.retention(0));
        assertEquals(0.5, curve.retention(86_400), EXACT);
        assertEquals(0.25, curve.retention(2 * 86_400), EXACT);
        assertEquals(Math.pow(2, -1.0 / 24), curve.retention(3_600), EXACT);
        assertEquals(0.5, new DecayCurve.Exponential(10).retention(10), EXACT);
    }

    @Test
    void powerLaw() {
        DecayCurve.PowerLaw curve = new DecayCurve.PowerLaw();
        assertEquals(1, curve.retention(0));
        assertEquals(Math.pow(2, -0.18), curve.retention(3_600), EXACT);
        assertEquals(Math.pow(25, -0.18), curve.retention(86_400), EXACT);
        assertEquals(0.5, new DecayCurve.PowerLaw(100, 0.5).retention(300), EXACT);
    }

    @Test
    void twoComponentSwitchesAtTheConsolidationCount() {
        DecayCurve.TwoComponent curve = new DecayCurve.TwoComponent();
        double tau = 1.96 * 3_600;
        assertEquals(Math.exp(-1), curve.retention(tau, 0), EXACT);
        assertEquals(Math.exp(-1), curve.retention(tau, 2), EXACT);
        assertEquals(Math.exp(-1), curve.retention(tau, Integer.MIN_VALUE), EXACT);
        assertEquals(Math.pow(1 + tau / 86_400, -0.18), curve.retention(tau, 3), EXACT);
        assertEquals(Math.pow(2, -0.18), curve.retention(86_400, Integer.MAX_VALUE), EXACT);
        assertEquals(curve.retention(tau, 0), curve.retention(tau), "no count is a count of 0");
        DecayCurve.TwoComponent never = new DecayCurve.TwoComponent().withConsolidationAccessCount(0);
        assertEquals(Math.pow(2, -0.18), never.retention(86_400, 0), EXACT, "consolidated from the start");
    }

    @Test
    void ebbinghausIsOneBelowAMinute() {
        DecayCurve.Ebbinghaus curve = new DecayCurve.Ebbinghaus();
        assertEquals(1, curve.retention(0));
        assertEquals(1, curve.retention(59.999));
        assertEquals(1, curve.retention(60));
        assertEquals(1.84 / 2.84, curve.retention(600), EXACT);
        assertEquals(1.84 / (Math.pow(2, 1.25) + 1.84), curve.retention(6_000), EXACT);
        assertEquals(0.5, new DecayCurve.Ebbinghaus(1, 1).retention(600), EXACT);
    }

    @ParameterizedTest
    @MethodSource("curves")
    void negativeAgesCountAsZero(DecayCurve curve) {
        for (double age : new double[] {-0.0, -1e-300, -1, -3_600, -Double.MAX_VALUE, Double.NEGATIVE_INFINITY}) {
            for (int count : new int[] {0, 3, 100}) {
                assertEquals(1.0, curve.retention(age, count), curve + " at " + age + " count " + count);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("curves")
    void anInfiniteAgeGivesZero(DecayCurve curve) {
        for (int count : new int[] {0, 3, 100}) {
            assertEquals(0.0, curve.retention(Double.POSITIVE_INFINITY, count), curve + " count " + count);
        }
    }

    @ParameterizedTest
    @MethodSource("curves")
    void aNaNAgeGivesNaN(DecayCurve curve) {
        for (int count : new int[] {0, 3, 100}) {
            assertTrue(Double.isNaN(curve.retention(Double.NaN, count)), curve + " count " + count);
        }
    }

    @ParameterizedTest
    @MethodSource("curves")
    void retentionStartsAtOneAndDecreases(DecayCurve curve) {
        double[] ages = {0, 1, 59, 60, 61, 600, 3_600, 7_056, 86_400, 1e6, 3.1536e8, 1e12, Double.MAX_VALUE};
        for (int count : new int[] {0, 3, 5}) {
            double previous = curve.retention(0, count);
            assertEquals(1, previous, curve + " at age 0");
            for (double age : ages) {
                double r = curve.retention(age, count);
                assertTrue(r >= 0 && r <= 1, curve + " at " + age + ": " + r);
                assertTrue(r <= previous, curve + " grows at " + age + ": " + r + " after " + previous);
                previous = r;
            }
        }
    }

    @Test
    void powerLawWithMethodsKeepTheOtherConstant() {
        DecayCurve.PowerLaw base = new DecayCurve.PowerLaw();
        assertEquals(new DecayCurve.PowerLaw(60, 0.18), base.withScaleSeconds(60));
        assertEquals(new DecayCurve.PowerLaw(3_600, 0.5), base.withBeta(0.5));
        assertEquals(new DecayCurve.PowerLaw(60, 0.5), base.withScaleSeconds(60).withBeta(0.5));
        assertEquals(new DecayCurve.PowerLaw(), base, "the original is unchanged");
    }

    @Test
    void twoComponentWithMethodsKeepTheOtherConstants() {
        DecayCurve.TwoComponent base = new DecayCurve.TwoComponent();
        double tau = DecayCurve.TwoComponent.DEFAULT_TAU_SECONDS;
        assertEquals(new DecayCurve.TwoComponent(3_600, 86_400, 0.18, 3), base.withTauSeconds(3_600));
        assertEquals(new DecayCurve.TwoComponent(tau, 600, 0.18, 3), base.withNeocorticalScaleSeconds(600));
        assertEquals(new DecayCurve.TwoComponent(tau, 86_400, 0.3, 3), base.withNeocorticalBeta(0.3));
        assertEquals(new DecayCurve.TwoComponent(tau, 86_400, 0.18, 5), base.withConsolidationAccessCount(5));
        assertEquals(new DecayCurve.TwoComponent(3_600, 600, 0.3, 5), base.withTauSeconds(3_600)
                .withNeocorticalScaleSeconds(600).withNeocorticalBeta(0.3).withConsolidationAccessCount(5));
        assertEquals(new DecayCurve.TwoComponent(), base, "the original is unchanged");
    }

    @Test
    void ebbinghausWithMethodsKeepTheOtherConstant() {
        DecayCurve.Ebbinghaus base = new DecayCurve.Ebbinghaus();
        assertEquals(new DecayCurve.Ebbinghaus(2, 1.25), base.withK(2));
        assertEquals(new DecayCurve.Ebbinghaus(1.84, 1), base.withC(1));
        assertEquals(new DecayCurve.Ebbinghaus(), base, "the original is unchanged");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
    void withMethodsValidateLikeTheConstructors(double bad) {
        Refusals.assertRefused("scaleSeconds is " + bad, () -> new DecayCurve.PowerLaw().withScaleSeconds(bad));
        Refusals.assertRefused("beta is " + bad, () -> new DecayCurve.PowerLaw().withBeta(bad));
        Refusals.assertRefused("tauSeconds is " + bad, () -> new DecayCurve.TwoComponent().withTauSeconds(bad));
        Refusals.assertRefused("neocorticalScaleSeconds is " + bad,
                () -> new DecayCurve.TwoComponent().withNeocorticalScaleSeconds(bad));
        Refusals.assertRefused("neocorticalBeta is " + bad,
                () -> new DecayCurve.TwoComponent().withNeocorticalBeta(bad));
        Refusals.assertRefused("k is " + bad, () -> new DecayCurve.Ebbinghaus().withK(bad));
        Refusals.assertRefused("c is " + bad, () -> new DecayCurve.Ebbinghaus().withC(bad));
        Refusals.assertRefused("consolidationAccessCount is -1",
                () -> new DecayCurve.TwoComponent().withConsolidationAccessCount(-1));
    }
}
