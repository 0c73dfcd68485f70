package engram.api.memory.store;

/** The store could not do what it was asked; the message says why and what to do. Nothing was changed. */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
