package engram.kernels.zig.impl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One loaded copy of the Zig kernel library and its downcall handles; the ABI it speaks is
 * {@code docs/internal/native-abi.md}.
 *
 * <p>The library is copied from the fragment to a private file and loaded with
 * {@link SymbolLookup#libraryLookup(Path, Arena)}, not {@code System.loadLibrary}: it is then
 * bound to an arena rather than to a class loader, so closing the arena unloads it and a
 * bundle update can load a new build at once. The copy goes to the first of a list of folders
 * that can hold and map it (inside OSGi the bundle's data area comes before the temporary
 * folder) and is deleted as soon as the library is mapped. At load, the library's version,
 * instruction set and the layout of every struct the two sides share are checked against
 * this side's, so a drift fails loudly.
 *
 * <p>Each kernel has two handles ({@link Downcalls}): a plain one, for off-heap segments, and a
 * critical one that may read heap arrays in place and skips the thread-state transitions. A
 * critical call holds up every safepoint until it returns, so {@link ZigKernels} uses it only
 * for short calls, and then for every short call, on or off the heap ({@link HeapStaging}).
 */
// This is the one class that binds native code, which is what restricted methods are for;
// the JVM must run with --enable-native-access (the launcher and the test runs set it).
@SuppressWarnings("restricted")
final class NativeKernelLibrary implements AutoCloseable {
    /** The ABI this Java side speaks; {@code engram_abi_version()} must return it. */
    static final int ABI_VERSION = 2;

    /** The extern structs of ffi.zig, field by field, in their {@code engram_layout} order. */
    static final StructLayout SPREAD_PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("max_depth"), JAVA_INT.withName("refractory_hops"), JAVA_FLOAT.withName("threshold"),
            JAVA_INT.withName("reserved"), MemoryLayout.sequenceLayout(32, JAVA_FLOAT).withName("hop_factors"));
    static final StructLayout DECAY_PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("curve"), JAVA_INT.withName("consolidation_access_count"), JAVA_FLOAT.withName("floor"),
            JAVA_INT.withName("reserved"), JAVA_DOUBLE.withName("half_life_seconds"),
            JAVA_DOUBLE.withName("power_scale_seconds"), JAVA_DOUBLE.withName("power_beta"),
            JAVA_DOUBLE.withName("tau_seconds"), JAVA_DOUBLE.withName("neocortical_scale_seconds"),
            JAVA_DOUBLE.withName("neocortical_beta"), JAVA_DOUBLE.withName("ebbinghaus_k"),
            JAVA_DOUBLE.withName("ebbinghaus_c"));
    static final StructLayout ARENA_METRICS = MemoryLayout.structLayout(
            JAVA_LONG.withName("capacity_bytes"), JAVA_LONG.withName("in_use_bytes"),
            JAVA_LONG.withName("high_water_bytes"), JAVA_LONG.withName("overflows"),
            JAVA_LONG.withName("fallback_bytes"), JAVA_LONG.withName("resets"),
            JAVA_LONG.withName("last_overflow_bytes"), JAVA_LONG.withName("retained_bytes"));
    static final StructLayout ARENA_TOTALS = MemoryLayout.structLayout(
            JAVA_LONG.withName("live_arenas"), JAVA_LONG.withName("mapped_bytes"),
            JAVA_LONG.withName("arenas_created"), JAVA_LONG.withName("arenas_destroyed"));
    /** The struct ids of {@code engram_layout}, in order. */
    private static final List<StructLayout> SHARED_STRUCTS = List.of(SPREAD_PARAMS, DECAY_PARAMS, ARENA_METRICS,
            ARENA_TOTALS);
    private static final String[] SHARED_STRUCT_NAMES = {"SpreadParams", "DecayParams", "ArenaMetrics", "ArenaTotals"};
    private static final int STRUCT_SIZE = -1;
    private static final long NO_SUCH_FIELD = -1;

    private static final FunctionDescriptor ARENA_CREATE = FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT,
            ADDRESS);
    private static final FunctionDescriptor ARENA_ONE = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor ARENA_METRICS_CALL = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    private static final FunctionDescriptor COSINE = FunctionDescriptor.of(JAVA_INT,
            ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS);
    private static final FunctionDescriptor COSINE_TOPK = FunctionDescriptor.of(JAVA_INT,
            ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    private static final FunctionDescriptor SPREAD = FunctionDescriptor.of(JAVA_INT,
            ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT,
            JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final FunctionDescriptor DECAY = FunctionDescriptor.of(JAVA_INT,
            ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS);
    private static final FunctionDescriptor DECAY_GATHER = FunctionDescriptor.of(JAVA_INT,
            ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_DOUBLE, ADDRESS, ADDRESS);

    final CpuLevel level;
    final String instructionSetName;
    final MethodHandle arenaCreate;
    final MethodHandle arenaDestroy;
    final MethodHandle arenaMetrics;
    final MethodHandle arenaTotals;
    /** The kernels' entry points, for the handles of {@link Downcalls}, which take them first. */
    final MemorySegment cosineEntry;
    final MemorySegment cosineTopKEntry;
    final MemorySegment spreadEntry;
    final MemorySegment decayEntry;
    final MemorySegment decayGatherEntry;
    private final Arena arena;
    private final boolean closeable;

    private NativeKernelLibrary(Arena arena, boolean closeable, CpuLevel level, SymbolLookup symbols)
            throws Throwable {
        this.arena = arena;
        this.closeable = closeable;
        this.level = level;
        Linker linker = Linker.nativeLinker();
        int abi = (int) linker.downcallHandle(find(symbols, "engram_abi_version"), FunctionDescriptor.of(JAVA_INT))
                .invokeExact();
        if (abi != ABI_VERSION) {
            throw new LoadException("the library speaks ABI version " + abi + ", this bundle ABI version "
                    + ABI_VERSION + "; rebuild both from one source tree");
        }
        int isa = (int) linker.downcallHandle(find(symbols, "engram_isa"), FunctionDescriptor.of(JAVA_INT))
                .invokeExact();
        if (isa != level.abiCode) {
            throw new LoadException("the library " + level.resourcePath() + " was compiled for instruction set code "
                    + isa + ", not " + level.abiCode + " (" + level.userName() + "); the fragment is mispackaged");
        }
        checkLayouts(linker.downcallHandle(find(symbols, "engram_layout"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT)));
        MemorySegment name = (MemorySegment) linker.downcallHandle(find(symbols, "engram_isa_name"),
                FunctionDescriptor.of(ADDRESS)).invokeExact();
        this.instructionSetName = name.reinterpret(256).getString(0);
        this.arenaCreate = linker.downcallHandle(find(symbols, "engram_arena_create"), ARENA_CREATE);
        this.arenaDestroy = linker.downcallHandle(find(symbols, "engram_arena_destroy"), ARENA_ONE);
        this.arenaMetrics = linker.downcallHandle(find(symbols, "engram_arena_metrics"), ARENA_METRICS_CALL);
        this.arenaTotals = linker.downcallHandle(find(symbols, "engram_arena_totals"), ARENA_ONE);
        this.cosineEntry = kernelEntry(symbols, "engram_cosine");
        this.cosineTopKEntry = kernelEntry(symbols, "engram_cosine_topk");
        this.spreadEntry = kernelEntry(symbols, "engram_spread");
        this.decayEntry = kernelEntry(symbols, "engram_decay");
        this.decayGatherEntry = kernelEntry(symbols, "engram_decay_gather");
        // Makes the shared handles now, so that a JVM that refuses them refuses this load.
        Downcalls.COSINE.type();
    }

    /**
     * The kernels' handles, made once for every library this JVM loads: each takes the kernel's
     * entry point first ({@code cosineEntry}, ...) and then the C function's arguments. They
     * live in static final fields so that the JIT treats them as constants and compiles the
     * whole downcall into the kernel's call. A handle in an instance field is not a constant:
     * every call went through its lambda forms ({@code MethodHandle.invokeBasic}, 7 % of the
     * smallest cosine in a profile), and the bare downcall of {@code DowncallBenchmark}, whose
     * handles are static, did not. {@code _CRITICAL}: {@link Linker.Option#critical} with heap
     * access.
     */
    static final class Downcalls {
        static final MethodHandle COSINE = unbound(NativeKernelLibrary.COSINE, false);
        static final MethodHandle COSINE_CRITICAL = unbound(NativeKernelLibrary.COSINE, true);
        static final MethodHandle COSINE_TOPK = unbound(NativeKernelLibrary.COSINE_TOPK, false);
        static final MethodHandle COSINE_TOPK_CRITICAL = unbound(NativeKernelLibrary.COSINE_TOPK, true);
        static final MethodHandle SPREAD = unbound(NativeKernelLibrary.SPREAD, false);
        static final MethodHandle SPREAD_CRITICAL = unbound(NativeKernelLibrary.SPREAD, true);
        static final MethodHandle DECAY = unbound(NativeKernelLibrary.DECAY, false);
        static final MethodHandle DECAY_CRITICAL = unbound(NativeKernelLibrary.DECAY, true);
        static final MethodHandle DECAY_GATHER = unbound(NativeKernelLibrary.DECAY_GATHER, false);
        static final MethodHandle DECAY_GATHER_CRITICAL = unbound(NativeKernelLibrary.DECAY_GATHER, true);

        private Downcalls() {
        }

        private static MethodHandle unbound(FunctionDescriptor descriptor, boolean critical) {
            Linker linker = Linker.nativeLinker();
            return critical ? linker.downcallHandle(descriptor, Linker.Option.critical(true))
                    : linker.downcallHandle(descriptor);
        }
    }

    /** Every field offset and struct size this side assumes, against what the library reports. */
    static void checkLayouts(MethodHandle layout) throws Throwable {
        for (int id = 0; id < SHARED_STRUCTS.size(); id++) {
            StructLayout struct = SHARED_STRUCTS.get(id);
            String structName = SHARED_STRUCT_NAMES[id];
            long size = (long) layout.invokeExact(id, STRUCT_SIZE);
            if (size != struct.byteSize()) {
                throw new LoadException("the library's " + structName + " is " + size + " bytes, this bundle's "
                        + struct.byteSize() + "; the ABI drifted: rebuild both from one source tree");
            }
            List<MemoryLayout> fields = struct.memberLayouts();
            for (int field = 0; field < fields.size(); field++) {
                long offset = (long) layout.invokeExact(id, field);
                long expected = struct.byteOffset(MemoryLayout.PathElement.groupElement(field));
                if (offset != expected) {
                    throw new LoadException("the library puts field " + field + " of " + structName + " ("
                            + fields.get(field).name().orElse("?") + ") at byte " + offset + ", this bundle at "
                            + expected + "; the ABI drifted: rebuild both from one source tree");
                }
            }
            if ((long) layout.invokeExact(id, fields.size()) != NO_SUCH_FIELD) {
                throw new LoadException("the library's " + structName + " has more than the " + fields.size()
                        + " fields this bundle knows; the ABI drifted: rebuild both from one source tree");
            }
        }
        if ((long) layout.invokeExact(SHARED_STRUCTS.size(), STRUCT_SIZE) != NO_SUCH_FIELD) {
            throw new LoadException("the library shares more than the " + SHARED_STRUCTS.size()
                    + " structs this bundle knows; the ABI drifted: rebuild both from one source tree");
        }
    }

    /**
     * A kernel's entry point as its bare address, a segment of the global scope. A downcall
     * acquires the scope of its target as it does that of every segment argument, and inside
     * OSGi this library's scope is a shared arena (so that stopping the bundle unloads it): an
     * atomic increment before every call and a decrement after it, on one counter for every
     * thread, which were half the time of a kernel call that did nothing
     * ({@code DowncallBenchmark.zigEmptyScoped} against {@code zigEmpty}). (The automatic arena
     * of the {@link java.util.ServiceLoader} path costs nothing to acquire.)
     * The library stays mapped under every kernel call without it: a kernel call runs only
     * between taking a workspace and giving it back (or under a lease of the call gate), and
     * {@link ZigKernels#close()} unloads the library only once no workspace is held and no lease
     * is out. The other handles (arenas, metrics, totals), which a caller may reach after a
     * close, keep the arena's scope, so that such a call fails with an exception and does not
     * jump into unmapped memory.
     */
    private static MemorySegment kernelEntry(SymbolLookup symbols, String name) throws LoadException {
        return MemorySegment.ofAddress(find(symbols, name).address());
    }

    private static MemorySegment find(SymbolLookup symbols, String name) throws LoadException {
        return symbols.find(name).orElseThrow(() -> new LoadException("the library has no symbol " + name
                + "; it is not an Engram kernel library of ABI version " + ABI_VERSION));
    }

    /** The system property that names a folder for the library's copy, tried first. */
    static final String FOLDER_PROPERTY = "engram.zig.libraryFolder";

    /**
     * The folders where a copy of the library may go, in the order they are tried: the folder
     * the system property {@value #FOLDER_PROPERTY} names, if set, then {@code java.io.tmpdir}.
     */
    static List<Path> defaultFolders() {
        List<Path> folders = new ArrayList<>();
        String configured = System.getProperty(FOLDER_PROPERTY, "");
        if (!configured.isBlank()) {
            folders.add(Path.of(configured));
        }
        folders.add(Path.of(System.getProperty("java.io.tmpdir")));
        return folders;
    }

    /**
     * Loads the library of {@code level} from {@code loader}'s resources through a copy in the
     * first of the {@link #defaultFolders()} that takes it, to be unloaded by {@link #close()}.
     *
     * @throws LoadException with the reason, if the library is missing or unusable
     */
    static NativeKernelLibrary load(ClassLoader loader, CpuLevel level) throws LoadException {
        return load(loader, level, defaultFolders());
    }

    /** As {@link #load(ClassLoader, CpuLevel)}, trying the copy in each of {@code folders} in turn. */
    static NativeKernelLibrary load(ClassLoader loader, CpuLevel level, List<Path> folders) throws LoadException {
        return load(loader, level, folders, Arena.ofShared(), true);
    }

    /**
     * Loads the library of {@code level} for as long as the returned object is reachable: it is
     * unloaded when the object (and with it, its class loader's last user) is collected.
     */
    static NativeKernelLibrary loadUntilUnreachable(ClassLoader loader, CpuLevel level) throws LoadException {
        return load(loader, level, defaultFolders(), Arena.ofAuto(), false);
    }

    /**
     * Maps the library from a private copy, trying each folder until one can hold a copy and
     * map it: a folder may be read-only, missing, or on a file system mounted {@code noexec},
     * where the copy can be written but not mapped. The copy is deleted as soon as it is mapped.
     */
    private static NativeKernelLibrary load(ClassLoader loader, CpuLevel level, List<Path> folders, Arena arena,
            boolean closeable) throws LoadException {
        List<String> failures = new ArrayList<>();
        try {
            for (Path folder : folders) {
                SymbolLookup symbols = map(loader, level, folder, arena, failures);
                if (symbols != null) {
                    return new NativeKernelLibrary(arena, closeable, level, symbols);
                }
            }
        } catch (LoadException e) {
            closeQuietly(arena, closeable);
            throw e;
        } catch (Throwable e) {
            closeQuietly(arena, closeable);
            throw new LoadException("loading " + level.resourcePath() + " failed: " + e, e);
        }
        closeQuietly(arena, closeable);
        throw new LoadException("cannot load " + level.resourcePath() + " from a copy in any of " + folders + ": "
                + String.join("; ", failures) + ". Set libraryFolder in the configuration " + ZigKernelComponent.PID
                + " (or start the JVM with -D" + FOLDER_PROPERTY + "=) to a writable folder on a file system that"
                + " allows executable mappings (not mounted noexec)");
    }

    /** The library mapped from a copy in {@code folder}, or null (with the reason in {@code failures}). */
    private static SymbolLookup map(ClassLoader loader, CpuLevel level, Path folder, Arena arena,
            List<String> failures) throws LoadException {
        Path file = null;
        try {
            try (InputStream in = loader.getResourceAsStream(level.resourcePath())) {
                if (in == null) {
                    throw new LoadException("no native library " + level.resourcePath()
                            + " is attached; install the fragment engram.kernels.zig."
                            + level.platform.replace('-', '.')
                            + " (build it with Zig, without -Dzig.skip); outside OSGi put its jar on the class path,"
                            + " or on a module path add --add-modules engram.kernels.zig."
                            + level.platform.replace('-', '.'));
                }
                Files.createDirectories(folder);
                file = Files.createTempFile(folder, "engram-kernels-" + level.variant + "-", ".so");
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                failures.add(folder + " cannot hold a copy (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + ")");
                return null;
            }
            try {
                return SymbolLookup.libraryLookup(file, arena);
            } catch (IllegalArgumentException e) {
                String mount = noexecMountOf(folder);
                failures.add("the copy in " + folder + " cannot be mapped (" + e.getMessage() + ")" + (mount == null
                        ? "" : ": " + folder + " is on " + mount + ", mounted noexec"));
                return null;
            }
        } finally {
            deleteQuietly(file);
        }
    }

    /** The mount point of {@code folder}'s file system if it is mounted noexec, per /proc/self/mounts; else null. */
    static String noexecMountOf(Path folder) {
        Path target;
        List<String> mounts;
        try {
            target = folder.toRealPath();
            mounts = Files.readAllLines(Path.of("/proc/self/mounts"));
        } catch (IOException e) {
            return null;
        }
        String best = null;
        boolean noexec = false;
        for (String line : mounts) {
            String[] fields = line.split(" ");
            if (fields.length < 4) {
                continue;
            }
            String point = fields[1].replace("\\040", " ");
            if (target.startsWith(point) && (best == null || point.length() > best.length())) {
                best = point;
                noexec = List.of(fields[3].split(",")).contains("noexec");
            }
        }
        return noexec ? best : null;
    }

    /**
     * Deletes the copies of the library that processes which died left in {@code folder}: a
     * live load deletes its copy as soon as it has mapped it, so in a folder only this process
     * uses (a bundle's data area) every copy found before a load is stale.
     *
     * @return how many it deleted
     */
    static int deleteStaleCopies(Path folder) {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        int deleted = 0;
        try (DirectoryStream<Path> copies = Files.newDirectoryStream(folder, "engram-kernels-*.so")) {
            for (Path copy : copies) {
                deleteQuietly(copy);
                deleted++;
            }
        } catch (IOException e) {
            System.getLogger(NativeKernelLibrary.class.getName()).log(System.Logger.Level.DEBUG,
                    "could not list " + folder, e);
        }
        return deleted;
    }

    private static void closeQuietly(Arena arena, boolean closeable) {
        if (closeable) {
            arena.close();
        }
    }

    /**
     * Picks the best library for this CPU: {@code requested} is {@code auto} or a level name
     * ({@code x86_64_v3}, ...) to force one.
     */
    static CpuLevel choose(String requested, String osName, String osArch, Set<String> cpuFlags)
            throws LoadException {
        List<CpuLevel> candidates = CpuLevel.forPlatform(osName, osArch);
        if (candidates.isEmpty()) {
            throw new LoadException("no Zig kernel library is built for " + osName + " on " + osArch
                    + "; the Java kernels serve");
        }
        if (requested == null || requested.isBlank() || requested.equals("auto")) {
            CpuLevel best = CpuLevel.best(candidates, cpuFlags);
            if (best == null) {
                throw new LoadException("this CPU supports none of " + candidates + "; the Java kernels serve");
            }
            return best;
        }
        CpuLevel forced;
        try {
            forced = CpuLevel.named(requested);
        } catch (IllegalArgumentException e) {
            throw new LoadException(e.getMessage());
        }
        if (!candidates.contains(forced)) {
            throw new LoadException("instruction set " + requested + " is not for " + osArch + "; use one of "
                    + candidates.stream().map(CpuLevel::userName).toList() + " or auto");
        }
        if (!forced.supportedBy(cpuFlags)) {
            throw new LoadException("this CPU does not support instruction set " + requested
                    + "; running it would crash the JVM. Use auto");
        }
        return forced;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                System.getLogger(NativeKernelLibrary.class.getName()).log(System.Logger.Level.DEBUG,
                        "could not delete " + file, e);
            }
        }
    }

    /** Unloads the library, if it was loaded to be closed. Call only when no call is in flight. */
    @Override
    public void close() {
        if (closeable) {
            arena.close();
        }
    }

    /** Why a library could not be loaded, in words for an operator. */
    static final class LoadException extends Exception {
        private static final long serialVersionUID = 1L;

        LoadException(String message) {
            super(message);
        }

        LoadException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
