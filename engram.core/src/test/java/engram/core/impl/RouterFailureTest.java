package engram.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import engram.api.ArenaOverflowException;
import engram.api.KernelFailureException;
import engram.api.KernelStatus;
import engram.api.KernelUnavailableException;
import engram.api.OverflowStrategy;

/**
 * What the router does when a kernel refuses or fails: a stopping kernel
 * ({@link KernelUnavailableException}) and a failing one ({@link KernelFailureException})
 * hand the call on; only failures are counted, with the last message; a bad argument goes
 * back to the caller; and the router follows registrations that change during a call.
 */
class RouterFailureTest {
    private final RouterComponent router = new RouterComponent();
    private final Registrations registry = new Registrations(router);

    @Test
    void aFailingKernelHandsTheCallOnAndTheRouterCountsItsFailuresAndKeepsTheLastMessage() {
        AtomicInteger failure = new AtomicInteger();
        FakeKernel broken = new FakeKernel("broken", 3f);
        broken.before = () -> {
            throw new KernelFailureException("scratch failure #" + failure.incrementAndGet());
        };
        FakeKernel java = new FakeKernel("java", 1f);
        registry.register(java, 0);
        registry.register(broken, 100);

        assertEquals(1f, Calls.cosine(router));
        assertEquals(1f, Calls.cosine(router));

        assertEquals(2, broken.calls.sum(), "each call tried the broken kernel first");
        KernelStatus brokenStatus = Calls.listed(router, "broken");
        assertEquals(2, brokenStatus.failures());
        assertEquals("scratch failure #2", brokenStatus.lastFailure());
        assertEquals(0, brokenStatus.callsServed());
        assertTrue(brokenStatus.active(), "a failing kernel stays first: its next call may succeed");
        KernelStatus javaStatus = Calls.listed(router, "java");
        assertEquals(2, javaStatus.callsServed());
        assertEquals(0, javaStatus.failures());
        assertEquals("", javaStatus.lastFailure());
    }

    @Test
    void anArenaOverflowIsAFailureLikeAnyOther() {
        registry.register(new FakeKernel("java", 1f), 0);
        registry.register(FakeKernel.failing("zig", 2f, new ArenaOverflowException("zig", "workspace-1", 1 << 20,
                5 << 20, OverflowStrategy.ERROR)), 100);

        assertEquals(1f, Calls.cosine(router));
        KernelStatus zig = Calls.listed(router, "zig");
        assertEquals(1, zig.failures());
        assertTrue(zig.lastFailure().contains("1048576 bytes"), zig.lastFailure());
    }

    @Test
    void aStoppingKernelHandsTheCallOnWithoutCountingAFailure() {
        FakeKernel stopping = FakeKernel.failing("zig", 2f, new KernelUnavailableException("zig is stopping"));
        FakeKernel java = new FakeKernel("java", 1f);
        registry.register(java, 0);
        registry.register(stopping, 100);

        assertEquals(1f, Calls.cosine(router));
        assertEquals(1, stopping.calls.sum());
        KernelStatus zig = Calls.listed(router, "zig");
        assertEquals(0, zig.failures());
        assertEquals("", zig.lastFailure());
        assertEquals(0, zig.callsServed());
        assertEquals(1, Calls.listed(router, "java").callsServed());
    }

    @Test
    void aBadArgumentGoesBackToTheCallerWithoutTryingAnotherKernelOrCountingAFailure() {
        IllegalArgumentException bad = new IllegalArgumentException("dimensions is 0; it must be in 1..4096");
        FakeKernel refusing = FakeKernel.failing("zig", 2f, bad);
        FakeKernel java = new FakeKernel("java", 1f);
        registry.register(refusing, 100);
        registry.register(java, 0);

        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> Calls.cosine(router));
        assertSame(bad, thrown);
        assertEquals(0, java.calls.sum());
        assertEquals(0, Calls.listed(router, "zig").failures());
        assertEquals(0, Calls.listed(router, "java").callsServed());
    }

    @Test
    void whenEveryKernelRefusesTheExceptionNamesEachKernelAndCarriesEachReason() {
        KernelUnavailableException stopping = new KernelUnavailableException("stopping now");
        KernelFailureException failed = new KernelFailureException("no memory");
        registry.register(FakeKernel.failing("first", 2f, stopping), 100);
        registry.register(FakeKernel.failing("second", 1f, failed), 0);

        KernelUnavailableException e = assertThrows(KernelUnavailableException.class, () -> Calls.cosine(router));
        String message = e.getMessage();
        assertTrue(message.contains("first") && message.contains("second"), "names both kernels: " + message);
        assertTrue(message.contains("stopping now") && message.contains("no memory"), "gives both reasons: "
                + message);
        List<Throwable> attached = new ArrayList<>();
        attached.add(e.getCause());
        attached.addAll(Arrays.asList(e.getSuppressed()));
        assertEquals(List.of(stopping, failed), attached, "both exceptions are attached, in the order tried");
        assertEquals(0, stopping.getSuppressed().length, "the kernels' exceptions are left as they were thrown");
        assertEquals(1, Calls.listed(router, "second").failures());
        assertEquals(0, Calls.listed(router, "first").failures());
    }

    @Test
    void kernelsThatThrowOneSharedExceptionInstanceStillGetAKernelUnavailableException() {
        KernelUnavailableException shared = new KernelUnavailableException("the library is not loaded");
        registry.register(FakeKernel.failing("zig-a", 2f, shared), 100);
        registry.register(FakeKernel.failing("zig-b", 1f, shared), 50);

        for (int call = 0; call < 3; call++) {
            KernelUnavailableException e = assertThrows(KernelUnavailableException.class,
                    () -> Calls.cosine(router));
            assertEquals("every kernel refused the call: zig-a: the library is not loaded; zig-b: the library is not"
                    + " loaded", e.getMessage());
            assertSame(shared, e.getCause());
        }
        assertEquals(0, shared.getSuppressed().length, "nothing was attached to the shared instance");
    }

    @Test
    void withNoKernelRegisteredTheCallSaysToStartTheJavaKernels() {
        KernelUnavailableException e = assertThrows(KernelUnavailableException.class, () -> Calls.cosine(router));
        assertTrue(e.getMessage().contains("no KernelService is registered"), e.getMessage());
        assertTrue(e.getMessage().contains("start the bundle engram.kernels.java"), e.getMessage());
        assertTrue(router.kernels().isEmpty());
    }

    @Test
    void aKernelThatRegistersWhileEveryRegisteredOneRefusesServesTheCall() {
        FakeKernel java = new FakeKernel("java", 1f);
        FakeKernel zig = new FakeKernel("zig", 2f);
        long zigId = registry.register(zig, 100);
        zig.before = () -> {
            // While this call is on its way, java registers and zig stops.
            registry.register(java, 0);
            registry.unregister(zig, zigId, 100);
            throw new KernelUnavailableException("zig is stopping");
        };

        assertEquals(1f, Calls.cosine(router));
        assertEquals(1, java.served.sum());
        assertEquals(List.of("java"), router.kernels().stream().map(KernelStatus::id).toList());
        assertEquals(1, Calls.listed(router, "java").callsServed());
    }

    @Test
    void aCallStopsFollowingRegistrationsThatKeepChangingAndSaysWhy() {
        AtomicInteger made = new AtomicInteger();
        registry.register(refusingKernelWithASuccessor(made), 0);

        KernelUnavailableException e = assertThrows(KernelUnavailableException.class, () -> Calls.cosine(router));
        assertTrue(e.getMessage().startsWith("every kernel refused the call: refusing-0: stopping; refusing-1:"),
                e.getMessage());
        assertTrue(e.getMessage().contains("earlier refusal(s) as registrations changed"), e.getMessage());
        assertTrue(made.get() > 2 && made.get() <= 32, "the call followed the new registrations a bounded number of"
                + " times: " + made.get() + " kernels");
    }

    /** A kernel that refuses every call and, on its first, registers another like it. */
    private FakeKernel refusingKernelWithASuccessor(AtomicInteger made) {
        FakeKernel kernel = new FakeKernel("refusing-" + made.getAndIncrement(), 1f);
        AtomicBoolean succeeded = new AtomicBoolean();
        kernel.before = () -> {
            if (succeeded.compareAndSet(false, true)) {
                registry.register(refusingKernelWithASuccessor(made), 0);
            }
            throw new KernelUnavailableException("stopping");
        };
        return kernel;
    }

    @Test
    void aFailureIsLoggedNamingTheKernelAndTheMessage() {
        Logger logger = Logger.getLogger("engram.core.router");
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord logRecord) {
                records.add(logRecord);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            registry.register(new FakeKernel("java", 1f), 0);
            registry.register(FakeKernel.failing("engram.kernels.zig/x86_64_v3", 2f,
                    new KernelFailureException("the arena overflowed")), 100);
            registry.register(FakeKernel.failing("stopping", 3f, new KernelUnavailableException("stopping")), 200);

            assertEquals(1f, Calls.cosine(router));
        } finally {
            logger.removeHandler(handler);
        }
        assertFalse(records.isEmpty(), "the failure was logged");
        LogRecord first = records.getFirst();
        assertEquals(Level.WARNING, first.getLevel());
        assertTrue(first.getMessage().contains("engram.kernels.zig/x86_64_v3")
                && first.getMessage().contains("the arena overflowed"), first.getMessage());
        assertTrue(records.stream().noneMatch(r -> r.getMessage().contains("kernel stopping")),
                "a refusal of a stopping kernel is not logged: " + records.stream().map(LogRecord::getMessage).toList());
    }
}
