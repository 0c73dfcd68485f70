package engram.core.impl;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.FieldOption;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import engram.api.CsrGraph;
import engram.api.DecayParams;
import engram.api.KernelException;
import engram.api.KernelInfo;
import engram.api.KernelRouter;
import engram.api.KernelService;
import engram.api.KernelStatus;
import engram.api.KernelUnavailableException;
import engram.api.KnownAnswers;
import engram.api.SelfTestResult;
import engram.api.SpreadParams;

/**
 * Routes every kernel call to the highest ranking {@link KernelService} registered, and
 * never fails a call because a kernel goes away: a kernel that is stopping refuses new
 * calls with {@link KernelUnavailableException}, and the call runs on the next
 * kernel instead. Ties in ranking go to the kernel registered first.
 */
// Immediate: a delayed component would be deactivated whenever no one holds its service,
// and lose the call counts it keeps.
@Component(service = KernelRouter.class, immediate = true)
public final class RouterComponent implements KernelRouter {
    private static final KernelInfo INFO = new KernelInfo("router", "0.1.0", "routes to the active kernel");
    /** How often a call follows the registered kernels as they change before it gives up. */
    private static final int MAX_ROUTING_ATTEMPTS = 8;

    @Reference(service = KernelService.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            fieldOption = FieldOption.REPLACE)
    private volatile List<Map.Entry<Map<String, Object>, KernelService>> kernels = List.of();

    private final Routing routing = new Routing();

    /** The kernels of one registration list, ranked; rebuilt only when the list changes. */
    private record Ranked(List<Map.Entry<Map<String, Object>, KernelService>> source,
            List<Routing.Candidate> candidates) {
    }

    private volatile Ranked ranked = new Ranked(List.of(), List.of());

    @Override
    public KernelInfo info() {
        return INFO;
    }

    @Override
    public void cosine(MemorySegment query, int dimensions, MemorySegment matrix, int rows, MemorySegment norms,
            MemorySegment out) {
        route(k -> {
            k.cosine(query, dimensions, matrix, rows, norms, out);
            return null;
        });
    }

    @Override
    public void cosineTopK(MemorySegment query, int dimensions, MemorySegment matrix, int rows, MemorySegment norms,
            int k, MemorySegment outIndex, MemorySegment outScore) {
        route(kernel -> {
            kernel.cosineTopK(query, dimensions, matrix, rows, norms, k, outIndex, outScore);
            return null;
        });
    }

    @Override
    public int spread(CsrGraph graph, MemorySegment seedNodes, MemorySegment seedActivations, int seedCount,
            SpreadParams params, MemorySegment outActivation, MemorySegment outFirstHop) {
        return route(k -> k.spread(graph, seedNodes, seedActivations, seedCount, params,
                outActivation, outFirstHop));
    }

    @Override
    public void decay(MemorySegment strength, MemorySegment ageSeconds, MemorySegment accessCount, int count,
            DecayParams params, MemorySegment out) {
        route(k -> {
            k.decay(strength, ageSeconds, accessCount, count, params, out);
            return null;
        });
    }

    /**
     * Runs {@code call} on the best kernel that takes it. If every kernel of the snapshot
     * refused (they were stopping) while the registered kernels changed, it tries again on
     * the new ones, so a kernel that registered meanwhile serves the call.
     */
    private <T> T route(Routing.Call<T> call) {
        for (int attempt = 1;; attempt++) {
            List<Map.Entry<Map<String, Object>, KernelService>> snapshot = kernels;
            try {
                return routing.run(ranked(snapshot), call);
            } catch (KernelUnavailableException e) {
                if (kernels == snapshot || attempt == MAX_ROUTING_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    @Override
    public List<KernelStatus> kernels() {
        return Routing.status(ranked(kernels));
    }

    @Override
    public List<SelfTestResult> selfTest() {
        List<SelfTestResult> results = new ArrayList<>();
        for (Routing.Candidate candidate : ranked(kernels)) {
            results.addAll(KnownAnswers.run(candidate.kernel()));
        }
        return results;
    }

    /**
     * The kernels of {@code snapshot}, best first. Ranking happens once per registration
     * change, not per call, so a routed call allocates no list and sorts nothing.
     */
    private List<Routing.Candidate> ranked(List<Map.Entry<Map<String, Object>, KernelService>> snapshot) {
        Ranked current = ranked;
        if (current.source() != snapshot) {
            List<Routing.Registration> registrations = new ArrayList<>(snapshot.size());
            for (Map.Entry<Map<String, Object>, KernelService> entry : snapshot) {
                Map<String, Object> properties = entry.getKey();
                registrations.add(new Routing.Registration(entry.getValue(), ranking(properties),
                        ((Number) properties.get(Constants.SERVICE_ID)).longValue()));
            }
            current = new Ranked(snapshot, routing.rank(registrations));
            ranked = current;
        }
        return current.candidates();
    }

    private static int ranking(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_RANKING) instanceof Integer ranking ? ranking : 0;
    }

    /** The routing rules, free of OSGi so that plain Java programs and tests can use them. */
    static final class Routing {
        private static final Comparator<Registration> RANK_ORDER = Comparator
                .comparingInt(Registration::ranking).reversed().thenComparingLong(Registration::serviceId);

        /** Calls served per service id, kept while that registration lasts. */
        private final Map<Long, LongAdder> callsServed = new ConcurrentHashMap<>();

        /** A registered kernel: the service, its ranking, and its service id. */
        record Registration(KernelService kernel, int ranking, long serviceId) {
        }

        /** A registered kernel as the router calls it, with the count of the calls it served. */
        record Candidate(KernelService kernel, int ranking, LongAdder served) {
        }

        interface Call<T> {
            T on(KernelService kernel);
        }

        /** {@code registrations} best first, each with its call counter; forgets the counters of the gone. */
        List<Candidate> rank(List<Registration> registrations) {
            List<Registration> sorted = new ArrayList<>(registrations);
            sorted.sort(RANK_ORDER);
            List<Candidate> candidates = new ArrayList<>(sorted.size());
            for (Registration registration : sorted) {
                candidates.add(new Candidate(registration.kernel(), registration.ranking(),
                        callsServed.computeIfAbsent(registration.serviceId(), id -> new LongAdder())));
            }
            callsServed.keySet().retainAll(sorted.stream().map(Registration::serviceId).toList());
            return List.copyOf(candidates);
        }

        /** Runs {@code call} on the best kernel that takes it, in rank order. */
        <T> T run(List<Candidate> ranked, Call<T> call) {
            List<String> refused = null;
            for (Candidate candidate : ranked) {
                try {
                    T result = call.on(candidate.kernel());
                    candidate.served().increment();
                    return result;
                } catch (KernelException e) {
                    // Stopping (unavailable) or failing for a reason of its own: the next kernel serves.
                    if (refused == null) {
                        refused = new ArrayList<>();
                    }
                    refused.add(candidate.kernel().info().name() + ": " + e.getMessage());
                }
            }
            throw new KernelUnavailableException(ranked.isEmpty()
                    ? "no KernelService is registered; start the bundle engram.kernels.java"
                    : "every kernel refused the call: " + refused);
        }

        static List<KernelStatus> status(List<Candidate> ranked) {
            List<KernelStatus> status = new ArrayList<>();
            boolean first = true;
            for (Candidate candidate : ranked) {
                KernelInfo info = candidate.kernel().info();
                status.add(new KernelStatus(info.name(), info.version(), candidate.ranking(), info.instructionSet(),
                        candidate.served().sum(), first));
                first = false;
            }
            return status;
        }
    }
}
