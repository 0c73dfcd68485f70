package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import engram.api.CsrGraph;
import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelWorkspace;
import engram.api.SpreadParams;
import engram.kernels.java.impl.ReferenceKernels;
import engram.kernels.zig.impl.differential.InvalidCalls;

/**
 * Boundary fuzzing: {@value #CALLS} generated invalid calls to the Zig kernel, each of which
 * must end in an {@link IllegalArgumentException} naming the bad argument (an
 * {@link IllegalStateException} for a workspace another call is using), or in the result the
 * contract defines for non-finite and out-of-range data; the kernel must answer correctly
 * after them, and the JVM must live to print the tally. Then invalid values sent straight to
 * the library's downcall handles, past the Java checks, at every level this CPU runs: the
 * native re-checks must refuse each with status 1, and the library must answer valid calls
 * of every entry point correctly after every {@value #SANITY_EVERY}.
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
        SplittableRandom random = new SplittableRandom(SEED);
        int refused = 0;
        int busy = 0;
        int defined = 0;
        ReferenceKernels reference = new ReferenceKernels();
        try (ZigKernels zig = NativeLibraries.load(); ZigKernels another = NativeLibraries.load();
                KernelWorkspace referenceWorkspace = reference.newWorkspace();
                KernelWorkspace anotherWorkspace = another.newWorkspace();
                KernelWorkspace own = zig.newWorkspace()) {
            InvalidCalls calls = new InvalidCalls(foreign[0], List.of(
                    new InvalidCalls.ForeignWorkspace("a workspace of the Java reference kernels", referenceWorkspace),
                    new InvalidCalls.ForeignWorkspace("a workspace of another instance of the Zig kernels",
                            anotherWorkspace)));
            for (int i = 0; i < CALLS; i++) {
                try (Arena arena = Arena.ofConfined()) {
                    InvalidCalls.Call call = calls.next(random, i, arena);
                    try {
                        call.call().accept(zig);
                        if (call.argument() != null) {
                            fail("call " + i + ", " + call.description() + ": accepted; it must be refused");
                        }
                        defined++;
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        String message = e.getMessage();
                        if (call.argument() == null || !call.refusal().isInstance(e) || !names(message,
                                call.argument())) {
                            fail("call " + i + ", " + call.description() + ": the refusal should be "
                                    + (call.refusal() == null ? "none" : call.refusal().getSimpleName()) + " naming "
                                    + call.argument() + ": " + e, e);
                        }
                        if (e instanceof IllegalStateException) {
                            busy++;
                        } else {
                            refused++;
                        }
                    }
                }
                if (i % SANITY_EVERY == 0) {
                    assertAnswersCorrectly(zig, own);
                }
            }
            System.out.printf("boundary fuzz %s: %d invalid calls in %d categories: %d refused with an"
                    + " IllegalArgumentException naming the argument, %d with an IllegalStateException naming the"
                    + " busy workspace, %d gave the contract's results for values out of range;"
                    + " the kernel answered correctly after every %d%n", zig.level(), CALLS, calls.categoryCount(),
                    refused, busy, defined, SANITY_EVERY);
        }
        assertEquals(CALLS, refused + busy + defined);
    }

    /** Whether {@code message} names {@code argument}: as a word of its own, not inside a longer name. */
    private static boolean names(String message, String argument) {
        if (message == null) {
            return false;
        }
        for (int at = message.indexOf(argument); at >= 0; at = message.indexOf(argument, at + 1)) {
            if (at == 0 || !Character.isJavaIdentifierPart(message.charAt(at - 1))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A correct answer from the kernel after invalid calls: a cosine on the heap from the pool,
     * and, with the kernel's own long-lived workspace, a batch over a row range, a sparse
     * spread and a gather.
     */
    private static void assertAnswersCorrectly(ZigKernels zig, KernelWorkspace workspace) {
        assertArrayEquals(new float[] {1f, -1f}, zig.cosine(new float[] {2f}, new float[] {3f, -4f}, null));
        try (Arena arena = Arena.ofConfined(); CsrGraph chain = CsrGraph.of(new int[] {0, 1, 2, 2}, new int[] {1, 2},
                new float[] {0.5f, 0.5f})) {
            MemorySegment queries = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f, 0f, 0f, 1f);
            MemorySegment matrix = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 9f, 9f, 0f, 2f, 3f, 0f, -1f, -1f);
            MemorySegment index = arena.allocate(ValueLayout.JAVA_INT, 2);
            MemorySegment score = arena.allocate(ValueLayout.JAVA_FLOAT, 2);
            zig.cosineTopK(workspace, queries, 2, 2, matrix, 1, 2, null, 1, index, score);
            assertArrayEquals(new int[] {2, 1}, index.toArray(ValueLayout.JAVA_INT));
            assertArrayEquals(new float[] {1f, 1f}, score.toArray(ValueLayout.JAVA_FLOAT));
            MemorySegment nodes = arena.allocate(ValueLayout.JAVA_INT, 2);
            MemorySegment activation = arena.allocate(ValueLayout.JAVA_FLOAT, 2);
            MemorySegment firstHop = arena.allocate(ValueLayout.JAVA_INT, 2);
            int reached = zig.spreadSparse(workspace, chain, arena.allocateFrom(ValueLayout.JAVA_INT, 0),
                    arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f), 1, SpreadParams.of(0, 1f, 1f), nodes, activation,
                    firstHop, 2);
            assertEquals(3, reached);
            assertArrayEquals(new int[] {0, 1}, nodes.toArray(ValueLayout.JAVA_INT));
            assertArrayEquals(new float[] {1f, 0.5f}, activation.toArray(ValueLayout.JAVA_FLOAT));
            assertArrayEquals(new int[] {0, 1}, firstHop.toArray(ValueLayout.JAVA_INT));
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, 2);
            zig.decayGather(workspace, arena.allocateFrom(ValueLayout.JAVA_INT, 1, 1), 2, 2,
                    arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0.25f, 1f),
                    arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 0, 1e9 - 86_400), null, 1e9,
                    DecayParams.of(new DecayCurve.Exponential()), out);
            assertArrayEquals(new float[] {0.5f, 0.5f}, out.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @Test
    void theLibraryRefusesBadValuesPastTheJavaChecksWithStatus1() throws Throwable {
        NativeLibraries.assumeBuilt();
        for (CpuLevel level : NativeLibraries.runnableLevels()) {
            SplittableRandom random = new SplittableRandom(SEED ^ level.abiCode);
            try (NativeKernelLibrary library = NativeKernelLibrary.load(getClass().getClassLoader(), level);
                    Arena arena = Arena.ofConfined(); NativeRechecks rechecks = new NativeRechecks(library, arena)) {
                for (int i = 0; i < NATIVE_CALLS_PER_LEVEL; i++) {
                    NativeRechecks.NativeCall call = rechecks.next(random, i);
                    assertEquals(NativeRechecks.STATUS_INVALID_ARGUMENT, call.call().invoke(),
                            level.userName() + " call " + i + ": " + call.description());
                    if (i % SANITY_EVERY == 0) {
                        for (NativeRechecks.ValidCall valid : rechecks.validCalls()) {
                            assertEquals(NativeRechecks.STATUS_OK, valid.call().invoke(),
                                    level.userName() + " after call " + i + ": a valid " + valid.description());
                            valid.answer().run();
                        }
                    }
                }
                System.out.printf("boundary fuzz %s native: %d invalid calls in %d categories straight to the"
                        + " downcall handles, every one refused with status 1; the library answered correctly"
                        + " after every %d%n", level.userName(), NATIVE_CALLS_PER_LEVEL, rechecks.categoryCount(),
                        SANITY_EVERY);
                assertTrue(rechecks.categoryCount() > 0);
            }
        }
    }
}
