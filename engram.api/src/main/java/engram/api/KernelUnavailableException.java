package engram.api;

/**
 * The kernel is stopping, stopped, or cannot run here (its native library is missing), and
 * takes no new call. It has written nothing. A router retries such a call on the next
 * kernel; a caller holding the kernel directly should do the same.
 */
public class KernelUnavailableException extends KernelException {
    private static final long serialVersionUID = 1L;

    public KernelUnavailableException(String message) {
        super(message);
    }
}
