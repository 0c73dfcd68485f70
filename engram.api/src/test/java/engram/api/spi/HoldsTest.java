package engram.api.spi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HoldsTest {
    @Test
    void closingWithoutHoldsFreesAtOnce() {
        Holds holds = new Holds();
        assertFalse(holds.isClosed());
        assertTrue(holds.close(), "no hold: the closer frees");
        assertTrue(holds.isClosed());
        assertFalse(holds.close(), "a second close frees nothing");
        assertFalse(holds.hold("x"), "closed: no new hold");
    }

    @Test
    void theLastReleaseAfterCloseFrees() {
        Holds holds = new Holds();
        assertTrue(holds.hold("x"));
        assertTrue(holds.hold("x"));
        assertFalse(holds.release(), "not closed: nothing to free");
        assertTrue(holds.hold("x"));
        assertFalse(holds.close(), "two holds: the closer does not free");
        assertFalse(holds.hold("x"), "closed: no new hold");
        assertFalse(holds.release(), "one hold left");
        assertTrue(holds.release(), "the last hold after the close frees");
        assertTrue(holds.isClosed());
    }
}
