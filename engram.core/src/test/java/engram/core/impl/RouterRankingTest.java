package engram.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import engram.api.KernelStatus;

/**
 * Ranking: highest {@code service.ranking} first, ties to the lower {@code service.id};
 * computed when registrations change (bind, updated, unbind), and what the next call reads.
 */
class RouterRankingTest {
    private final RouterComponent router = new RouterComponent();
    private final Registrations registry = new Registrations(router);

    private List<String> ranked() {
        return router.kernels().stream().map(KernelStatus::id).toList();
    }

    @Test
    void theHighestRankingKernelServesAndATieGoesToTheLowerServiceIdWhateverTheBindOrder() {
        FakeKernel java = new FakeKernel("java", 1f);
        FakeKernel lateZig = new FakeKernel("late-zig", 3f);
        FakeKernel zig = new FakeKernel("zig", 2f);
        registry.register(java, 0, 1);
        // Bound before zig, but registered after it: the service id decides the tie.
        registry.register(lateZig, 100, 7);
        registry.register(zig, 100, 5);

        assertEquals(List.of("zig", "late-zig", "java"), ranked());
        assertEquals(2f, Calls.cosine(router));
        List<KernelStatus> kernels = router.kernels();
        assertEquals(List.of(true, false, false), kernels.stream().map(KernelStatus::active).toList());
        assertEquals(List.of(1L, 0L, 0L), kernels.stream().map(KernelStatus::callsServed).toList());
        assertEquals(1, zig.calls.sum());
        assertEquals(0, lateZig.calls.sum() + java.calls.sum());
    }

    @Test
    void theRankingIsTheRegistrationsPropertyNotTheKernelsOwnClaim() {
        FakeKernel kernel = new FakeKernel("claims-0", 1f);
        registry.register(kernel, 42);
        registry.register(new FakeKernel("other", 2f), 41);

        KernelStatus status = Calls.listed(router, "claims-0");
        assertEquals(42, status.ranking());
        assertEquals(0, kernel.info().ranking());
        assertEquals(1f, Calls.cosine(router));
    }

    @Test
    void anUpdatedRankingReordersTheKernelsForTheNextCallAndKeepsTheirCounts() {
        FakeKernel java = new FakeKernel("java", 1f);
        FakeKernel zig = new FakeKernel("zig", 2f);
        long javaId = registry.register(java, 0);
        long zigId = registry.register(zig, 100);
        assertEquals(2f, Calls.cosine(router));
        assertEquals(2f, Calls.cosine(router));

        registry.update(java, javaId, 200);
        assertEquals(List.of("java", "zig"), ranked());
        assertEquals(1f, Calls.cosine(router));
        assertEquals(200, Calls.listed(router, "java").ranking());
        assertEquals(2, Calls.listed(router, "zig").callsServed(), "zig's count survives the re-ranking");
        assertEquals(1, Calls.listed(router, "java").callsServed());

        registry.update(zig, zigId, 200);
        assertEquals(List.of("java", "zig"), ranked(), "an equal ranking: the lower service id (java) first");
        registry.update(zig, zigId, 201);
        assertEquals(List.of("zig", "java"), ranked());
        assertEquals(2f, Calls.cosine(router));
        assertEquals(3, Calls.listed(router, "zig").callsServed());
    }

    @Test
    void anUnboundKernelGetsNoMoreCallsAndTheNextOneServes() {
        FakeKernel java = new FakeKernel("java", 1f);
        FakeKernel zig = new FakeKernel("zig", 2f);
        registry.register(java, 0);
        long zigId = registry.register(zig, 100);
        assertEquals(2f, Calls.cosine(router));

        registry.unregister(zig, zigId, 100);
        assertEquals(List.of("java"), ranked());
        assertEquals(1f, Calls.cosine(router));
        assertEquals(1, zig.calls.sum(), "no call reached zig after it left");
        assertTrue(Calls.listed(router, "java").active());

        // It registers again (a restart): a new registration, with counts of its own.
        registry.register(zig, 100);
        assertEquals(0, Calls.listed(router, "zig").callsServed());
        assertEquals(2f, Calls.cosine(router));
        assertEquals(1, Calls.listed(router, "zig").callsServed());
    }

    @Test
    void theRankedArrayIsMadeOnlyWhenRegistrationsChangeAndKeepsEachRegistrationsCandidate() {
        Routing routing = new Routing();
        Candidate java = new Candidate(new FakeKernel("java", 1f), 0, 1);
        Candidate zig = new Candidate(new FakeKernel("zig", 2f), 100, 2);
        routing.add(java);
        Candidate[] one = routing.ranked();
        assertSame(one, routing.ranked(), "reading the ranking makes no new array");

        routing.add(zig);
        Candidate[] two = routing.ranked();
        assertNotSame(one, two);
        assertEquals(1, one.length, "a published array never changes");
        assertSame(zig, two[0]);
        assertSame(java, two[1]);

        routing.reRank(1, 500);
        Candidate[] reRanked = routing.ranked();
        assertSame(java, reRanked[0], "re-ranking keeps the registration's candidate, and so its counters");
        assertSame(zig, reRanked[1]);

        Candidate replaced = new Candidate(new FakeKernel("java", 1f), 0, 1);
        routing.add(replaced);
        assertEquals(List.of(zig, replaced), List.of(routing.ranked()), "a second bind of one service id replaces it");

        routing.remove(2);
        routing.remove(99);
        assertEquals(List.of(replaced), List.of(routing.ranked()));
        assertFalse(List.of(routing.ranked()).contains(zig));
    }
}
