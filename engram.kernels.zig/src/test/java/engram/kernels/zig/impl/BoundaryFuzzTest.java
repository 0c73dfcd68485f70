package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import engram.kernels.zig.impl.differential.InvalidCalls;

/**
 * Boundary fuzzing: {@value #CALLS} generated invalid calls to the Zig kernel, each of which
 * must end in an {@link IllegalArgumentException} naming the bad argument, or in the result
 * the contract defines for non-finite data; the kernel must answer correctly after them, and
 * the JVM must live to print the tally. Then invalid values sent straight to the library's
 * downcall handles, past the Java checks, at every level this CPU runs: the native re-checks
 * must refuse each with status 1.
 */
class BoundaryFuzzTest {
    static final int CALLS = 10_000;
    static final int NATIVE_CALLS_PER_LEVEL = 1_000;
    private static final long SEED = 0x5EED_0004L;
    /** A correct call every this many invalid ones shows that the kernel still answers. */
    private static final int SANITY_EVERY = 100;

    @Test
    void invalidCallsAreRefusedByNameOrGiveTheContractsResult() throws InterruptedException {
        MemorySegment[] foreign = new MemorySegment[1];
        Thread owner = Thread.ofPlatform().start(() -> foreign[0] = Arena.ofConfined().allocate(64, 8));
        owner.join();
        InvalidCalls calls = new InvalidCalls(foreign[0]);
        SplittableRandom random = new SplittableRandom(SEED);
        int refused = 0;
        int defined = 0;
        try (ZigKernels zig = NativeLibraries.load()) {
            for (int i = 0; i < CALLS; i++) {
                try (Arena arena = Arena.ofConfined()) {
                    InvalidCalls.Call call = calls.next(random, i, arena);
                    try {
                        call.call().accept(zig);
                        if (call.argument() != null) {
                            fail("call " + i + ", " + call.description() + ": accepted; it must be refused");
                        }
                        defined++;
                    } catch (IllegalArgumentException e) {
                        String message = e.getMessage();
                        if (call.argument() == null || message == null
                                || !(message.startsWith(call.argument()) || message.contains(" " + call.argument()))) {
                            fail("call " + i + ", " + call.description() + ": the refusal should name "
                                    + call.argument() + ": " + message, e);
                        }
                        refused++;
                    }
                }
                if (i % SANITY_EVERY == 0) {
                    assertArrayEquals(new float[] {1f, -1f}, zig.cosine(new float[] {2f}, new float[] {3f, -4f}, null));
                }
            }
            System.out.printf("boundary fuzz %s: %d invalid calls in %d categories: %d refused with an"
                    + " IllegalArgumentException naming the argument, %d gave the contract's NaN results;"
                    + " the kernel answered correctly after every %d%n", zig.level(), CALLS, calls.categoryCount(),
                    refused, defined, SANITY_EVERY);
        }
        assertEquals(CALLS, refused + defined);
    }

    @Test
    void theLibraryRefusesBadValuesPastTheJavaChecksWithStatus1() throws Throwable {
        NativeLibraries.assumeBuilt();
        for (CpuLevel level : NativeLibraries.runnableLevels()) {
            SplittableRandom random = new SplittableRandom(SEED ^ level.abiCode);
            try (NativeKernelLibrary library = NativeKernelLibrary.load(getClass().getClassLoader(), level);
                    Arena arena = Arena.ofConfined()) {
                NativeRechecks rechecks = new NativeRechecks(library, arena);
                for (int i = 0; i < NATIVE_CALLS_PER_LEVEL; i++) {
                    NativeRechecks.NativeCall call = rechecks.next(random, i);
                    assertEquals(NativeRechecks.STATUS_INVALID_ARGUMENT, call.call().invoke(),
                            level.userName() + " call " + i + ": " + call.description());
                    if (i % SANITY_EVERY == 0) {
                        for (NativeRechecks.NativeCall valid : rechecks.validCalls()) {
                            assertEquals(NativeRechecks.STATUS_OK, valid.call().invoke(),
                                    level.userName() + " after call " + i + ": a valid " + valid.description());
                        }
                    }
                }
                System.out.printf("boundary fuzz %s native: %d invalid calls in %d categories straight to the"
                        + " downcall handles, every one refused with status 1%n", level.userName(),
                        NATIVE_CALLS_PER_LEVEL, rechecks.categoryCount());
                assertTrue(rechecks.categoryCount() > 0);
            }
        }
    }
}
