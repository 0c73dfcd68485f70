package engram.core.impl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The registered kernels, best first: highest ranking, then the earliest registered (lowest
 * service id). Changed only by registration events, each under one lock, which re-rank and
 * publish a new immutable array; calls only read the array, so a routed call sorts nothing
 * and allocates nothing. A registration keeps its {@link Candidate} across re-rankings, so no
 * event can lose another kernel's counters.
 */
final class Routing {
    private static final Comparator<Candidate> BEST_FIRST = Comparator.comparingInt((Candidate c) -> c.ranking()).reversed()
            .thenComparingLong(c -> c.serviceId);

    private final Object lock = new Object();
    private volatile Candidate[] ranked = new Candidate[0];

    /** The kernels now, best first; never changed once returned. */
    Candidate[] ranked() {
        return ranked;
    }

    void add(Candidate candidate) {
        synchronized (lock) {
            List<Candidate> next = new ArrayList<>(List.of(ranked));
            next.removeIf(c -> c.serviceId == candidate.serviceId);
            next.add(candidate);
            publish(next);
        }
    }

    /** Re-ranks the registration {@code serviceId}, whose ranking property changed. */
    void reRank(long serviceId, int ranking) {
        synchronized (lock) {
            List<Candidate> next = new ArrayList<>(List.of(ranked));
            for (Candidate c : next) {
                if (c.serviceId == serviceId) {
                    c.ranking(ranking);
                }
            }
            publish(next);
        }
    }

    void remove(long serviceId) {
        synchronized (lock) {
            List<Candidate> next = new ArrayList<>(List.of(ranked));
            next.removeIf(c -> c.serviceId == serviceId);
            publish(next);
        }
    }

    private void publish(List<Candidate> next) {
        next.sort(BEST_FIRST);
        ranked = next.toArray(new Candidate[0]);
    }
}
