package engram.api.memory;

/** What {@link MemoryEngine#forget} does to a memory. */
public enum ForgetMode {
    /** Keep it (and its links), but never recall it again; {@code get} still reads it. */
    SUPPRESS,
    /** Delete it and every link from or to it. */
    DELETE
}
