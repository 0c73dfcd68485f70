package engram.api;

import static engram.api.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link WorkspaceOptions} and {@link OverflowStrategy}: the bounds of the contract and the configuration names. */
class WorkspaceOptionsTest {
    private static final long MIB = 1L << 20;

    @Test
    void theBoundsAreOneAndOneHundredMebibytes() {
        assertEquals(MIB, WorkspaceOptions.MIN_CAPACITY_BYTES);
        assertEquals(100 * MIB, WorkspaceOptions.MAX_CAPACITY_BYTES);
        assertEquals(MIB, new WorkspaceOptions(MIB, OverflowStrategy.ERROR).capacityBytes());
        assertEquals(100 * MIB, new WorkspaceOptions(100 * MIB, OverflowStrategy.PANIC).capacityBytes());
    }

    @ParameterizedTest
    @ValueSource(longs = {MIB - 1, 100 * MIB + 1, 0, -1, Long.MIN_VALUE, Long.MAX_VALUE})
    void refusesCapacitiesOutsideTheBoundsNamingTheValue(long capacityBytes) {
        IllegalArgumentException e = assertRefused("capacityBytes is " + capacityBytes + ";",
                () -> new WorkspaceOptions(capacityBytes, OverflowStrategy.FALLBACK));
        assertTrue(e.getMessage().contains(MIB + ".." + 100 * MIB), e.getMessage());
    }

    @Test
    void refusesAMissingStrategy() {
        assertRefused("overflow is null", () -> new WorkspaceOptions(MIB, null));
        assertRefused("overflow is null", () -> WorkspaceOptions.DEFAULT.withOverflow(null));
    }

    @Test
    void theDefaultIsOneMebibyteWithFallback() {
        assertEquals(MIB, WorkspaceOptions.DEFAULT.capacityBytes());
        assertSame(OverflowStrategy.FALLBACK, WorkspaceOptions.DEFAULT.overflow());
        assertSame(OverflowStrategy.FALLBACK, WorkspaceOptions.DEFAULT_OVERFLOW);
        assertEquals(WorkspaceOptions.MIN_CAPACITY_BYTES, WorkspaceOptions.DEFAULT_CAPACITY_BYTES);
    }

    @Test
    void ofMebibytesCoversOneToOneHundred() {
        assertEquals(new WorkspaceOptions(MIB, OverflowStrategy.ERROR), WorkspaceOptions.ofMebibytes(1, OverflowStrategy.ERROR));
        assertEquals(30 * MIB, WorkspaceOptions.ofMebibytes(30, OverflowStrategy.FALLBACK).capacityBytes());
        assertEquals(100 * MIB, WorkspaceOptions.ofMebibytes(100, OverflowStrategy.PANIC).capacityBytes());
        assertSame(OverflowStrategy.PANIC, WorkspaceOptions.ofMebibytes(100, OverflowStrategy.PANIC).overflow());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 101, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void ofMebibytesRefusesOtherSizesNamingTheValue(int mebibytes) {
        assertRefused("capacity is " + mebibytes + " MiB", () -> WorkspaceOptions.ofMebibytes(mebibytes,
                OverflowStrategy.FALLBACK));
    }

    @Test
    void withOverflowKeepsTheCapacity() {
        WorkspaceOptions options = WorkspaceOptions.ofMebibytes(7, OverflowStrategy.FALLBACK).withOverflow(
                OverflowStrategy.ERROR);
        assertEquals(7 * MIB, options.capacityBytes());
        assertSame(OverflowStrategy.ERROR, options.overflow());
    }

    @Test
    void toStringSaysMebibytesWhenWhole() {
        assertEquals("1 MiB, fallback", WorkspaceOptions.DEFAULT.toString());
        assertEquals("100 MiB, panic", WorkspaceOptions.ofMebibytes(100, OverflowStrategy.PANIC).toString());
        assertEquals((MIB + 1) + " bytes, error", new WorkspaceOptions(MIB + 1, OverflowStrategy.ERROR).toString());
    }

    @Test
    void strategiesHaveLowerCaseConfigurationNames() {
        assertEquals("error", OverflowStrategy.ERROR.configName());
        assertEquals("fallback", OverflowStrategy.FALLBACK.configName());
        assertEquals("panic", OverflowStrategy.PANIC.configName());
    }

    @Test
    void namedTakesAnyCaseAndSurroundingBlanks() {
        for (OverflowStrategy strategy : OverflowStrategy.values()) {
            assertSame(strategy, OverflowStrategy.named(strategy.configName()));
            assertSame(strategy, OverflowStrategy.named(strategy.name()));
        }
        assertSame(OverflowStrategy.FALLBACK, OverflowStrategy.named("FallBack"));
        assertSame(OverflowStrategy.PANIC, OverflowStrategy.named(" panic\t"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abort", "errors", "fall back", "0"})
    void namedRefusesOtherNamesListingTheKnownOnes(String name) {
        IllegalArgumentException e = assertRefused("'" + name + "'", () -> OverflowStrategy.named(name));
        assertTrue(e.getMessage().contains("error, fallback, panic"), e.getMessage());
    }

    @Test
    void namedRefusesNull() {
        IllegalArgumentException e = assertRefused("'null'", () -> OverflowStrategy.named(null));
        assertTrue(e.getMessage().contains("error, fallback, panic"), e.getMessage());
    }

    @Test
    void anOverflowNamesTheCapacityTheRequestAndTheStrategy() {
        ArenaOverflowException e = new ArenaOverflowException("zig", "workspace-2", MIB, 4096, OverflowStrategy.ERROR);
        assertEquals(MIB, e.capacityBytes());
        assertEquals(4096, e.requestedBytes());
        assertTrue(e.getMessage().contains("workspace-2"), e.getMessage());
        assertTrue(e.getMessage().contains(MIB + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("asked it for 4096 bytes at once"), e.getMessage());
        ArenaOverflowException huge = new ArenaOverflowException("zig", "w", MIB, 200 * MIB, OverflowStrategy.ERROR);
        assertTrue(huge.getMessage().contains("no arena holds that much"), huge.getMessage());
        assertTrue(e.getMessage().contains("strategy error"), e.getMessage());
    }
}
