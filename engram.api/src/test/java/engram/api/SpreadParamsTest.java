package engram.api;

import static engram.api.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpreadParamsTest {

    private static float[] ones(int n) {
        float[] f = new float[n];
        Arrays.fill(f, 1f);
        return f;
    }

    @Test
    void acceptsTheWholeRange() {
        SpreadParams least = SpreadParams.of(0, 0f).withRefractoryHops(0);
        assertEquals(1, least.maxDepth());
        assertEquals(0, least.refractoryHops());
        SpreadParams most = SpreadParams.of(1e9, ones(32)).withRefractoryHops(Integer.MAX_VALUE);
        assertEquals(32, most.maxDepth());
        assertEquals(1e9f, most.threshold());
        assertEquals(Integer.MAX_VALUE, most.refractoryHops());
    }

    @Test
    void factoriesTakeDoubleThresholds() {
        SpreadParams p = SpreadParams.exponential(4, 0.5, 0.01);
        assertEquals(4, p.maxDepth());
        assertEquals(0.01f, p.threshold());
        assertEquals(0.01f, SpreadParams.power(2, 1, 0.01).threshold());
        assertEquals(0.01f, SpreadParams.linear(2, 0.1, 0.01).threshold());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 33, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void factoriesRefuseMaxDepthOutOfRange(int maxDepth) {
        IllegalArgumentException e = assertRefused("maxDepth is " + maxDepth,
                () -> SpreadParams.exponential(maxDepth, 1, 0));
        assertTrue(e.getMessage().contains("1..32"), e.getMessage());
        assertRefused("maxDepth is " + maxDepth, () -> SpreadParams.power(maxDepth, 1, 0));
        assertRefused("maxDepth is " + maxDepth, () -> SpreadParams.linear(maxDepth, 0.1, 0));
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.001, -1, -Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY})
    void refusesBadThresholds(double threshold) {
        IllegalArgumentException e = assertRefused("threshold is " + threshold,
                () -> SpreadParams.exponential(2, 1, threshold));
        assertTrue(e.getMessage().contains("0 or more"), e.getMessage());
        assertRefused("threshold is " + threshold, () -> SpreadParams.power(2, 1, threshold));
        assertRefused("threshold is " + threshold, () -> SpreadParams.linear(2, 1, threshold));
        assertRefused("threshold is " + threshold, () -> SpreadParams.of(threshold, 1f));
        assertRefused("threshold is " + threshold, () -> SpreadParams.of(0, 1f).withThreshold(threshold));
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.MAX_VALUE, 1e39, 3.4028236e38})
    void refusesThresholdsBeyondTheFloat32Range(double threshold) {
        IllegalArgumentException e = assertRefused("threshold is " + threshold,
                () -> SpreadParams.exponential(2, 1, threshold));
        assertTrue(e.getMessage().contains("float32 range"), e.getMessage());
        assertRefused("threshold is " + threshold, () -> SpreadParams.of(0, 1f).withThreshold(threshold));
    }

    @Test
    void acceptsTheLargestFloat32Threshold() {
        assertEquals(Float.MAX_VALUE, SpreadParams.exponential(2, 1, Float.MAX_VALUE).threshold());
    }

    @Test
    void thresholdIsRoundedToFloat32() {
        assertEquals((float) 0.1, SpreadParams.exponential(2, 1, 0.1).threshold());
        assertEquals(0f, SpreadParams.exponential(2, 1, 1e-50).threshold(), "below the float32 range rounds to 0");
        assertEquals(Math.nextUp(0.5f), SpreadParams.of(Math.nextUp(0.5f), 1f).threshold(),
                "a float32 threshold passes unchanged");
    }

    @Test
    void minusZeroThresholdIsZero() {
        SpreadParams minus = SpreadParams.exponential(3, 0.5, -0.0);
        SpreadParams plus = SpreadParams.exponential(3, 0.5, 0.0);
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(minus.threshold()));
        assertEquals(plus, minus);
        assertEquals(plus.hashCode(), minus.hashCode());
        assertEquals(plus, plus.withThreshold(0.25).withThreshold(-0.0));
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(SpreadParams.of(-0.0, 1f).threshold()));
    }

    @Test
    void refusesHopFactorTablesOfTheWrongLength() {
        assertRefused("hopFactors has 0 entries", () -> SpreadParams.of(0, new float[0]));
        IllegalArgumentException e = assertRefused("hopFactors has 33 entries", () -> SpreadParams.of(0, ones(33)));
        assertTrue(e.getMessage().contains("1 to 32"), e.getMessage());
        assertRefused("hopFactors has no entries", () -> SpreadParams.of(0, (float[]) null));
    }

    @ParameterizedTest
    @ValueSource(floats = {-0.001f, -Float.MIN_VALUE, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void refusesBadHopFactorsNamingTheHop(float factor) {
        IllegalArgumentException e = assertRefused("(hopFactors[1]) is " + factor,
                () -> SpreadParams.of(0, 1f, factor, 1f));
        assertTrue(e.getMessage().contains("the factor of hop 2"), e.getMessage());
    }

    @Test
    void acceptsHopFactorsOfZeroAndAboveOne() {
        assertArrayEquals(new float[] {0f, 3f}, SpreadParams.of(0, 0f, 3f).hopFactors());
        assertDoesNotThrow(() -> SpreadParams.of(0, Float.MAX_VALUE));
    }

    @Test
    void refusesNegativeRefractoryPeriods() {
        IllegalArgumentException e = assertRefused("refractoryHops is -1",
                () -> SpreadParams.exponential(3, 0, 0).withRefractoryHops(-1));
        assertTrue(e.getMessage().contains("0 or more"), e.getMessage());
        assertRefused("refractoryHops is " + Integer.MIN_VALUE,
                () -> SpreadParams.of(0, 1f).withRefractoryHops(Integer.MIN_VALUE));
    }

    @Test
    void refusesBadFactoryRates() {
        assertRefused("rate is -0.5", () -> SpreadParams.exponential(3, -0.5, 0));
        assertRefused("rate is NaN", () -> SpreadParams.exponential(3, Double.NaN, 0));
        assertRefused("rate is Infinity", () -> SpreadParams.exponential(3, Double.POSITIVE_INFINITY, 0));
        assertRefused("exponent is Infinity", () -> SpreadParams.power(3, Double.POSITIVE_INFINITY, 0));
        assertRefused("exponent is -1.0", () -> SpreadParams.power(3, -1, 0));
        assertRefused("slope is -0.1", () -> SpreadParams.linear(3, -0.1, 0));
        assertRefused("slope is NaN", () -> SpreadParams.linear(3, Double.NaN, 0));
    }

    @Test
    void hopFactorIsNumberedFromOne() {
        SpreadParams p = SpreadParams.of(0, 0.5f, 0.25f, 0.125f);
        assertEquals(0.5f, p.hopFactor(1));
        assertEquals(0.25f, p.hopFactor(2));
        assertEquals(0.125f, p.hopFactor(3));
        IllegalArgumentException zero = assertRefused("hop is 0", () -> p.hopFactor(0));
        assertTrue(zero.getMessage().contains("1..3"), zero.getMessage());
        assertRefused("hop is 4", () -> p.hopFactor(4));
        assertRefused("hop is -1", () -> p.hopFactor(-1));
    }

    @Test
    void hopFactorsIndexZeroIsHopOne() {
        SpreadParams p = SpreadParams.exponential(5, 0.5, 0);
        float[] table = p.hopFactors();
        assertEquals(5, table.length);
        for (int h = 1; h <= 5; h++) {
            assertEquals(p.hopFactor(h), table[h - 1], "hop " + h);
        }
        assertEquals((float) Math.exp(-0.5), table[0]);
    }

    @Test
    void hopFactorsIsACopyBothWays() {
        float[] given = {0.5f, 0.25f};
        SpreadParams p = SpreadParams.of(0, given);
        given[0] = 0.9f;
        assertEquals(0.5f, p.hopFactor(1));
        float[] read = p.hopFactors();
        assertNotSame(read, p.hopFactors());
        read[1] = 0.9f;
        assertEquals(0.25f, p.hopFactor(2));
        assertArrayEquals(new float[] {0.5f, 0.25f}, p.hopFactors());
    }

    @Test
    void ofTakesTheDepthFromTheTableAndFiresEachNodeOnce() {
        SpreadParams p = SpreadParams.of(0.125, 1f, 0.5f, 0.25f);
        assertEquals(3, p.maxDepth());
        assertEquals(0.125f, p.threshold());
        assertEquals(3, p.refractoryHops(), "each node fires at most once by default");
        assertArrayEquals(new float[] {1f, 0.5f, 0.25f}, p.hopFactors());
    }

    @Test
    void exponentialWithRateZeroIsAllOnes() {
        SpreadParams p = SpreadParams.exponential(7, 0, 0.1);
        assertArrayEquals(ones(7), p.hopFactors());
        assertEquals(7, p.maxDepth());
        assertEquals(0.1f, p.threshold());
        assertEquals(7, p.refractoryHops(), "each node fires at most once by default");
    }

    @Test
    void exponentialTable() {
        SpreadParams p = SpreadParams.exponential(4, 0.5, 0);
        for (int h = 1; h <= 4; h++) {
            assertEquals((float) Math.exp(-0.5 * h), p.hopFactor(h));
        }
    }

    @Test
    void powerTable() {
        SpreadParams p = SpreadParams.power(3, 1, 0);
        assertArrayEquals(new float[] {0.5f, 1f / 3, 0.25f}, p.hopFactors(), 1e-7f);
        for (int h = 1; h <= 3; h++) {
            assertEquals((float) Math.pow(h + 1, -1), p.hopFactor(h));
        }
        assertArrayEquals(ones(3), SpreadParams.power(3, 0, 0).hopFactors());
        assertEquals(3, p.refractoryHops());
    }

    @Test
    void linearTableClampsAtZero() {
        SpreadParams p = SpreadParams.linear(6, 0.3, 0);
        assertArrayEquals(new float[] {0.7f, 0.4f, 0.1f, 0f, 0f, 0f}, p.hopFactors(), 1e-7f);
        assertEquals(0f, p.hopFactor(4));
        assertEquals(0f, p.hopFactor(6));
        assertArrayEquals(ones(3), SpreadParams.linear(3, 0, 0).hopFactors());
        assertArrayEquals(new float[] {0f, 0f}, SpreadParams.linear(2, 5, 0).hopFactors());
        assertEquals(6, p.refractoryHops());
    }

    @Test
    void withRefractoryHopsKeepsTheRest() {
        SpreadParams p = SpreadParams.exponential(5, 0.25, 0.125);
        SpreadParams q = p.withRefractoryHops(0);
        assertEquals(0, q.refractoryHops());
        assertEquals(p.maxDepth(), q.maxDepth());
        assertEquals(p.threshold(), q.threshold());
        assertArrayEquals(p.hopFactors(), q.hopFactors());
        assertNotEquals(p, q);
        assertEquals(p, q.withRefractoryHops(5));
        assertEquals(5, p.refractoryHops(), "the original is unchanged");
    }

    @Test
    void withThresholdKeepsTheRest() {
        SpreadParams p = SpreadParams.power(4, 0.5, 0.125).withRefractoryHops(1);
        SpreadParams q = p.withThreshold(0.5);
        assertEquals(0.5f, q.threshold());
        assertEquals(p.maxDepth(), q.maxDepth());
        assertEquals(p.refractoryHops(), q.refractoryHops());
        assertArrayEquals(p.hopFactors(), q.hopFactors());
        assertNotEquals(p, q);
        assertEquals(p, q.withThreshold(0.125));
        assertEquals(0.125f, p.threshold(), "the original is unchanged");
    }

    @Test
    void equalityComparesTheTableByContent() {
        SpreadParams a = SpreadParams.of(0.5, 1f, 0.5f).withRefractoryHops(1);
        SpreadParams b = SpreadParams.of(0.5, 1f, 0.5f).withRefractoryHops(1);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, SpreadParams.of(0.5, 1f, 0.25f).withRefractoryHops(1));
        assertNotEquals(a, SpreadParams.of(0.25, 1f, 0.5f).withRefractoryHops(1));
        assertNotEquals(a, SpreadParams.of(0.5, 1f, 0.5f));
        assertNotEquals(a, SpreadParams.of(0.5, 1f, 0.5f, 0f).withRefractoryHops(1));
        assertNotEquals(a, "SpreadParams");
    }

    @Test
    void toStringShowsEveryParameter() {
        assertEquals("SpreadParams[maxDepth=2, threshold=0.25, hopFactors=[1.0, 0.5], refractoryHops=0]",
                SpreadParams.of(0.25, 1f, 0.5f).withRefractoryHops(0).toString());
    }
}
