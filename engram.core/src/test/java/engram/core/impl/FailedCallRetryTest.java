package engram.core.impl;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelFailureException;
import engram.api.KernelService;
import engram.api.KernelWorkspace;

/**
 * The contract's rule "a failing kernel writes nothing a retry reads", on the call where it
 * matters: a decay in place ({@code out} is {@code strength}). The router retries a failed
 * call on the next kernel; if the failed kernel had already written, the retry would decay
 * strengths that were decayed already.
 */
class FailedCallRetryTest {
    private static final int MEMORIES = 257;
    private static final DecayParams PARAMS = DecayParams.of(new DecayCurve.TwoComponent());

    private final KernelService java = Calls.referenceKernels();
    private final float[] original = new float[MEMORIES];
    private final float[] ages = new float[MEMORIES];
    private final int[] accesses = new int[MEMORIES];
    private float[] decayedOnce;
    private float[] decayedTwice;

    @BeforeEach
    void makeMemories() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < MEMORIES; i++) {
            original[i] = (float) random.nextDouble(0.05, 1);
            ages[i] = (float) random.nextDouble(0, 3 * 86_400);
            accesses[i] = random.nextInt(6);
        }
        decayedOnce = java.decay(original, ages, accesses, PARAMS);
        decayedTwice = java.decay(decayedOnce, ages, accesses, PARAMS);
        assertFalse(Arrays.equals(decayedOnce, decayedTwice), "a second decay changes the strengths");
    }

    /** Decays the original strengths in place through a router where {@code first} ranks above the Java kernels. */
    private float[] decayInPlaceThrough(FakeKernel first, boolean withRouterWorkspace) {
        RouterComponent router = new RouterComponent();
        Registrations registry = new Registrations(router);
        registry.register(java, 0);
        registry.register(first, 100);
        try (Arena arena = Arena.ofConfined(); KernelWorkspace workspace = withRouterWorkspace
                ? router.newWorkspace() : null) {
            MemorySegment strength = arena.allocate(JAVA_FLOAT, MEMORIES);
            MemorySegment.copy(original, 0, strength, JAVA_FLOAT, 0, MEMORIES);
            MemorySegment ageSeconds = arena.allocate(JAVA_FLOAT, MEMORIES);
            MemorySegment.copy(ages, 0, ageSeconds, JAVA_FLOAT, 0, MEMORIES);
            MemorySegment accessCount = arena.allocate(JAVA_INT, MEMORIES);
            MemorySegment.copy(accesses, 0, accessCount, JAVA_INT, 0, MEMORIES);

            router.decay(workspace, strength, ageSeconds, accessCount, MEMORIES, PARAMS, strength);

            assertEquals(1, Calls.listed(router, first.info().id()).failures(), "the first kernel failed");
            assertEquals(1, Calls.listed(router, java.info().id()).callsServed(), "the Java kernels served the retry");
            return strength.toArray(JAVA_FLOAT);
        }
    }

    @Test
    void aKernelThatFailsHavingWrittenNothingLeavesTheRetryToDecayExactlyOnce() {
        for (boolean withRouterWorkspace : new boolean[] {false, true}) {
            FakeKernel failsFirst = FakeKernel.failing("fails-before-writing", 2f,
                    new KernelFailureException("the arena overflowed"));

            float[] result = decayInPlaceThrough(failsFirst, withRouterWorkspace);

            assertArrayEquals(decayedOnce, result, "decayed exactly once, router workspace: " + withRouterWorkspace);
        }
    }

    @Test
    void aKernelThatWritesAndThenFailsMakesTheRetryDecayTwiceWhichIsWhyTheRuleExists() {
        FakeKernel writesThenFails = new FakeKernel("writes-then-fails", 2f);
        writesThenFails.computer = java;
        writesThenFails.after = () -> {
            throw new KernelFailureException("failed after writing its output");
        };

        float[] result = decayInPlaceThrough(writesThenFails, true);

        assertArrayEquals(decayedTwice, result, "the retry decayed what the failed call had decayed");
        assertFalse(Arrays.equals(decayedOnce, result), "which is not the result of one decay");
    }
}
