package engram.kernels.zig.impl;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import aQute.bnd.annotation.Resolution;
import aQute.bnd.annotation.spi.ServiceProvider;
import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelArguments;
import engram.api.KernelFailureException;
import engram.api.KernelInfo;
import engram.api.KernelService;
import engram.api.KernelUnavailableException;
import engram.api.SpreadParams;

/**
 * The Zig kernels, called through FFM on the caller's memory with no copy. Every argument
 * is checked by {@link KernelArguments} before the native call; the library re-checks the
 * few values a caller could still change during the call (the seeds) and reports a status.
 *
 * <p>Each call takes a lease from a {@link CallGate}; {@link #close()} refuses new calls
 * with {@link KernelUnavailableException}, waits for the calls in flight, and only then
 * unloads the library.
 *
 * <p>Outside OSGi this is the module's {@link java.util.ServiceLoader} provider: it loads the
 * best library for the CPU from the class path (system property {@code engram.zig.isa}
 * forces a level) and, if none loads, refuses every call, saying why.
 */
@ServiceProvider(value = KernelService.class, resolution = Resolution.OPTIONAL)
public final class ZigKernels implements KernelService, AutoCloseable {
    /** The system property, and configuration key, that forces a library level. */
    public static final String ISA_PROPERTY = "engram.zig.isa";

    private static final int STATUS_OK = 0;
    private static final int STATUS_INVALID_ARGUMENT = 1;
    private static final int STATUS_OUT_OF_MEMORY = 2;

    // Byte offsets in the per-thread parameter block (each thread writes its own, and the
    // library makes no upcall, so a block is never in use twice at once); they mirror the extern structs of zig/src/ffi.zig.
    private static final long SPREAD_PARAMS = 0;
    private static final long SPREAD_HOP_FACTORS = 16;
    private static final long ACTIVATED_COUNT = 144;
    private static final long DECAY_PARAMS = 160;
    private static final long DECAY_CONSTANTS = DECAY_PARAMS + 16;
    private static final long BLOCK_BYTES = 256;

    private final NativeKernelLibrary library;
    private final String unavailableReason;
    private final KernelInfo info;
    private final CallGate gate = new CallGate();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final ThreadLocal<MemorySegment> parameterBlock =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(BLOCK_BYTES, 8));

    /** For {@link java.util.ServiceLoader}: loads the best library for this CPU, or refuses every call. */
    public ZigKernels() {
        this(System.getProperty(ISA_PROPERTY, "auto"));
    }

    private ZigKernels(String requestedLevel) {
        NativeKernelLibrary loaded = null;
        String reason = null;
        try {
            loaded = loadBest(ZigKernels.class.getClassLoader(), requestedLevel);
        } catch (NativeKernelLibrary.LoadException e) {
            reason = e.getMessage();
        }
        this.library = loaded;
        this.unavailableReason = reason;
        this.info = new KernelInfo("zig", "0.1.0", loaded == null ? "unavailable: " + reason : loaded.instructionSetName);
    }

    private ZigKernels(NativeKernelLibrary library) {
        this.library = library;
        this.unavailableReason = null;
        this.info = new KernelInfo("zig", "0.1.0", library.instructionSetName);
    }

    /** Loads the best library for this CPU through {@code loader}, or {@code requestedLevel} if not {@code auto}. */
    static ZigKernels load(ClassLoader loader, String requestedLevel) throws NativeKernelLibrary.LoadException {
        return new ZigKernels(loadBest(loader, requestedLevel));
    }

    private static NativeKernelLibrary loadBest(ClassLoader loader, String requestedLevel)
            throws NativeKernelLibrary.LoadException {
        Set<String> flags;
        try {
            flags = CpuLevel.cpuFlags(Path.of("/proc/cpuinfo"));
        } catch (java.io.IOException e) {
            throw new NativeKernelLibrary.LoadException("cannot read /proc/cpuinfo to learn the CPU's instruction sets: "
                    + e.getMessage(), e);
        }
        CpuLevel level = NativeKernelLibrary.choose(requestedLevel, System.getProperty("os.name"),
                System.getProperty("os.arch"), flags);
        return NativeKernelLibrary.load(loader, level);
    }

    /** Whether a library is loaded and the gate open. */
    public boolean isAvailable() {
        return library != null && !gate.isClosed();
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
    public void cosine(MemorySegment query, int dimensions, MemorySegment matrix, int rows, MemorySegment norms,
            MemorySegment out) {
        KernelArguments.checkCosine(query, dimensions, matrix, rows, norms, out);
        MemorySegment normsOrNull = norms == null ? MemorySegment.NULL : norms;
        enter();
        try (HeapStaging staging = HeapStaging.forCall(query, matrix, normsOrNull, out)) {
            MethodHandle handle = staging.critical(query, matrix, normsOrNull, out) ? library.cosineHeap
                    : library.cosine;
            check((int) handle.invokeExact(staging.input(query), dimensions, staging.input(matrix), (long) rows,
                    staging.input(normsOrNull), staging.output(out)), "cosine");
            staging.copyBack();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw failed("cosine", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void cosineTopK(MemorySegment query, int dimensions, MemorySegment matrix, int rows, MemorySegment norms,
            int k, MemorySegment outIndex, MemorySegment outScore) {
        KernelArguments.checkCosineTopK(query, dimensions, matrix, rows, norms, k, outIndex, outScore);
        MemorySegment normsOrNull = norms == null ? MemorySegment.NULL : norms;
        enter();
        try (HeapStaging staging = HeapStaging.forCall(query, matrix, normsOrNull, outIndex, outScore)) {
            MethodHandle handle = staging.critical(query, matrix, normsOrNull, outIndex, outScore)
                    ? library.cosineTopKHeap : library.cosineTopK;
            check((int) handle.invokeExact(staging.input(query), dimensions, staging.input(matrix), (long) rows,
                    staging.input(normsOrNull), k, staging.output(outIndex), staging.output(outScore)), "cosineTopK");
            staging.copyBack();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw failed("cosineTopK", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public int spread(CsrGraph graph, MemorySegment seedNodes, MemorySegment seedActivations, int seedCount,
            SpreadParams params, MemorySegment outActivation, MemorySegment outFirstHop) {
        KernelArguments.checkSpread(graph, seedNodes, seedActivations, seedCount, params, outActivation, outFirstHop);
        MemorySegment block = parameterBlock.get();
        block.asSlice(SPREAD_PARAMS, ACTIVATED_COUNT + Integer.BYTES).fill((byte) 0);
        block.set(JAVA_INT, SPREAD_PARAMS, params.maxDepth());
        block.set(JAVA_INT, SPREAD_PARAMS + 4, params.refractoryHops());
        block.set(JAVA_FLOAT, SPREAD_PARAMS + 8, params.threshold());
        for (int hop = 1; hop <= params.maxDepth(); hop++) {
            block.setAtIndex(JAVA_FLOAT, SPREAD_HOP_FACTORS / Float.BYTES + hop - 1, params.hopFactor(hop));
        }
        MemorySegment spreadParams = block.asSlice(SPREAD_PARAMS, ACTIVATED_COUNT);
        MemorySegment activatedCount = block.asSlice(ACTIVATED_COUNT, Integer.BYTES);
        enter();
        try (HeapStaging staging = HeapStaging.forCall(seedNodes, seedActivations, outActivation, outFirstHop)) {
            MethodHandle handle = staging.critical(seedNodes, seedActivations, outActivation, outFirstHop)
                    ? library.spreadHeap : library.spread;
            check((int) handle.invokeExact(graph.nodeCount(), graph.offsets(), graph.targets(), graph.weights(),
                    staging.input(seedNodes), staging.input(seedActivations), seedCount, spreadParams,
                    staging.output(outActivation), staging.output(outFirstHop), activatedCount), "spread");
            staging.copyBack();
            return activatedCount.get(JAVA_INT, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw failed("spread", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void decay(MemorySegment strength, MemorySegment ageSeconds, MemorySegment accessCount, int count,
            DecayParams params, MemorySegment out) {
        KernelArguments.checkDecay(strength, ageSeconds, accessCount, count, params, out);
        MemorySegment decayParams = writeDecayParams(parameterBlock.get(), params);
        MemorySegment accessOrNull = accessCount == null ? MemorySegment.NULL : accessCount;
        enter();
        try (HeapStaging staging = HeapStaging.forCall(strength, ageSeconds, accessOrNull, out)) {
            MethodHandle handle = staging.critical(strength, ageSeconds, accessOrNull, out) ? library.decayHeap
                    : library.decay;
            check((int) handle.invokeExact(staging.input(strength), staging.input(ageSeconds),
                    staging.input(accessOrNull), (long) count, decayParams, staging.output(out)), "decay");
            staging.copyBack();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw failed("decay", e);
        } finally {
            gate.exit();
        }
    }

    private static KernelFailureException failed(String kernel, Throwable cause) {
        return new KernelFailureException("the native " + kernel + " kernel failed: " + cause, cause);
    }

    private static MemorySegment writeDecayParams(MemorySegment block, DecayParams params) {
        MemorySegment p = block.asSlice(DECAY_PARAMS, BLOCK_BYTES - DECAY_PARAMS);
        p.fill((byte) 0);
        p.set(JAVA_FLOAT, 8, params.floor());
        long constants = DECAY_CONSTANTS - DECAY_PARAMS;
        switch (params.curve()) {
            case DecayCurve.Exponential c -> {
                p.set(JAVA_INT, 0, 0);
                p.set(JAVA_DOUBLE, constants, c.halfLifeSeconds());
            }
            case DecayCurve.PowerLaw c -> {
                p.set(JAVA_INT, 0, 1);
                p.set(JAVA_DOUBLE, constants + 8, c.scaleSeconds());
                p.set(JAVA_DOUBLE, constants + 16, c.beta());
            }
            case DecayCurve.TwoComponent c -> {
                p.set(JAVA_INT, 0, 2);
                p.set(JAVA_INT, 4, c.consolidationAccessCount());
                p.set(JAVA_DOUBLE, constants + 24, c.tauSeconds());
                p.set(JAVA_DOUBLE, constants + 32, c.neocorticalScaleSeconds());
                p.set(JAVA_DOUBLE, constants + 40, c.neocorticalBeta());
            }
            case DecayCurve.Ebbinghaus c -> {
                p.set(JAVA_INT, 0, 3);
                p.set(JAVA_DOUBLE, constants + 48, c.k());
                p.set(JAVA_DOUBLE, constants + 56, c.c());
            }
        }
        return p;
    }

    private void enter() {
        if (library == null) {
            throw new KernelUnavailableException("the Zig kernels are not loaded: " + unavailableReason);
        }
        if (!gate.enter()) {
            throw new KernelUnavailableException("the Zig kernels are stopping; retry on another kernel");
        }
    }

    private static void check(int status, String kernel) {
        switch (status) {
            case STATUS_OK -> {
            }
            case STATUS_INVALID_ARGUMENT -> throw new IllegalArgumentException("the native " + kernel
                    + " kernel refused its arguments after they passed the Java checks: was an input (such as the"
                    + " seeds) changed by another thread during the call?");
            case STATUS_OUT_OF_MEMORY -> throw new KernelFailureException("the native " + kernel
                    + " kernel could not allocate its scratch memory; free memory or use smaller inputs");
            default -> throw new KernelFailureException("the native " + kernel + " kernel returned unknown status "
                    + status + "; the library and this bundle disagree on the ABI");
        }
    }

    /**
     * Refuses new calls, waits for those in flight (saying so every 5 s), then unloads the
     * library. A second call does nothing. An interrupt does not cut the wait short, since
     * unloading under a running call would crash the JVM; it is kept for the caller.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                gate.closeAndDrain(5_000, inFlight -> System.getLogger(ZigKernels.class.getName()).log(
                        System.Logger.Level.INFO, "waiting for " + inFlight + " Zig kernel call(s) in flight to finish"));
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (library != null) {
            library.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
