package engram.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import engram.api.KernelLookup;
import engram.api.KernelService;
import engram.api.SpreadParams;

/** A recall's snapshot stays open for its kernel calls while a writer replaces it. */
class LinksTest {
    private final KernelService kernels = KernelLookup.find().named("reference").orElseThrow();

    @Test
    void aHeldSnapshotKeepsItsGraphOpenWhenReplacedAndClosesItAtTheLastRelease() {
        Links links = new Links();
        links.put(0, 1, 0.5f);
        links.merge(2);
        Links.Snapshot held = links.snapshot();
        assertTrue(held.hold());
        assertTrue(held.hold(), "two recalls hold one snapshot");

        links.put(1, 2, 0.5f);
        links.merge(3);
        assertNotSame(held, links.snapshot(), "the writer replaced the snapshot");
        assertFalse(held.hold(), "a replaced snapshot takes no new recall");
        assertTrue(held.graph().isOpen(), "the recalls holding the replaced snapshot still call kernels on it");
        assertEquals(2, spread(held), "seed 0 and its one link");

        held.release();
        assertTrue(held.graph().isOpen(), "one recall still holds it");
        held.release();
        assertFalse(held.graph().isOpen(), "the last release closes the replaced graph");

        Links.Snapshot current = links.snapshot();
        assertTrue(current.hold());
        assertEquals(3, spread(current));
        current.release();
        assertTrue(current.graph().isOpen(), "the current snapshot is not retired");
        links.close();
        assertFalse(current.graph().isOpen(), "closing the links closes an unheld snapshot at once");
    }

    private int spread(Links.Snapshot snapshot) {
        int capacity = 4;
        return kernels.spreadSparse(null, snapshot.graph(), MemorySegment.ofArray(new int[] {0}),
                MemorySegment.ofArray(new float[] {1f}), 1, SpreadParams.exponential(3, 0.9f, 0.01f),
                MemorySegment.ofArray(new int[capacity]), MemorySegment.ofArray(new float[capacity]),
                MemorySegment.ofArray(new int[capacity]), capacity);
    }
}
