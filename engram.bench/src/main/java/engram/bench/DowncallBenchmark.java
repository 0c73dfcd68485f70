package engram.bench;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A bare FFM downcall: libc's {@code abs(int)} (found by {@code Linker.nativeLinker().defaultLookup()},
 * an int in, an int back, a few instructions and no system call: {@code getpid()}, which glibc
 * no longer caches, costs a system call, 85 ns against 9 ns on the machine of
 * docs/performance.md), through a
 * static final method handle, as a kernel's downcall handles are, and the same marked critical
 * (no thread-state transition). The floor under the Zig kernel's smallest call
 * ({@link CallOverheadBenchmark}).
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

    @Benchmark
    public int abs() throws Throwable {
        return (int) ABS.invokeExact(value);
    }

    @Benchmark
    public int absCritical() throws Throwable {
        return (int) ABS_CRITICAL.invokeExact(value);
    }
}
