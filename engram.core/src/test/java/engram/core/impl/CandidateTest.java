package engram.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import engram.api.KernelStatus;

/** A candidate's failure count and its log rate limit, on a clock the test passes in. */
class CandidateTest {
    private static final long INTERVAL = Candidate.LOG_INTERVAL_NANOS;

    private static Candidate candidate() {
        return new Candidate(new FakeKernel("zig", 2f), 100, 7);
    }

    @Test
    void theFirstFailureIsLoggedThoseWithinTheIntervalAreHeldBackAndTheNextLineCountsThem() {
        Candidate c = candidate();
        long t0 = 123_456_789L;

        assertEquals("overflow 1", c.failed("overflow 1", t0));
        assertNull(c.failed("overflow 2", t0 + 1));
        assertNull(c.failed("overflow 3", t0 + INTERVAL - 1));
        assertEquals("overflow 4 (and 2 more failures of this kernel since the last report)",
                c.failed("overflow 4", t0 + INTERVAL));
        assertNull(c.failed("overflow 5", t0 + INTERVAL + INTERVAL - 1), "the interval starts again at each line");
        assertEquals("overflow 6 (and 1 more failures of this kernel since the last report)",
                c.failed("overflow 6", t0 + 2 * INTERVAL));
        assertEquals("overflow 7", c.failed("overflow 7", t0 + 4 * INTERVAL), "nothing held back: no count");

        KernelStatus status = c.status(true);
        assertEquals(7, status.failures(), "every failure is counted, logged or not");
        assertEquals("overflow 7", status.lastFailure());
        assertEquals(0, status.callsServed());
    }

    @Test
    void theIntervalHoldsAcrossTheWrapOfTheNanosecondClock() {
        Candidate c = candidate();
        long nearWrap = Long.MAX_VALUE - 10;

        assertEquals("a", c.failed("a", nearWrap));
        assertNull(c.failed("b", nearWrap + 20), "20 ns later, past the wrap, is within the interval");
        assertEquals("c (and 1 more failures of this kernel since the last report)",
                c.failed("c", nearWrap + INTERVAL));
    }

    @Test
    void theFirstFailureIsLoggedWhateverTheClockReads() {
        assertEquals("x", candidate().failed("x", 0));
        assertEquals("y", candidate().failed("y", Long.MIN_VALUE));
    }

    @Test
    void theStatusCarriesTheKernelsIdentityAndTheRegistrationsRanking() {
        Candidate c = candidate();
        c.served();
        c.served();
        c.ranking(250);

        KernelStatus status = c.status(false);
        assertEquals(new KernelStatus("zig", "zig", "1.0.0", 250, "fake (zig)", 2, 0, "", false), status);
    }
}
