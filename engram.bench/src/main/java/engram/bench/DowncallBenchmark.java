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
 * A bare FFM downcall: libc's {@code getpid()} (found by {@code Linker.nativeLinker().defaultLookup()},
 * no arguments, an int back; glibc answers it from user space without a system call), through a
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
    private static final MethodHandle GETPID;
    private static final MethodHandle GETPID_CRITICAL;

    static {
        GETPID = downcallToGetpid();
        GETPID_CRITICAL = downcallToGetpid(Linker.Option.critical(false));
    }

    // Restricted: the JVM runs with --enable-native-access=ALL-UNNAMED, as for the Zig kernel.
    @SuppressWarnings("restricted")
    private static MethodHandle downcallToGetpid(Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        var getpid = linker.defaultLookup().find("getpid")
                .orElseThrow(() -> new IllegalStateException("the C library has no getpid"));
        return linker.downcallHandle(getpid, FunctionDescriptor.of(ValueLayout.JAVA_INT), options);
    }

    @Benchmark
    public int getpid() throws Throwable {
        return (int) GETPID.invokeExact();
    }

    @Benchmark
    public int getpidCritical() throws Throwable {
        return (int) GETPID_CRITICAL.invokeExact();
    }
}
