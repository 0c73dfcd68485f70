package engram.api;

import static engram.api.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecayParamsTest {

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
        assertDoesNotThrow(() -> new DecayCurve.TwoComponent(7_056, 86_400, 0.18, 0));
    }

    @Test
    void acceptsTinyAndHugeFiniteConstants() {
        assertDoesNotThrow(() -> new DecayCurve.Exponential(Double.MIN_VALUE));
        assertDoesNotThrow(() -> new DecayCurve.Exponential(Double.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(floats = {-0.001f, -1f, 1.0000001f, 2f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void refusesFloorsOutsideZeroToOne(float floor) {
        assertRefused("floor is " + floor, () -> new DecayParams(new DecayCurve.Exponential(), floor));
    }

    @Test
    void acceptsFloorsFromZeroToOne() {
        assertEquals(0f, new DecayParams(new DecayCurve.Exponential(), 0f).floor());
        assertEquals(1f, new DecayParams(new DecayCurve.Exponential(), 1f).floor());
        DecayParams of = DecayParams.of(new DecayCurve.PowerLaw());
        assertEquals(0f, of.floor());
        assertEquals(new DecayCurve.PowerLaw(), of.curve());
    }

    @Test
    void refusesAMissingCurve() {
        Refusals.assertRefused("curve", () -> new DecayParams(null, 0f));
    }
}
