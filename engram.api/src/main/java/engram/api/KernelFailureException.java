package engram.api;

/**
 * The kernel failed for a reason of its own (its arena overflowed, it could not allocate
 * scratch memory); not because of a bad argument. It has written nothing that a retry would
 * read. A router retries the call on the next kernel and counts the failure.
 */
public class KernelFailureException extends KernelException {
    private static final long serialVersionUID = 1L;

    public KernelFailureException(String message) {
        super(message);
    }

    public KernelFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
