package engram.api.memory;

/** A call named a memory that is not in its space, or was deleted. */
public class UnknownMemoryException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnknownMemoryException(String space, long id, String what) {
        super("memory " + id + " " + what + " in space \"" + space + "\"");
    }
}
