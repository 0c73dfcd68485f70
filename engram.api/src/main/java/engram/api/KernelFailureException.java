package engram.api;

/** The kernel failed for a reason of its own (for example, it could not allocate scratch memory). */
public class KernelFailureException extends KernelException {
    private static final long serialVersionUID = 1L;

    public KernelFailureException(String message) {
        super(message);
    }

    public KernelFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
