package engram.kernels.zig.impl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;

/**
 * One loaded copy of the Zig kernel library and its downcall handles.
 *
 * <p>The library is copied from the fragment to a temporary file and loaded with
 * {@link SymbolLookup#libraryLookup(Path, Arena)}, not {@code System.loadLibrary}: it is
 * then bound to this object's arena rather than to a class loader, so closing unloads it
 * and a bundle update can load the new build at once. The file is deleted as soon as the
 * library is mapped.
 *
 * <p>Each kernel has two handles: a plain one for off-heap segments, and a critical one
 * that may read heap arrays in place (critical calls hold up the garbage collector, so
 * they serve the heap-array convenience calls only).
 */
// This is the one class that binds native code, which is what restricted methods are for;
// the JVM must run with --enable-native-access (the launcher and the test runs set it).
@SuppressWarnings("restricted")
final class NativeKernelLibrary implements AutoCloseable {
    /** The ABI this Java side speaks; {@code engram_abi_version()} must return it. */
    static final int ABI_VERSION = 1;

    private static final FunctionDescriptor COSINE = FunctionDescriptor.of(JAVA_INT,
            ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS);
    private static final FunctionDescriptor COSINE_TOPK = FunctionDescriptor.of(JAVA_INT,
            ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    private static final FunctionDescriptor SPREAD = FunctionDescriptor.of(JAVA_INT,
            JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final FunctionDescriptor DECAY = FunctionDescriptor.of(JAVA_INT,
            ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS);

    final CpuLevel level;
    final String instructionSetName;
    final MethodHandle cosine;
    final MethodHandle cosineHeap;
    final MethodHandle cosineTopK;
    final MethodHandle cosineTopKHeap;
    final MethodHandle spread;
    final MethodHandle spreadHeap;
    final MethodHandle decay;
    final MethodHandle decayHeap;
    private final Arena arena;

    private NativeKernelLibrary(Arena arena, CpuLevel level, SymbolLookup symbols) throws Throwable {
        this.arena = arena;
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
        MemorySegment name = (MemorySegment) linker.downcallHandle(find(symbols, "engram_isa_name"),
                FunctionDescriptor.of(ADDRESS)).invokeExact();
        this.instructionSetName = name.reinterpret(256).getString(0);
        Linker.Option heapAccess = Linker.Option.critical(true);
        MemorySegment cosineSymbol = find(symbols, "engram_cosine");
        MemorySegment topKSymbol = find(symbols, "engram_cosine_topk");
        MemorySegment spreadSymbol = find(symbols, "engram_spread");
        MemorySegment decaySymbol = find(symbols, "engram_decay");
        this.cosine = linker.downcallHandle(cosineSymbol, COSINE);
        this.cosineHeap = linker.downcallHandle(cosineSymbol, COSINE, heapAccess);
        this.cosineTopK = linker.downcallHandle(topKSymbol, COSINE_TOPK);
        this.cosineTopKHeap = linker.downcallHandle(topKSymbol, COSINE_TOPK, heapAccess);
        this.spread = linker.downcallHandle(spreadSymbol, SPREAD);
        this.spreadHeap = linker.downcallHandle(spreadSymbol, SPREAD, heapAccess);
        this.decay = linker.downcallHandle(decaySymbol, DECAY);
        this.decayHeap = linker.downcallHandle(decaySymbol, DECAY, heapAccess);
    }

    private static MemorySegment find(SymbolLookup symbols, String name) throws LoadException {
        return symbols.find(name).orElseThrow(() -> new LoadException("the library has no symbol " + name
                + "; it is not an Engram kernel library of ABI version " + ABI_VERSION));
    }

    /**
     * Loads the library of {@code level} from {@code loader}'s resources.
     *
     * @throws LoadException with the reason, if the library is missing or unusable
     */
    static NativeKernelLibrary load(ClassLoader loader, CpuLevel level) throws LoadException {
        Path file = null;
        Arena arena = Arena.ofShared();
        try (InputStream in = loader.getResourceAsStream(level.resourcePath())) {
            if (in == null) {
                throw new LoadException("no native library " + level.resourcePath()
                        + " is attached; install the fragment engram.kernels.zig." + level.platform.replace('-', '.')
                        + " (build it with Zig, without -Dzig.skip); outside OSGi put its jar on the class path,"
                        + " or on a module path add --add-modules engram.kernels.zig." + level.platform.replace('-', '.'));
            }
            file = Files.createTempFile("engram-kernels-" + level.variant + "-", ".so");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            SymbolLookup symbols = SymbolLookup.libraryLookup(file, arena);
            return new NativeKernelLibrary(arena, level, symbols);
        } catch (LoadException e) {
            arena.close();
            throw e;
        } catch (Throwable e) {
            arena.close();
            throw new LoadException("loading " + level.resourcePath() + " failed: " + e, e);
        } finally {
            deleteQuietly(file);
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

    /** Unloads the library. Call only when no call is in flight. */
    @Override
    public void close() {
        arena.close();
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
