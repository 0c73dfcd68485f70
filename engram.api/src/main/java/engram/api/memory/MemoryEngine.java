package engram.api.memory;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

import engram.api.DecayCurve;

/**
 * Remembers, links, recalls and forgets memories, in isolated memory spaces.
 *
 * <p>A memory space holds memories of one embedding dimension, fixed when it is made; a
 * recall sees only its own space. A memory is an embedding, a text, a strength in [0, 1], its
 * creation and last-access times, its access count and optional string metadata
 * ({@link Memory}); {@link #remember} returns its id, unique within the engine. Links are
 * directed and weighted in [0, 1]; linking twice updates the weight.
 *
 * <p>Every method is safe to call from many threads at once: recalls run in parallel with
 * each other and with writers. Bad input (a wrong dimension, a value that is not finite, a
 * strength or weight outside [0, 1], an unknown space or memory) is refused with an
 * {@link IllegalArgumentException}, {@link UnknownSpaceException} or
 * {@link UnknownMemoryException} whose message names the value and what is allowed, and
 * changes nothing.
 */
@ProviderType
public interface MemoryEngine {

    /** A new space of memories with {@code dimensions} values each, decaying on the default curve (two-component). */
    SpaceInfo createSpace(String name, int dimensions);

    /**
     * A new space whose memories decay on {@code curve}.
     *
     * @param name 1 to {@value SpaceInfo#MAX_NAME_LENGTH} characters of letters, digits, {@code .},
     *     {@code _} and {@code -}
     * @param dimensions 1 to {@value SpaceInfo#MAX_DIMENSIONS}
     * @throws IllegalArgumentException if the name is taken or malformed, or the dimension is out of range
     */
    SpaceInfo createSpace(String name, int dimensions, DecayCurve curve);

    /** Every space, by name. */
    List<SpaceInfo> spaces();

    /** Drops a space and every memory and link in it; false if there was none of that name. */
    boolean dropSpace(String name);

    /** Remembers one memory; returns its id. */
    long remember(String space, NewMemory memory);

    /**
     * Remembers many memories at once (one durable commit for all of them): all of them, or,
     * if one is refused, none. Returns their ids, in order.
     */
    long[] rememberAll(String space, List<NewMemory> memories);

    /**
     * Links {@code from} to {@code to} with {@code weight} in [0, 1]; linking again updates the
     * weight. Recalls see a new link within {@link #LINK_VISIBILITY_MILLIS} ms in a space whose
     * graph is quick to rebuild (later in a large one; see there), or at once after
     * {@link #flush}.
     *
     * @throws UnknownMemoryException if either memory is not in the space or was deleted
     */
    void link(String space, long from, long to, float weight);

    /**
     * Links many pairs at once (one durable commit for all): all of them, or, if one is
     * refused, none.
     */
    void linkAll(String space, List<Link> links);

    /**
     * How long a new link may stay invisible to recalls (unless {@link #flush} is called), in a
     * space whose graph rebuilds in a few milliseconds. A large space's rebuild takes longer
     * (hundreds of milliseconds at 16,000,000 links), and an engine may rebuild it less often,
     * so as not to keep a core busy: {@code engram.core}'s engine waits ten rebuild times
     * between them. Call {@link #flush} where a recall must see the links just made.
     */
    long LINK_VISIBILITY_MILLIS = 100;

    /**
     * The memories of {@code space} that {@code cue} recalls, best first ({@link Recalled}
     * gives each one's score and how it was found). A recall counts as an access of each
     * memory it returns: their last-access time becomes the recall's {@code now} and their
     * access count grows by one.
     */
    List<Recalled> recall(String space, Cue cue, RecallOptions options);

    /** Suppresses a memory (kept, never recalled) or deletes it, with its links. */
    void forget(String space, long id, ForgetMode mode);

    /** The memory {@code id} of the space, if there is one (suppressed memories too, deleted ones not). */
    Optional<Memory> get(String space, long id);

    /**
     * Hands every memory of the space (suppressed ones too, deleted ones not) to
     * {@code memories}, in id order, then every link to {@code links}: for export. Memories
     * remembered while it runs may or may not be handed over; writers are not held up.
     */
    void scan(String space, Consumer<Memory> memories, Consumer<Link> links);

    /** Counts, bytes and kernel calls of one space. */
    SpaceStats stats(String space);

    /** Makes every link given so far visible to the recalls that start after this returns. */
    void flush(String space);
}
