package engram.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import engram.api.SpreadParams;

/**
 * A bare FFM downcall: libc's {@code abs(int)} (found by {@code Linker.nativeLinker().defaultLookup()},
 * an int in, an int back, a few instructions and no system call: {@code getpid()}, which glibc
 * no longer caches, costs a system call, 85 ns against 9 ns on the machine of
 * docs/performance.md), through a
 * static final method handle, as a kernel's downcall handles are, and the same marked critical
 * (no thread-state transition). The floor under the Zig kernel's smallest call
 * ({@link CallOverheadBenchmark}).
 *
 * <p>{@code zigCosine}, {@code zigCosineTopK}, {@code zigDecay} and {@code zigSpread} are the
 * smallest calls of {@link CallOverheadBenchmark} as one critical downcall straight into the library the Zig
 * kernel loads (a copy of the same resource, found by the level the kernel reports), on an
 * arena of the library's own, with the inputs as bare addresses: no argument check, no
 * workspace, no acquire of an arena. So a Zig call's time splits into what the library and the
 * downcall take (these) and what the Java side adds (the rest). {@code zig build bench-calls}
 * times the same calls from a native loop, without the JVM. {@code zigEmpty} calls with no row,
 * and {@code zigEmptyScoped} does the same through a handle whose target keeps the library's
 * arena as its scope, which a downcall acquires and releases around every call. Their
 * {@code layout} is where the inputs sit ({@link ZigInputs}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// See SimilarityBenchmark for the forks and flags.
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class DowncallBenchmark {
    private static final MethodHandle ABS;
    private static final MethodHandle ABS_CRITICAL;

    /** The argument, from a field so that the JIT cannot fold the call away. */
    private int value = -42;

    static {
        ABS = downcallToAbs();
        ABS_CRITICAL = downcallToAbs(Linker.Option.critical(false));
    }

    // Restricted: the JVM runs with --enable-native-access=ALL-UNNAMED, as for the Zig kernel.
    @SuppressWarnings("restricted")
    private static MethodHandle downcallToAbs(Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        var abs = linker.defaultLookup().find("abs")
                .orElseThrow(() -> new IllegalStateException("the C library has no abs"));
        return linker.downcallHandle(abs, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), options);
    }

    /**
     * The Zig kernel's library loaded a second time, from a copy of its resource, with an arena
     * of its own and the decay's parameter block; made on the first Zig benchmark's call, in
     * static finals as the kernel's own handles are. The fork's end frees it.
     */
    private static final class Zig {
        static final MethodHandle COSINE;
        static final MethodHandle COSINE_SCOPED;
        static final MethodHandle COSINE_TOPK;
        static final MethodHandle DECAY;
        static final MethodHandle SPREAD;
        static final MemorySegment ARENA;
        static final MemorySegment DECAY_PARAMS;
        static final MemorySegment SPREAD_PARAMS;

        static {
            Arena memory = Arena.ofShared();
            SymbolLookup lookup = libraryCopy(memory);
            Linker.Option critical = Linker.Option.critical(false);
            FunctionDescriptor cosine = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
            COSINE = downcall(lookup, "engram_cosine", cosine, critical);
            COSINE_SCOPED = scopedDowncall(lookup, "engram_cosine", cosine, critical);
            COSINE_TOPK = downcall(lookup, "engram_cosine_topk", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), critical);
            SPREAD = downcall(lookup, "engram_spread", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS), critical);
            DECAY = downcall(lookup, "engram_decay", FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS), critical);
            MethodHandle arenaCreate = downcall(lookup, "engram_arena_create", FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MemorySegment handle = memory.allocate(ValueLayout.ADDRESS);
            int status;
            try {
                status = (int) arenaCreate.invokeExact(1L << 20, 0, handle);
            } catch (Throwable e) {
                throw new IllegalStateException("engram_arena_create failed: " + e, e);
            }
            if (status != 0) {
                throw new IllegalStateException("engram_arena_create returned status " + status);
            }
            ARENA = handle.get(ValueLayout.ADDRESS, 0);
            // The exponential curve (code 0) with a half-life of one day; the rest of the block 0.
            MemorySegment params = memory.allocate(80, 8).fill((byte) 0);
            params.set(ValueLayout.JAVA_DOUBLE, 16, 86_400.0);
            DECAY_PARAMS = bare(params);
            // CallOverheadBenchmark's spread: depth 1, each node firing once, its threshold and
            // hop factor; the other 31 factors 0 (ffi.zig's SpreadParams).
            SpreadParams spread = SmallestCalls.SPREAD_PARAMS;
            MemorySegment block = memory.allocate(16 + 4L * SpreadParams.MAX_DEPTH, 8).fill((byte) 0);
            block.set(ValueLayout.JAVA_INT, 0, spread.maxDepth());
            block.set(ValueLayout.JAVA_INT, 4, spread.refractoryHops());
            block.set(ValueLayout.JAVA_FLOAT, 8, spread.threshold());
            block.setAtIndex(ValueLayout.JAVA_FLOAT, 4, spread.hopFactor(1));
            SPREAD_PARAMS = bare(block);
        }

        /** To the function's bare address, as the Zig kernel's handles are: the downcall acquires no scope for it. */
        // Restricted: the JVM runs with --enable-native-access=ALL-UNNAMED, as for the Zig kernel.
        @SuppressWarnings("restricted")
        private static MethodHandle downcall(SymbolLookup lookup, String name, FunctionDescriptor descriptor,
                Linker.Option... options) {
            return Linker.nativeLinker().downcallHandle(MemorySegment.ofAddress(lookup.findOrThrow(name).address()),
                    descriptor, options);
        }

        /** To the symbol as the lookup gives it, of the library's shared arena, acquired and released by each call. */
        @SuppressWarnings("restricted")
        private static MethodHandle scopedDowncall(SymbolLookup lookup, String name, FunctionDescriptor descriptor,
                Linker.Option... options) {
            return Linker.nativeLinker().downcallHandle(lookup.findOrThrow(name), descriptor, options);
        }

        /** The library of the level the Zig kernel reports, copied out of its resource and loaded. */
        @SuppressWarnings("restricted")
        private static SymbolLookup libraryCopy(Arena memory) {
            String id = Kernels.named("zig").info().id();
            String level = id.substring(id.indexOf('/') + 1);
            String platform = level.startsWith("aarch64") ? "linux-aarch64" : "linux-x86_64";
            String resource = "native/" + platform + "/libengram_kernels_" + level + ".so";
            try {
                Path copy = Files.createTempFile("engram-downcall-", ".so");
                try (InputStream in = DowncallBenchmark.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException("no " + resource + " on the class path, though the Zig kernel"
                                + " reports " + id + "; run through engram.bench/run, whose class path has it");
                    }
                    Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                }
                SymbolLookup lookup = SymbolLookup.libraryLookup(copy, memory);
                Files.delete(copy);
                return lookup;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + resource + " out to load it", e);
            }
        }

        /** The segment's address alone, of the global scope: the downcall acquires nothing for it. */
        static MemorySegment bare(MemorySegment segment) {
            return MemorySegment.ofAddress(segment.address());
        }
    }

    /**
     * The inputs of the direct Zig calls, as bare addresses. {@code layout}: {@code adjacent},
     * each value in an allocation of its own from one arena, so side by side, as
     * {@link CallOverheadBenchmark}'s are; {@code pages}, each value on a page of its own (and
     * at another offset in it, so that no two share their low 12 address bits).
     */
    @State(Scope.Benchmark)
    public static class ZigInputs {
        @Param({"adjacent", "pages"})
        String layout;

        private Arena memory;
        private MemorySegment block;
        private int next;
        MemorySegment query;
        MemorySegment row;
        MemorySegment norm;
        MemorySegment strength;
        MemorySegment age;
        MemorySegment count;
        MemorySegment out;
        MemorySegment index;
        MemorySegment offsets;
        MemorySegment seedNode;
        MemorySegment seedActivation;
        MemorySegment firstHop;
        MemorySegment reached;
        private MemorySegment outSegment;
        private MemorySegment indexSegment;
        private MemorySegment reachedSegment;

        /** Places the inputs, then checks both direct calls' results once, as the other benchmarks check theirs. */
        @Setup
        public void setUp() throws Throwable {
            memory = Arena.ofShared();
            if (!layout.equals("adjacent") && !layout.equals("pages")) {
                throw new IllegalArgumentException("layout is " + layout + "; it must be adjacent or pages");
            }
            block = memory.allocate(16 * 4096, 4096);
            query = Zig.bare(value(Float.floatToRawIntBits(0.5f)));
            row = Zig.bare(value(Float.floatToRawIntBits(-0.25f)));
            norm = Zig.bare(value(Float.floatToRawIntBits(0.25f)));
            strength = Zig.bare(value(Float.floatToRawIntBits(0.8f)));
            age = Zig.bare(value(Float.floatToRawIntBits(3_600f)));
            count = Zig.bare(value(0));
            outSegment = value(0);
            out = Zig.bare(outSegment);
            indexSegment = value(-1);
            index = Zig.bare(indexSegment);
            // A graph of one node and no edge: offsets {0, 0}; its targets and weights are never read.
            offsets = Zig.bare(values(2, 0));
            seedNode = Zig.bare(value(0));
            seedActivation = Zig.bare(value(Float.floatToRawIntBits(0.9f)));
            firstHop = Zig.bare(value(-1));
            reachedSegment = value(0);
            reached = Zig.bare(reachedSegment);
            if ((int) Zig.COSINE.invokeExact(Zig.ARENA, query, 1, row, 0L, 1L, norm, out) != 0
                    || outSegment.get(ValueLayout.JAVA_FLOAT, 0) != -1f) {
                throw new IllegalStateException("engram_cosine did not score -1 for 0.5 against -0.25 of norm 0.25");
            }
            int status = (int) Zig.DECAY.invokeExact(Zig.ARENA, strength, age, count, 1L, Zig.DECAY_PARAMS, out);
            double expected = 0.8f * Math.pow(2, -1.0 / 24);
            float got = outSegment.get(ValueLayout.JAVA_FLOAT, 0);
            if (status != 0 || Math.abs(got - expected) > 1e-6 * expected) {
                throw new IllegalStateException("engram_decay gave " + got + " (status " + status + ") for an hour on"
                        + " a half-life of a day, not " + expected);
            }
            checkTopKAndSpread();
        }

        private void checkTopKAndSpread() throws Throwable {
            if ((int) Zig.COSINE_TOPK.invokeExact(Zig.ARENA, query, 1, 1, row, 0L, 1L, norm, 1, index, out) != 0
                    || indexSegment.get(ValueLayout.JAVA_INT, 0) != 0 || outSegment.get(ValueLayout.JAVA_FLOAT, 0) != -1f) {
                throw new IllegalStateException("engram_cosine_topk did not rank row 0 first at -1");
            }
            int status = (int) Zig.SPREAD.invokeExact(Zig.ARENA, 1, 0L, offsets, offsets, offsets, seedNode,
                    seedActivation, 1, Zig.SPREAD_PARAMS, 0, 0, MemorySegment.NULL, out, firstHop, reached);
            if (status != 0 || reachedSegment.get(ValueLayout.JAVA_INT, 0) != 1
                    || outSegment.get(ValueLayout.JAVA_FLOAT, 0) != 0.9f) {
                throw new IllegalStateException("engram_spread (status " + status + ") did not leave the one seed at"
                        + " 0.9, alone");
            }
        }

        /** Four bytes holding {@code bits}, placed as {@code layout} says. */
        private MemorySegment value(int bits) {
            return values(1, bits);
        }

        /** {@code count} ints each holding {@code bits}, side by side, placed as {@code layout} says. */
        private MemorySegment values(int count, int bits) {
            MemorySegment segment = layout.equals("adjacent") ? memory.allocate(ValueLayout.JAVA_INT, count)
                    : block.asSlice(next * (4096L + 64), (long) Integer.BYTES * count);
            next++;
            for (int i = 0; i < count; i++) {
                segment.setAtIndex(ValueLayout.JAVA_INT, i, bits);
            }
            return segment;
        }

        @TearDown
        public void tearDown() {
            memory.close();
        }
    }

    /** The same downcall with no row: the library checks its arguments, takes the arena and returns. */
    @Benchmark
    public int zigEmpty(ZigInputs in) throws Throwable {
        return (int) Zig.COSINE.invokeExact(Zig.ARENA, in.query, 1, in.row, 0L, 0L, in.norm, in.out);
    }

    /** {@link #zigEmpty} through a handle bound to the symbol with its library's scope, as the kernel's were. */
    @Benchmark
    public int zigEmptyScoped(ZigInputs in) throws Throwable {
        return (int) Zig.COSINE_SCOPED.invokeExact(Zig.ARENA, in.query, 1, in.row, 0L, 0L, in.norm, in.out);
    }

    @Benchmark
    public int zigCosine(ZigInputs in) throws Throwable {
        return (int) Zig.COSINE.invokeExact(Zig.ARENA, in.query, 1, in.row, 0L, 1L, in.norm, in.out);
    }

    @Benchmark
    public int zigCosineTopK(ZigInputs in) throws Throwable {
        return (int) Zig.COSINE_TOPK.invokeExact(Zig.ARENA, in.query, 1, 1, in.row, 0L, 1L, in.norm, 1, in.index,
                in.out);
    }

    /** The spread of depth 1 from one seed on a graph of one node and no edge; the graph's lists are its offsets. */
    @Benchmark
    public int zigSpread(ZigInputs in) throws Throwable {
        return (int) Zig.SPREAD.invokeExact(Zig.ARENA, 1, 0L, in.offsets, in.offsets, in.offsets, in.seedNode,
                in.seedActivation, 1, Zig.SPREAD_PARAMS, 0, 0, MemorySegment.NULL, in.out, in.firstHop, in.reached);
    }

    @Benchmark
    public int zigDecay(ZigInputs in) throws Throwable {
        return (int) Zig.DECAY.invokeExact(Zig.ARENA, in.strength, in.age, in.count, 1L, Zig.DECAY_PARAMS, in.out);
    }

    /** {@link #zigDecay} 64 times in a loop of the benchmark's own, for each call's share. */
    @Benchmark
    @OperationsPerInvocation(64)
    public int zigDecayLoop(ZigInputs in) throws Throwable {
        int status = 0;
        for (int i = 0; i < 64; i++) {
            status |= (int) Zig.DECAY.invokeExact(Zig.ARENA, in.strength, in.age, in.count, 1L, Zig.DECAY_PARAMS,
                    in.out);
        }
        return status;
    }

    @Benchmark
    public int abs() throws Throwable {
        return (int) ABS.invokeExact(value);
    }

    @Benchmark
    public int absCritical() throws Throwable {
        return (int) ABS_CRITICAL.invokeExact(value);
    }
}
