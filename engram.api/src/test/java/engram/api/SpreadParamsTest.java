package engram.api;

import static engram.api.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpreadParamsTest {

    private static float[] ones(int n) {
        float[] f = new float[n];
        java.util.Arrays.fill(f, 1f);
        return f;
    }

    @Test
    void acceptsTheWholeRange() {
        assertDoesNotThrow(() -> new SpreadParams(1, 0f, new float[] {0f}, 0));
        assertDoesNotThrow(() -> new SpreadParams(32, 1e9f, ones(32), Integer.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 33, Integer.MIN_VALUE})
    void refusesMaxDepthOutOfRange(int maxDepth) {
        IllegalArgumentException e = assertRefused("maxDepth is " + maxDepth,
                () -> new SpreadParams(maxDepth, 0f, ones(Math.max(0, Math.min(maxDepth, 40))), 0));
        assertEquals(true, e.getMessage().contains("1..32"), e.getMessage());
        assertRefused("maxDepth is " + maxDepth, () -> SpreadParams.exponential(maxDepth, 1, 0f));
        assertRefused("maxDepth is " + maxDepth, () -> SpreadParams.power(maxDepth, 1, 0f));
        assertRefused("maxDepth is " + maxDepth, () -> SpreadParams.linear(maxDepth, 0.1, 0f));
    }

    @ParameterizedTest
    @ValueSource(floats = {-0.001f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void refusesBadThresholds(float threshold) {
        assertRefused("threshold is " + threshold, () -> new SpreadParams(2, threshold, ones(2), 0));
        assertRefused("threshold is " + threshold, () -> SpreadParams.exponential(2, 1, threshold));
    }

    @Test
    void refusesHopFactorsOfTheWrongLength() {
        assertRefused("hopFactors has 2 entries", () -> new SpreadParams(3, 0f, ones(2), 0));
        assertRefused("hopFactors has 4 entries", () -> new SpreadParams(3, 0f, ones(4), 0));
        assertRefused("hopFactors has no entries", () -> new SpreadParams(3, 0f, null, 0));
    }

    @ParameterizedTest
    @ValueSource(floats = {-0.001f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void refusesBadHopFactors(float factor) {
        assertRefused("hopFactors[1] is " + factor, () -> new SpreadParams(3, 0f, new float[] {1f, factor, 1f}, 0));
    }

    @Test
    void refusesNegativeRefractoryPeriods() {
        assertRefused("refractoryHops is -1", () -> new SpreadParams(3, 0f, ones(3), -1));
        assertRefused("refractoryHops is -1", () -> SpreadParams.exponential(3, 0, 0f).withRefractoryHops(-1));
    }

    @Test
    void refusesBadFactoryRates() {
        assertRefused("rate is -0.5", () -> SpreadParams.exponential(3, -0.5, 0f));
        assertRefused("rate is NaN", () -> SpreadParams.exponential(3, Double.NaN, 0f));
        assertRefused("exponent is Infinity", () -> SpreadParams.power(3, Double.POSITIVE_INFINITY, 0f));
        assertRefused("exponent is -1.0", () -> SpreadParams.power(3, -1, 0f));
        assertRefused("slope is -0.1", () -> SpreadParams.linear(3, -0.1, 0f));
        assertRefused("slope is NaN", () -> SpreadParams.linear(3, Double.NaN, 0f));
    }

    @Test
    void hopFactorsIsACopyBothWays() {
        float[] given = {0.5f, 0.25f};
        SpreadParams p = new SpreadParams(2, 0f, given, 2);
        given[0] = 0.9f;
        assertEquals(0.5f, p.hopFactor(1));
        float[] read = p.hopFactors();
        assertNotSame(read, p.hopFactors());
        read[1] = 0.9f;
        assertEquals(0.25f, p.hopFactor(2));
        assertArrayEquals(new float[] {0.5f, 0.25f}, p.hopFactors());
    }

    @Test
    void exponentialWithRateZeroIsAllOnes() {
        SpreadParams p = SpreadParams.exponential(7, 0, 0.1f);
        assertArrayEquals(ones(7), p.hopFactors());
        assertEquals(7, p.maxDepth());
        assertEquals(0.1f, p.threshold());
        assertEquals(7, p.refractoryHops(), "each node fires at most once by default");
    }

    @Test
    void exponentialTable() {
        SpreadParams p = SpreadParams.exponential(4, 0.5, 0f);
        for (int h = 1; h <= 4; h++) {
            assertEquals((float) Math.exp(-0.5 * h), p.hopFactor(h));
        }
    }

    @Test
    void powerTable() {
        SpreadParams p = SpreadParams.power(3, 1, 0f);
        assertArrayEquals(new float[] {0.5f, 1f / 3, 0.25f}, p.hopFactors(), 1e-7f);
        assertArrayEquals(ones(3), SpreadParams.power(3, 0, 0f).hopFactors());
        assertEquals(3, p.refractoryHops());
    }

    @Test
    void linearTableClampsAtZero() {
        SpreadParams p = SpreadParams.linear(6, 0.3, 0f);
        assertArrayEquals(new float[] {0.7f, 0.4f, 0.1f, 0f, 0f, 0f}, p.hopFactors(), 1e-7f);
        assertEquals(0f, p.hopFactor(4));
        assertEquals(0f, p.hopFactor(6));
        assertArrayEquals(ones(3), SpreadParams.linear(3, 0, 0f).hopFactors());
        assertArrayEquals(new float[] {0f, 0f}, SpreadParams.linear(2, 5, 0f).hopFactors());
    }

    @Test
    void withRefractoryHopsKeepsTheRest() {
        SpreadParams p = SpreadParams.exponential(5, 0.25, 0.125f);
        SpreadParams q = p.withRefractoryHops(0);
        assertEquals(0, q.refractoryHops());
        assertEquals(p.maxDepth(), q.maxDepth());
        assertEquals(p.threshold(), q.threshold());
        assertArrayEquals(p.hopFactors(), q.hopFactors());
        assertNotEquals(p, q);
        assertEquals(p, q.withRefractoryHops(5));
    }

    @Test
    void equalityComparesTheTableByContent() {
        SpreadParams a = new SpreadParams(2, 0.5f, new float[] {1f, 0.5f}, 1);
        SpreadParams b = new SpreadParams(2, 0.5f, new float[] {1f, 0.5f}, 1);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new SpreadParams(2, 0.5f, new float[] {1f, 0.25f}, 1));
        assertNotEquals(a, new SpreadParams(2, 0.25f, new float[] {1f, 0.5f}, 1));
    }
}
