package engram.core.impl;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import engram.api.ArenaMetrics;
import engram.api.CsrGraph;
import engram.api.DecayParams;
import engram.api.KernelException;
import engram.api.KernelFailureException;
import engram.api.KernelInfo;
import engram.api.KernelRouter;
import engram.api.KernelService;
import engram.api.KernelStatus;
import engram.api.KernelUnavailableException;
import engram.api.KernelWorkspace;
import engram.api.KnownAnswers;
import engram.api.SelfTestResult;
import engram.api.SpreadParams;
import engram.api.WorkspaceOptions;

/**
 * Routes every kernel call to the highest ranking {@link KernelService} registered, and never
 * fails a call because a kernel goes away or fails: a kernel that is stopping refuses new calls
 * with {@link KernelUnavailableException}, one that fails throws {@link KernelFailureException}
 * having written nothing a retry reads, and the call runs on the next kernel. Failures are
 * counted per kernel ({@link #kernels()}) and logged, at most one line per kernel a minute. A
 * bad argument ({@link IllegalArgumentException}) is the same on every kernel and is not
 * handed on. Ties in ranking go to the kernel registered first.
 *
 * <p>The kernels are ranked when their registrations change (the bind, updated and unbind
 * methods), not on the call path: a routed call reads one array and allocates nothing. Each
 * kernel method is written out rather than passed as a lambda to one routing loop, because a
 * capturing lambda per call would allocate.
 */
// Immediate: a delayed component would be deactivated whenever no one holds its service, and
// lose the counts it keeps. Method injection (not a volatile field) so that ranking happens
// once per registration change.
@Component(service = KernelRouter.class, immediate = true)
public final class RouterComponent implements KernelRouter {
    static final KernelInfo INFO = new KernelInfo("engram.core/router", "router", "0.2.0",
            "routes to the active kernel", Integer.MIN_VALUE);
    /** How often a call follows the registered kernels as they change before it gives up. */
    private static final int MAX_ROUTING_ATTEMPTS = 8;
    private static final System.Logger LOG = System.getLogger("engram.core.router");

    private final Routing routing = new Routing();
    private final AtomicLong workspaceNumbers = new AtomicLong();

    @Reference(name = "kernels", service = KernelService.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindKernel(KernelService kernel, Map<String, Object> properties) {
        routing.add(new Candidate(kernel, ranking(properties), serviceId(properties)));
    }

    void updatedKernel(KernelService kernel, Map<String, Object> properties) {
        routing.reRank(serviceId(properties), ranking(properties));
    }

    void unbindKernel(KernelService kernel, Map<String, Object> properties) {
        routing.remove(serviceId(properties));
    }

    private static int ranking(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_RANKING) instanceof Integer ranking ? ranking : 0;
    }

    private static long serviceId(Map<String, Object> properties) {
        return ((Number) properties.get(Constants.SERVICE_ID)).longValue();
    }

    @Override
    public KernelInfo info() {
        return INFO;
    }

    @Override
    public KernelWorkspace newWorkspace() {
        return new RouterWorkspace(this, "workspace-" + workspaceNumbers.incrementAndGet(), null);
    }

    @Override
    public KernelWorkspace newWorkspace(WorkspaceOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options is null; use WorkspaceOptions.DEFAULT or newWorkspace()");
        }
        return new RouterWorkspace(this, "workspace-" + workspaceNumbers.incrementAndGet(), options);
    }

    @Override
    public List<ArenaMetrics> arenaMetrics() {
        List<ArenaMetrics> metrics = new ArrayList<>();
        for (Candidate candidate : routing.ranked()) {
            metrics.addAll(candidate.kernel.arenaMetrics());
        }
        return metrics;
    }

    @Override
    public void cosine(KernelWorkspace workspace, MemorySegment query, int dimensions, MemorySegment matrix,
            int firstRow, int rowCount, MemorySegment norms, MemorySegment out) {
        RouterWorkspace w = enter(workspace);
        try {
            Candidate[] ranked = routing.ranked();
            Refusals refused = null;
            for (int attempt = 1;; attempt++) {
                for (Candidate c : ranked) {
                    try {
                        c.kernel.cosine(delegate(w, c), query, dimensions, matrix, firstRow, rowCount, norms, out);
                        c.served();
                        return;
                    } catch (KernelException e) {
                        refused = handOn(c, e, refused);
                    }
                }
                ranked = again(ranked, attempt, refused);
            }
        } finally {
            exit(w);
        }
    }

    @Override
    public void cosineTopK(KernelWorkspace workspace, MemorySegment queries, int queryCount, int dimensions,
            MemorySegment matrix, int firstRow, int rowCount, MemorySegment norms, int k, MemorySegment outIndex,
            MemorySegment outScore) {
        RouterWorkspace w = enter(workspace);
        try {
            Candidate[] ranked = routing.ranked();
            Refusals refused = null;
            for (int attempt = 1;; attempt++) {
                for (Candidate c : ranked) {
                    try {
                        c.kernel.cosineTopK(delegate(w, c), queries, queryCount, dimensions, matrix, firstRow,
                                rowCount, norms, k, outIndex, outScore);
                        c.served();
                        return;
                    } catch (KernelException e) {
                        refused = handOn(c, e, refused);
                    }
                }
                ranked = again(ranked, attempt, refused);
            }
        } finally {
            exit(w);
        }
    }

    @Override
    public int spread(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outActivation,
            MemorySegment outFirstHop) {
        RouterWorkspace w = enter(workspace);
        try {
            Candidate[] ranked = routing.ranked();
            Refusals refused = null;
            for (int attempt = 1;; attempt++) {
                for (Candidate c : ranked) {
                    try {
                        int activated = c.kernel.spread(delegate(w, c), graph, seedNodes, seedActivations, seedCount,
                                params, outActivation, outFirstHop);
                        c.served();
                        return activated;
                    } catch (KernelException e) {
                        refused = handOn(c, e, refused);
                    }
                }
                ranked = again(ranked, attempt, refused);
            }
        } finally {
            exit(w);
        }
    }

    @Override
    public int spreadSparse(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outNodes,
            MemorySegment outActivation, MemorySegment outFirstHop, int capacity) {
        RouterWorkspace w = enter(workspace);
        try {
            Candidate[] ranked = routing.ranked();
            Refusals refused = null;
            for (int attempt = 1;; attempt++) {
                for (Candidate c : ranked) {
                    try {
                        int reached = c.kernel.spreadSparse(delegate(w, c), graph, seedNodes, seedActivations,
                                seedCount, params, outNodes, outActivation, outFirstHop, capacity);
                        c.served();
                        return reached;
                    } catch (KernelException e) {
                        refused = handOn(c, e, refused);
                    }
                }
                ranked = again(ranked, attempt, refused);
            }
        } finally {
            exit(w);
        }
    }

    @Override
    public void decay(KernelWorkspace workspace, MemorySegment strength, MemorySegment ageSeconds,
            MemorySegment accessCount, int count, DecayParams params, MemorySegment out) {
        RouterWorkspace w = enter(workspace);
        try {
            Candidate[] ranked = routing.ranked();
            Refusals refused = null;
            for (int attempt = 1;; attempt++) {
                for (Candidate c : ranked) {
                    try {
                        c.kernel.decay(delegate(w, c), strength, ageSeconds, accessCount, count, params, out);
                        c.served();
                        return;
                    } catch (KernelException e) {
                        refused = handOn(c, e, refused);
                    }
                }
                ranked = again(ranked, attempt, refused);
            }
        } finally {
            exit(w);
        }
    }

    @Override
    public void decayGather(KernelWorkspace workspace, MemorySegment indices, int count, int memoryCount,
            MemorySegment strength, MemorySegment lastAccessSeconds, MemorySegment accessCount, double nowSeconds,
            DecayParams params, MemorySegment out) {
        RouterWorkspace w = enter(workspace);
        try {
            Candidate[] ranked = routing.ranked();
            Refusals refused = null;
            for (int attempt = 1;; attempt++) {
                for (Candidate c : ranked) {
                    try {
                        c.kernel.decayGather(delegate(w, c), indices, count, memoryCount, strength, lastAccessSeconds,
                                accessCount, nowSeconds, params, out);
                        c.served();
                        return;
                    } catch (KernelException e) {
                        refused = handOn(c, e, refused);
                    }
                }
                ranked = again(ranked, attempt, refused);
            }
        } finally {
            exit(w);
        }
    }

    /** The router workspace of a call, taken for it; null when the caller passed none. */
    private RouterWorkspace enter(KernelWorkspace workspace) {
        if (workspace == null) {
            return null;
        }
        if (!(workspace instanceof RouterWorkspace w) || !w.ownedBy(this)) {
            throw new IllegalArgumentException("workspace " + workspace + " was not made by this router; pass one"
                    + " from its newWorkspace(), or null");
        }
        w.enter();
        return w;
    }

    private static void exit(RouterWorkspace w) {
        if (w != null) {
            w.exit();
        }
    }

    private static KernelWorkspace delegate(RouterWorkspace w, Candidate c) {
        return w == null ? null : w.delegate(c.kernel);
    }

    /**
     * The kernels that refused or failed one call, each with its exception, in the order
     * tried. Made at the first refusal, so a call that no kernel refuses allocates nothing.
     */
    private static final class Refusals {
        final List<Candidate> kernels = new ArrayList<>(4);
        final List<KernelException> exceptions = new ArrayList<>(4);
    }

    /**
     * Counts and logs a failure the router hands on to the next kernel (a refusal of a
     * stopping kernel is expected during a swap and only remembered), and keeps it with the
     * others of this call for the message should every kernel refuse.
     */
    private static Refusals handOn(Candidate c, KernelException e, Refusals refused) {
        if (!(e instanceof KernelUnavailableException)) {
            String line = c.failed(e.getMessage(), System.nanoTime());
            if (line != null) {
                LOG.log(System.Logger.Level.WARNING, "kernel " + c.kernel.info().id() + " failed a call, which the"
                        + " next kernel serves: " + line);
            }
        }
        Refusals refusals = refused == null ? new Refusals() : refused;
        refusals.kernels.add(c);
        refusals.exceptions.add(e);
        return refusals;
    }

    /**
     * After every kernel of {@code ranked} refused: the kernels registered now, if they changed
     * meanwhile (one that registered since may serve), else the end of the call.
     */
    private Candidate[] again(Candidate[] ranked, int attempt, Refusals refused) {
        Candidate[] now = routing.ranked();
        if (now != ranked && attempt < MAX_ROUTING_ATTEMPTS) {
            return now;
        }
        KernelUnavailableException exhausted = new KernelUnavailableException(ranked.length == 0
                ? "no KernelService is registered; start the bundle engram.kernels.java"
                : exhaustedMessage(ranked.length, refused));
        if (refused != null) {
            // Attached to the router's own exception: a kernel's may be one instance it throws each time.
            KernelException first = refused.exceptions.getFirst();
            exhausted.initCause(first);
            for (KernelException e : refused.exceptions) {
                if (e != first) {
                    exhausted.addSuppressed(e);
                }
            }
        }
        throw exhausted;
    }

    /**
     * Names each kernel of the last round with its reason: every kernel of a round that did not
     * serve refused once, in ranking order, so the round's refusals are the last {@code roundSize}.
     */
    private static String exhaustedMessage(int roundSize, Refusals refused) {
        int total = refused.kernels.size();
        int earlier = total - roundSize;
        StringBuilder message = new StringBuilder("every kernel refused the call: ");
        for (int i = earlier; i < total; i++) {
            message.append(i == earlier ? "" : "; ").append(refused.kernels.get(i).kernel.info().id()).append(": ")
                    .append(refused.exceptions.get(i).getMessage());
        }
        if (earlier > 0) {
            message.append(" (and ").append(earlier).append(" earlier refusal(s) as registrations changed, attached)");
        }
        return message.toString();
    }

    @Override
    public List<KernelStatus> kernels() {
        List<KernelStatus> status = new ArrayList<>();
        Candidate[] ranked = routing.ranked();
        for (int i = 0; i < ranked.length; i++) {
            status.add(ranked[i].status(i == 0));
        }
        return status;
    }

    @Override
    public List<SelfTestResult> selfTest() {
        List<SelfTestResult> results = new ArrayList<>();
        for (Candidate candidate : routing.ranked()) {
            results.addAll(KnownAnswers.run(candidate.kernel));
        }
        return results;
    }
}
