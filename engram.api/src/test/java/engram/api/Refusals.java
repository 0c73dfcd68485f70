package engram.api;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Asserts that a call is refused with an {@link IllegalArgumentException} naming what was wrong. */
final class Refusals {
    private Refusals() {
    }

    static IllegalArgumentException assertRefused(String expectedInMessage, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage() != null && e.getMessage().contains(expectedInMessage),
                () -> "message should contain '" + expectedInMessage + "' but was: " + e.getMessage());
        return e;
    }
}
