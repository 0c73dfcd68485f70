package engram.api.spi;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The holds on something that calls use and an owner closes: closing refuses new holds at
 * once, and whoever ends the last hold after the close learns that the thing is now free to
 * be freed, so it is never freed under a call. {@link engram.api.CsrGraph} keeps its memory
 * this way; an engine can keep a snapshot it replaces the same way. One atomic int: bit 30
 * closed, bits 0..29 the holds.
 */
public final class Holds {
    private static final int CLOSED = 1 << 30;
    private static final int MOST = CLOSED - 1;

    private final AtomicInteger state = new AtomicInteger();

    /**
     * Takes a hold unless closed; pair a {@code true} result with {@link #release()}.
     *
     * @param what what is held, named in the exception
     * @throws IllegalStateException if {@value #MOST} holds are taken already
     */
    public boolean hold(Object what) {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if ((s & MOST) == MOST) {
                throw new IllegalStateException(what + " is held by " + MOST + " calls at once");
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /**
     * Ends a hold taken by {@link #hold}; call it exactly once per {@code true} result.
     *
     * @return true if this was the last hold and the holds are closed: free the thing now
     */
    public boolean release() {
        return state.decrementAndGet() == CLOSED;
    }

    /**
     * Closes: no new hold from now on. Closing twice does nothing the second time.
     *
     * @return true if this call closed and no hold was taken: free the thing now (otherwise
     *     the last {@link #release()} says so)
     */
    public boolean close() {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                return s == 0;
            }
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }
}
