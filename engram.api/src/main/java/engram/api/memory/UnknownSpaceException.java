package engram.api.memory;

/** A call named a memory space that does not exist. */
public class UnknownSpaceException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnknownSpaceException(String space) {
        super("there is no memory space \"" + space + "\"; make it first (createSpace, or engram:space create)");
    }
}
