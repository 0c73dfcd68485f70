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
                return routing.run(candidates(snapshot), call);
            } catch (KernelUnavailableException e) {
                if (kernels == snapshot || attempt == MAX_ROUTING_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    @Override
    public List<KernelStatus> kernels() {
        return routing.status(candidates());
    }

    @Override
    public List<SelfTestResult> selfTest() {
        List<SelfTestResult> results = new ArrayList<>();
        for (Routing.Candidate candidate : Routing.byRank(candidates())) {
            results.addAll(KnownAnswers.run(candidate.kernel()));
        }
        return results;
    }

    private List<Routing.Candidate> candidates() {
        return candidates(kernels);
    }

    private static List<Routing.Candidate> candidates(List<Map.Entry<Map<String, Object>, KernelService>> snapshot) {
        List<Routing.Candidate> candidates = new ArrayList<>(snapshot.size());
        for (Map.Entry<Map<String, Object>, KernelService> entry : snapshot) {
            Map<String, Object> properties = entry.getKey();
            candidates.add(new Routing.Candidate(entry.getValue(), ranking(properties),
                    ((Number) properties.get(Constants.SERVICE_ID)).longValue()));
        }
        return candidates;
    }

    private static int ranking(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_RANKING) instanceof Integer ranking ? ranking : 0;
    }

    /** The routing rules, free of OSGi so that plain Java programs and tests can use them. */
    static final class Routing {
        private static final Comparator<Candidate> RANK_ORDER = Comparator
                .comparingInt(Candidate::ranking).reversed().thenComparingLong(Candidate::serviceId);

        private final Map<Long, LongAdder> callsServed = new ConcurrentHashMap<>();

        /** A kernel the router may call: the service, its ranking, and its service id. */
        record Candidate(KernelService kernel, int ranking, long serviceId) {
        }

        interface Call<T> {
            T on(KernelService kernel);
        }

        static List<Candidate> byRank(List<Candidate> candidates) {
            List<Candidate> sorted = new ArrayList<>(candidates);
            sorted.sort(RANK_ORDER);
            return sorted;
        }

        /** Runs {@code call} on the best kernel that takes it, in rank order. */
        <T> T run(List<Candidate> candidates, Call<T> call) {
            List<String> refused = null;
            for (Candidate candidate : byRank(candidates)) {
                try {
                    T result = call.on(candidate.kernel());
                    callsServed.computeIfAbsent(candidate.serviceId(), id -> new LongAdder()).increment();
                    return result;
                } catch (KernelException e) {
                    // Stopping (unavailable) or failing for a reason of its own: the next kernel serves.
                    if (refused == null) {
                        refused = new ArrayList<>();
                    }
                    refused.add(candidate.kernel().info().name() + ": " + e.getMessage());
                }
            }
            throw new KernelUnavailableException(candidates.isEmpty()
                    ? "no KernelService is registered; start the bundle engram.kernels.java"
                    : "every kernel refused the call: " + refused);
        }

        List<KernelStatus> status(List<Candidate> candidates) {
            List<KernelStatus> status = new ArrayList<>();
            boolean first = true;
            for (Candidate candidate : byRank(candidates)) {
                KernelInfo info = candidate.kernel().info();
                LongAdder served = callsServed.get(candidate.serviceId());
                status.add(new KernelStatus(info.name(), info.version(), candidate.ranking(), info.instructionSet(),
                        served == null ? 0 : served.sum(), first));
                first = false;
            }
            return status;
        }
    }
}
