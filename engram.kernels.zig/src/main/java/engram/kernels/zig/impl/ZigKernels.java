package engram.kernels.zig.impl;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.ref.Cleaner;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import aQute.bnd.annotation.Resolution;
import aQute.bnd.annotation.spi.ServiceProvider;
import engram.api.ArenaMetrics;
import engram.api.ArenaOverflowException;
import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelArguments;
import engram.api.KernelFailureException;
import engram.api.KernelInfo;
import engram.api.KernelService;
import engram.api.KernelUnavailableException;
import engram.api.KernelWorkspace;
import engram.api.KnownAnswers;
import engram.api.SelfTestResult;
import engram.api.SpreadParams;
import engram.api.WorkspaceOptions;
import engram.api.spi.Workspaces;
import engram.kernels.zig.impl.NativeKernelLibrary.Downcalls;

/**
 * The Zig kernels, called through FFM on the caller's memory with no copy. Every argument is
 * checked by {@link KernelArguments} before the native call; the library re-checks what a
 * caller could still change during the call (seeds, indices, a wrapped graph) and reports a
 * status. Scratch comes from the caller's {@link ZigWorkspace} (or one borrowed from this
 * instance's pool), so a call maps, unmaps and allocates nothing.
 *
 * <p>Each call takes a lease from a {@link CallGate}; {@link #close()} refuses new calls with
 * {@link KernelUnavailableException}, waits for the calls in flight, frees every workspace
 * this instance made, and only then unloads the library.
 *
 * <p>Outside OSGi this is the module's {@link java.util.ServiceLoader} provider: the library
 * is loaded once per class loader (system property {@code engram.zig.isa} forces a level) and
 * must pass the known-answer tests; if not, every instance refuses every call and
 * {@link #unavailableReason()} says why. Such an instance frees the arena of a workspace that
 * became unreachable unclosed only once the whole instance is unreachable (it keeps every open
 * workspace for its metrics): close workspaces when done.
 */
@ServiceProvider(value = KernelService.class, resolution = Resolution.OPTIONAL)
public final class ZigKernels implements KernelService, AutoCloseable {
    /** The system property, and configuration key, that forces a library level. */
    public static final String ISA_PROPERTY = "engram.zig.isa";
    /** The service ranking of the Zig kernels: above the Java kernels' 0. */
    public static final int RANKING = 100;

    private static final int STATUS_OK = 0;
    private static final int STATUS_INVALID_ARGUMENT = 1;
    private static final int STATUS_OUT_OF_MEMORY = 2;
    private static final int STATUS_ARENA_OVERFLOW = 3;
    private static final int STATUS_ARENA_PANIC = 4;
    private static final int STATUS_ARENA_BUSY = 5;
    private static final int MODE_DENSE = 0;
    private static final int MODE_SPARSE = 1;
    private static final System.Logger LOG = System.getLogger(ZigKernelComponent.PID);

    private final NativeKernelLibrary library;
    private final boolean ownsLibrary;
    private final String unavailableReason;
    private final KernelInfo info;
    private final CallGate gate = new CallGate();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Workspaces<ZigWorkspace> workspaces;
    private final Consumer<String> onPanic;
    private volatile String withdrawnReason;
    private volatile CloseReport closeReport;

    /** What {@link #close()} freed, and what the library still had mapped just before it was unloaded. */
    record CloseReport(int workspacesFreed, long liveArenas, long mappedBytes) {
    }

    /** For {@link java.util.ServiceLoader}: the library of this class loader, or one that refuses every call. */
    public ZigKernels() {
        this(ServiceLoaderLibrary.LIBRARY, false, ServiceLoaderLibrary.REASON, WorkspaceOptions.DEFAULT, reason -> {
        }, ServiceLoaderLibrary.LIBRARY == null ? null : ServiceLoaderLibrary.Cleaning.CLEANER);
    }

    /**
     * @param cleaner frees the arena of a workspace that became unreachable unclosed (the
     *     {@link java.util.ServiceLoader} instances, which nobody is bound to close); null for
     *     instances whose {@link #close()} frees them
     */
    private ZigKernels(NativeKernelLibrary library, boolean ownsLibrary, String unavailableReason,
            WorkspaceOptions defaults, Consumer<String> onPanic, Cleaner cleaner) {
        this.library = library;
        this.ownsLibrary = ownsLibrary;
        this.unavailableReason = unavailableReason;
        this.onPanic = onPanic;
        String id = "engram.kernels.zig/" + (library == null ? "unavailable" : library.level.userName());
        this.info = new KernelInfo(id, "zig", "0.2.0",
                library == null ? "unavailable: " + unavailableReason : library.instructionSetName, RANKING);
        this.workspaces = new Workspaces<>(id, ZigWorkspace.class, defaults,
                (name, options) -> ZigWorkspace.create(this.library, id, name, options, cleaner));
    }

    /**
     * The library this class loader's {@link java.util.ServiceLoader} instances share, loaded
     * on first use and checked by the known-answer tests; unloaded when the class loader goes.
     */
    private static final class ServiceLoaderLibrary {
        static final NativeKernelLibrary LIBRARY;
        static final String REASON;

        static {
            NativeKernelLibrary loaded = null;
            String reason;
            try {
                loaded = NativeKernelLibrary.loadUntilUnreachable(ZigKernels.class.getClassLoader(),
                        level(System.getProperty(ISA_PROPERTY, "auto")));
                reason = knownAnswersFailure(loaded);
            } catch (NativeKernelLibrary.LoadException e) {
                reason = e.getMessage();
            }
            LIBRARY = reason == null ? loaded : null;
            REASON = reason;
        }

        /** Made only when a library loaded, so a class loader without one starts no thread. */
        static final class Cleaning {
            static final Cleaner CLEANER = Cleaner.create();
        }
    }

    /** Why the known-answer tests failed on {@code library}, or null when they passed. */
    private static String knownAnswersFailure(NativeKernelLibrary library) {
        ZigKernels probe = new ZigKernels(library, false, null, WorkspaceOptions.DEFAULT, reason -> {
        }, null);
        try {
            List<SelfTestResult> results = KnownAnswers.run(probe);
            return KnownAnswers.allPassed(results) ? null
                    : "the known-answer tests failed: " + KnownAnswers.failures(results);
        } finally {
            probe.close();
        }
    }

    /**
     * Loads the best library for this CPU through {@code loader} (or {@code requestedLevel} if not
     * {@code auto}) for this instance alone, through a copy in the first of {@code folders} that
     * can hold and map it: {@link #close()} unloads it.
     *
     * @param defaults the options of {@link #newWorkspace()} and of the pool
     * @param onPanic told, once, why the kernels withdrew after an arena panic
     */
    static ZigKernels load(ClassLoader loader, String requestedLevel, List<Path> folders, WorkspaceOptions defaults,
            Consumer<String> onPanic) throws NativeKernelLibrary.LoadException {
        return new ZigKernels(NativeKernelLibrary.load(loader, level(requestedLevel), folders), true, null, defaults,
                onPanic, null);
    }

    /** {@link #load(ClassLoader, String, List, WorkspaceOptions, Consumer)} in the default folders. */
    static ZigKernels load(ClassLoader loader, String requestedLevel, WorkspaceOptions defaults,
            Consumer<String> onPanic) throws NativeKernelLibrary.LoadException {
        return load(loader, requestedLevel, NativeKernelLibrary.defaultFolders(), defaults, onPanic);
    }

    /** {@link #load(ClassLoader, String, WorkspaceOptions, Consumer)} with the default options. */
    static ZigKernels load(ClassLoader loader, String requestedLevel) throws NativeKernelLibrary.LoadException {
        return load(loader, requestedLevel, WorkspaceOptions.DEFAULT, reason -> {
        });
    }

    private static CpuLevel level(String requestedLevel) throws NativeKernelLibrary.LoadException {
        Set<String> flags;
        try {
            flags = CpuLevel.cpuFlags(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            throw new NativeKernelLibrary.LoadException("cannot read /proc/cpuinfo to learn the CPU's instruction"
                    + " sets: " + e.getMessage(), e);
        }
        return NativeKernelLibrary.choose(requestedLevel, System.getProperty("os.name"), System.getProperty("os.arch"),
                flags);
    }

    /** Whether a library is loaded, the gate open and the kernels not withdrawn. */
    public boolean isAvailable() {
        return library != null && !gate.isClosed() && withdrawnReason == null;
    }

    /** The level of the loaded library, such as {@code x86_64_v3}, or null when none loaded. */
    String level() {
        return library == null ? null : library.level.userName();
    }

    @Override
    public KernelInfo info() {
        return info;
    }

    @Override
    public Optional<String> unavailableReason() {
        if (library == null) {
            return Optional.of(unavailableReason);
        }
        if (withdrawnReason != null) {
            return Optional.of(withdrawnReason);
        }
        return gate.isClosed() ? Optional.of("the Zig kernels are stopped") : Optional.empty();
    }

    @Override
    public KernelWorkspace newWorkspace() {
        return newWorkspace(workspaces.defaults());
    }

    @Override
    public KernelWorkspace newWorkspace(WorkspaceOptions options) {
        enterGate();
        try {
            return workspaces.create(options);
        } finally {
            gate.exit();
        }
    }

    @Override
    public List<ArenaMetrics> arenaMetrics() {
        return workspaces.metrics();
    }

    /** The number of workspaces open now, the pool's included. */
    int openWorkspaces() {
        return workspaces.openCount();
    }

    @Override
    public void cosine(KernelWorkspace workspace, MemorySegment query, int dimensions, MemorySegment matrix,
            int firstRow, int rowCount, MemorySegment norms, MemorySegment out) {
        KernelArguments.checkCosine(query, dimensions, matrix, firstRow, rowCount, norms, out);
        MemorySegment normsOrNull = norms == null ? MemorySegment.NULL : norms;
        long touched = ((long) rowCount + 1) * dimensions * Float.BYTES + 2L * rowCount * Float.BYTES;
        int mode = HeapStaging.mode(touched, query, matrix, normsOrNull, out, null);
        ZigWorkspace w = enter(workspace);
        try (HeapStaging s = HeapStaging.forMode(mode)) {
            MemorySegment q = HeapStaging.in(s, query);
            MemorySegment m = HeapStaging.in(s, matrix);
            MemorySegment n = HeapStaging.in(s, normsOrNull);
            MemorySegment o = HeapStaging.out(s, out);
            // Two calls written out, not one of a handle chosen at run time, so each is of a constant.
            int status = mode == HeapStaging.CRITICAL
                    ? (int) Downcalls.COSINE_CRITICAL.invokeExact(library.cosineEntry, w.arena, q, dimensions, m,
                            (long) firstRow, (long) rowCount, n, o)
                    : (int) Downcalls.COSINE.invokeExact(library.cosineEntry, w.arena, q, dimensions, m,
                            (long) firstRow, (long) rowCount, n, o);
            check(status, w, "cosine");
            HeapStaging.copyBack(s);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw failed("cosine", e);
        } finally {
            exit(w, workspace);
        }
    }

    @Override
    public void cosineTopK(KernelWorkspace workspace, MemorySegment queries, int queryCount, int dimensions,
            MemorySegment matrix, int firstRow, int rowCount, MemorySegment norms, int k, MemorySegment outIndex,
            MemorySegment outScore) {
        KernelArguments.checkCosineTopK(queries, queryCount, dimensions, matrix, firstRow, rowCount, norms, k,
                outIndex, outScore);
        MemorySegment normsOrNull = norms == null ? MemorySegment.NULL : norms;
        long touched = ((long) rowCount + queryCount) * dimensions * Float.BYTES + (long) rowCount * Float.BYTES
                + 8L * queryCount * k;
        int mode = HeapStaging.mode(touched, queries, matrix, normsOrNull, outIndex, outScore);
        ZigWorkspace w = enter(workspace);
        try (HeapStaging s = HeapStaging.forMode(mode)) {
            MemorySegment q = HeapStaging.in(s, queries);
            MemorySegment m = HeapStaging.in(s, matrix);
            MemorySegment n = HeapStaging.in(s, normsOrNull);
            MemorySegment index = HeapStaging.out(s, outIndex);
            MemorySegment score = HeapStaging.out(s, outScore);
            int status = mode == HeapStaging.CRITICAL
                    ? (int) Downcalls.COSINE_TOPK_CRITICAL.invokeExact(library.cosineTopKEntry, w.arena, q,
                            queryCount, dimensions, m, (long) firstRow, (long) rowCount, n, k, index, score)
                    : (int) Downcalls.COSINE_TOPK.invokeExact(library.cosineTopKEntry, w.arena, q, queryCount,
                            dimensions, m, (long) firstRow, (long) rowCount, n, k, index, score);
            check(status, w, "cosineTopK");
            HeapStaging.copyBack(s);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw failed("cosineTopK", e);
        } finally {
            exit(w, workspace);
        }
    }

    @Override
    public int spread(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outActivation,
            MemorySegment outFirstHop) {
        KernelArguments.checkSpread(graph, seedNodes, seedActivations, seedCount, params, outActivation,
                outFirstHop);
        return spread(workspace, graph, seedNodes, seedActivations, seedCount, params, MODE_DENSE, 0,
                MemorySegment.NULL, outActivation, outFirstHop, (long) graph.nodeCount() * 8);
    }

    @Override
    public int spreadSparse(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, MemorySegment outNodes,
            MemorySegment outActivation, MemorySegment outFirstHop, int capacity) {
        KernelArguments.checkSpreadSparse(graph, seedNodes, seedActivations, seedCount, params, outNodes,
                outActivation, outFirstHop, capacity);
        return spread(workspace, graph, seedNodes, seedActivations, seedCount, params, MODE_SPARSE, capacity,
                outNodes, outActivation, outFirstHop, (long) capacity * 12);
    }

    private int spread(KernelWorkspace workspace, CsrGraph graph, MemorySegment seedNodes,
            MemorySegment seedActivations, int seedCount, SpreadParams params, int outputMode, int capacity,
            MemorySegment outNodes, MemorySegment outActivation, MemorySegment outFirstHop, long outputBytes) {
        // The graph is read as far as the spread reaches; its size bounds that.
        long touched = 12L * graph.edgeCount() + 4L * graph.nodeCount() + 8L * seedCount + outputBytes;
        int mode = HeapStaging.mode(touched, seedNodes, seedActivations, outNodes, outActivation, outFirstHop);
        ZigWorkspace w = enter(workspace);
        if (!graph.acquire()) {
            exit(w, workspace);
            throw new IllegalArgumentException("graph " + graph + " was closed; spread over an open graph");
        }
        try (HeapStaging s = HeapStaging.forMode(mode)) {
            if (w.writtenSpreadParams != params) {
                writeSpreadParams(w.spreadParams, params);
                w.writtenSpreadParams = params;
            }
            int nodes = graph.nodeCount();
            long edges = graph.edgeCount();
            MemorySegment offsets = graph.offsetsForNativeCall();
            MemorySegment targets = graph.targetsForNativeCall();
            MemorySegment weights = graph.weightsForNativeCall();
            MemorySegment seeds = HeapStaging.in(s, seedNodes);
            MemorySegment seedValues = HeapStaging.in(s, seedActivations);
            MemorySegment toNodes = HeapStaging.out(s, outNodes);
            MemorySegment toActivation = HeapStaging.out(s, outActivation);
            MemorySegment toFirstHop = HeapStaging.out(s, outFirstHop);
            int status = mode == HeapStaging.CRITICAL
                    ? (int) Downcalls.SPREAD_CRITICAL.invokeExact(library.spreadEntry, w.arena, nodes, edges, offsets,
                            targets, weights, seeds, seedValues, seedCount, w.spreadParamsAddress, outputMode,
                            capacity, toNodes, toActivation, toFirstHop, w.reachedCountAddress)
                    : (int) Downcalls.SPREAD.invokeExact(library.spreadEntry, w.arena, nodes, edges, offsets,
                            targets, weights, seeds, seedValues, seedCount, w.spreadParamsAddress, outputMode,
                            capacity, toNodes, toActivation, toFirstHop, w.reachedCountAddress);
            check(status, w, "spread");
            HeapStaging.copyBack(s);
            return w.reachedCount.get(JAVA_INT, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw failed("spread", e);
        } finally {
            try {
                graph.release();
            } finally {
                exit(w, workspace);
            }
        }
    }

    private static void writeSpreadParams(MemorySegment p, SpreadParams params) {
        p.set(JAVA_INT, 0, params.maxDepth());
        p.set(JAVA_INT, 4, params.refractoryHops());
        p.set(JAVA_FLOAT, 8, params.threshold());
        p.set(JAVA_INT, 12, 0);
        for (int hop = 1; hop <= params.maxDepth(); hop++) {
            p.setAtIndex(JAVA_FLOAT, 3 + hop, params.hopFactor(hop));
        }
    }

    @Override
    public void decay(KernelWorkspace workspace, MemorySegment strength, MemorySegment ageSeconds,
            MemorySegment accessCount, int count, DecayParams params, MemorySegment out) {
        KernelArguments.checkDecay(strength, ageSeconds, accessCount, count, params, out);
        MemorySegment accessOrNull = accessCount == null ? MemorySegment.NULL : accessCount;
        int mode = HeapStaging.mode(16L * count, strength, ageSeconds, accessOrNull, out, null);
        ZigWorkspace w = enter(workspace);
        try (HeapStaging s = HeapStaging.forMode(mode)) {
            if (w.writtenDecayParams != params) {
                writeDecayParams(w.decayParams, params);
                w.writtenDecayParams = params;
            }
            MemorySegment st = HeapStaging.in(s, strength);
            MemorySegment age = HeapStaging.in(s, ageSeconds);
            MemorySegment access = HeapStaging.in(s, accessOrNull);
            MemorySegment o = HeapStaging.out(s, out);
            int status = mode == HeapStaging.CRITICAL
                    ? (int) Downcalls.DECAY_CRITICAL.invokeExact(library.decayEntry, w.arena, st, age, access,
                            (long) count, w.decayParamsAddress, o)
                    : (int) Downcalls.DECAY.invokeExact(library.decayEntry, w.arena, st, age, access, (long) count,
                            w.decayParamsAddress, o);
            check(status, w, "decay");
            HeapStaging.copyBack(s);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw failed("decay", e);
        } finally {
            exit(w, workspace);
        }
    }

    @Override
    public void decayGather(KernelWorkspace workspace, MemorySegment indices, int count, int memoryCount,
            MemorySegment strength, MemorySegment lastAccessSeconds, MemorySegment accessCount, double nowSeconds,
            DecayParams params, MemorySegment out) {
        KernelArguments.checkDecayGather(indices, count, memoryCount, strength, lastAccessSeconds, accessCount,
                nowSeconds, params, out);
        MemorySegment accessOrNull = accessCount == null ? MemorySegment.NULL : accessCount;
        // A gather reads what its indices name: one entry of each per-memory array per index.
        long touched = 28L * count;
        int mode = HeapStaging.mode(touched, indices, strength, lastAccessSeconds, accessOrNull, out);
        ZigWorkspace w = enter(workspace);
        try (HeapStaging s = HeapStaging.forMode(mode)) {
            if (w.writtenDecayParams != params) {
                writeDecayParams(w.decayParams, params);
                w.writtenDecayParams = params;
            }
            MemorySegment at = HeapStaging.in(s, indices);
            MemorySegment st = HeapStaging.in(s, strength);
            MemorySegment last = HeapStaging.in(s, lastAccessSeconds);
            MemorySegment access = HeapStaging.in(s, accessOrNull);
            MemorySegment o = HeapStaging.out(s, out);
            int status = mode == HeapStaging.CRITICAL
                    ? (int) Downcalls.DECAY_GATHER_CRITICAL.invokeExact(library.decayGatherEntry, w.arena, at,
                            (long) count, (long) memoryCount, st, last, access, nowSeconds, w.decayParamsAddress, o)
                    : (int) Downcalls.DECAY_GATHER.invokeExact(library.decayGatherEntry, w.arena, at, (long) count,
                            (long) memoryCount, st, last, access, nowSeconds, w.decayParamsAddress, o);
            check(status, w, "decayGather");
            HeapStaging.copyBack(s);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw failed("decayGather", e);
        } finally {
            exit(w, workspace);
        }
    }

    private static void writeDecayParams(MemorySegment p, DecayParams params) {
        p.set(JAVA_INT, 4, 0);
        p.set(JAVA_FLOAT, 8, params.floor());
        p.set(JAVA_INT, 12, 0);
        for (long offset = 16; offset < 80; offset += 8) {
            p.set(JAVA_LONG, offset, 0);
        }
        switch (params.curve()) {
            case DecayCurve.Exponential c -> {
                p.set(JAVA_INT, 0, 0);
                p.set(JAVA_DOUBLE, 16, c.halfLifeSeconds());
            }
            case DecayCurve.PowerLaw c -> {
                p.set(JAVA_INT, 0, 1);
                p.set(JAVA_DOUBLE, 24, c.scaleSeconds());
                p.set(JAVA_DOUBLE, 32, c.beta());
            }
            case DecayCurve.TwoComponent c -> {
                p.set(JAVA_INT, 0, 2);
                p.set(JAVA_INT, 4, c.consolidationAccessCount());
                p.set(JAVA_DOUBLE, 40, c.tauSeconds());
                p.set(JAVA_DOUBLE, 48, c.neocorticalScaleSeconds());
                p.set(JAVA_DOUBLE, 56, c.neocorticalBeta());
            }
            case DecayCurve.Ebbinghaus c -> {
                p.set(JAVA_INT, 0, 3);
                p.set(JAVA_DOUBLE, 64, c.k());
                p.set(JAVA_DOUBLE, 72, c.c());
            }
        }
    }

    private void checkServing() {
        if (library == null) {
            throw new KernelUnavailableException("the Zig kernels are not loaded: " + unavailableReason);
        }
        if (withdrawnReason != null) {
            throw new KernelUnavailableException("the Zig kernels withdrew: " + withdrawnReason);
        }
    }

    private static KernelUnavailableException stopping() {
        return new KernelUnavailableException("the Zig kernels are stopping; retry on another kernel");
    }

    /** Takes a counted lease, for a use of the library without a workspace (making one). */
    private void enterGate() {
        checkServing();
        if (!gate.enter()) {
            throw stopping();
        }
    }

    /**
     * Takes the call's workspace and admits the call unless the kernel is stopping.
     *
     * <p>A workspace of the caller's is taken first (a compare-and-set on its state) and the gate
     * read after it, without a lease: a stop marks the gate closed and then waits until no
     * workspace is held, and both marks are volatile, so either the stop sees this call or the
     * call sees the stop. A call that sees it gives the workspace back untouched (the stop frees
     * it). A borrowed workspace may have to be made, which uses the library, so that path takes
     * a counted lease first, as {@link #newWorkspace} does.
     */
    private ZigWorkspace enter(KernelWorkspace given) {
        if (given == null) {
            enterGate();
            try {
                return workspaces.take(null);
            } catch (RuntimeException | Error e) {
                gate.exit();
                throw e;
            }
        }
        checkServing();
        ZigWorkspace w = workspaces.take(given);
        if (gate.isClosed()) {
            w.exit();
            throw stopping();
        }
        return w;
    }

    private void exit(ZigWorkspace w, KernelWorkspace given) {
        workspaces.release(given, w);
        if (given == null) {
            gate.exit();
        }
    }

    private static KernelFailureException failed(String kernel, Throwable cause) {
        return new KernelFailureException("the native " + kernel + " kernel failed: " + cause, cause);
    }

    private void check(int status, ZigWorkspace w, String kernel) {
        switch (status) {
            case STATUS_OK -> {
            }
            case STATUS_INVALID_ARGUMENT -> throw new IllegalArgumentException("the native " + kernel
                    + " kernel refused its arguments after they passed the Java checks: was an input (the seeds,"
                    + " the indices, or a wrapped graph's segments) changed by another thread during the call?");
            case STATUS_OUT_OF_MEMORY -> throw new KernelFailureException("the native " + kernel
                    + " kernel could not take " + w.lastOverflowBytes() + " bytes from the general allocator for an"
                    + " overflow of " + w + " (it takes at most 64 blocks a call); free memory, or give the workspace"
                    + " a larger capacity");
            case STATUS_ARENA_OVERFLOW -> throw new ArenaOverflowException(info.id(), w.name(),
                    w.options().capacityBytes(), w.lastOverflowBytes(), w.options().overflow());
            case STATUS_ARENA_PANIC -> {
                ArenaOverflowException overflow = new ArenaOverflowException(info.id(), w.name(),
                        w.options().capacityBytes(), w.lastOverflowBytes(), w.options().overflow());
                withdraw("an arena panic: " + overflow.getMessage());
                throw overflow;
            }
            case STATUS_ARENA_BUSY -> throw new KernelFailureException("the native " + kernel + " kernel found " + w
                    + " in use by another call, which the Java side should have refused");
            default -> throw new KernelFailureException("the native " + kernel + " kernel returned unknown status "
                    + status + "; the library and this bundle disagree on the ABI");
        }
    }

    /**
     * Refuses every later call, and, from a thread of its own (the call that panicked holds a
     * lease that closing waits for), tells the owner why, once, and then closes: the calls in
     * flight finish, the arenas are freed, the library unloaded.
     */
    private void withdraw(String reason) {
        synchronized (this) {
            if (withdrawnReason != null) {
                return;
            }
            withdrawnReason = reason;
        }
        LOG.log(System.Logger.Level.ERROR, "Zig kernels withdrawn after " + reason + "; the next kernel serves."
                + " Restart the bundle engram.kernels.zig (or change its configuration) to serve again");
        Thread withdrawal = new Thread(() -> {
            try {
                onPanic.accept(reason);
            } finally {
                close();
            }
        }, "engram-zig-withdraw");
        withdrawal.setDaemon(true);
        withdrawal.start();
    }

    /**
     * Refuses new calls, waits for those in flight (saying so every 5 s), frees every workspace
     * this instance made, then unloads the library if it loaded its own. A second call does
     * nothing. An interrupt does not cut the wait short, since unloading under a running call
     * would crash the JVM; it is kept for the caller.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                gate.closeAndDrain(5_000, workspaces::busyCount, inFlight -> LOG.log(System.Logger.Level.INFO,
                        "waiting for " + inFlight + " Zig kernel call(s) in flight to finish"));
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (library != null) {
            int freed = workspaces.closeAll();
            // A call that took its own workspace as the gate closed gives it back without
            // freeing it (see enter); closeAll skips a workspace held at that moment, so free
            // those too before the library goes.
            while (workspaces.openCount() > 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                freed += workspaces.closeAll();
            }
            long[] totals = totals();
            closeReport = new CloseReport(freed, totals[0], totals[1]);
            if (ownsLibrary) {
                if (totals[0] != 0) {
                    LOG.log(System.Logger.Level.WARNING, "the Zig library still has " + totals[0] + " arena(s) and "
                            + totals[1] + " bytes mapped as it is unloaded");
                }
                library.close();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the last {@link #close()} freed, or null before it. */
    CloseReport closeReport() {
        return closeReport;
    }

    /** The library's process-wide counts: live arenas, mapped bytes, created, destroyed. */
    long[] totals() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(NativeKernelLibrary.ARENA_TOTALS);
            int status = (int) library.arenaTotals.invokeExact(out);
            if (status != STATUS_OK) {
                throw new KernelFailureException("the Zig library refused to count its arenas (status " + status + ")");
            }
            return out.toArray(JAVA_LONG);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw failed("arena totals", e);
        }
    }
}
