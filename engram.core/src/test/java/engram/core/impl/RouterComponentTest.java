package engram.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;

import engram.api.CsrGraph;
import engram.api.DecayParams;
import engram.api.KernelFailureException;
import engram.api.KernelInfo;
import engram.api.KernelService;
import engram.api.KernelStatus;
import engram.api.KernelUnavailableException;
import engram.api.SpreadParams;

class RouterComponentTest {

    /** A kernel whose cosine writes its own marker value, or does what {@code behaviour} says. */
    private static final class FakeKernel implements KernelService {
        private final String name;
        private final float marker;
        private final Runnable behaviour;
        final AtomicInteger calls = new AtomicInteger();

        FakeKernel(String name, float marker, Runnable behaviour) {
            this.name = name;
            this.marker = marker;
            this.behaviour = behaviour;
        }

        @Override
        public KernelInfo info() {
            return new KernelInfo(name, "1", "test");
        }

        @Override
        public void cosine(MemorySegment query, int dimensions, MemorySegment matrix, int rows, MemorySegment norms,
                MemorySegment out) {
            calls.incrementAndGet();
            behaviour.run();
            out.setAtIndex(ValueLayout.JAVA_FLOAT, 0, marker);
        }

        @Override
        public void cosineTopK(MemorySegment query, int dimensions, MemorySegment matrix, int rows,
                MemorySegment norms, int k, MemorySegment outIndex, MemorySegment outScore) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int spread(CsrGraph graph, MemorySegment seedNodes, MemorySegment seedActivations, int seedCount,
                SpreadParams params, MemorySegment outActivation, MemorySegment outFirstHop) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void decay(MemorySegment strength, MemorySegment ageSeconds, MemorySegment accessCount, int count,
                DecayParams params, MemorySegment out) {
            throw new UnsupportedOperationException();
        }
    }

    private static Map.Entry<Map<String, Object>, KernelService> registered(KernelService kernel, int ranking,
            long serviceId) {
        return new AbstractMap.SimpleImmutableEntry<>(
                Map.of(Constants.SERVICE_RANKING, ranking, Constants.SERVICE_ID, serviceId), kernel);
    }

    /** Sets the kernels as Declarative Services would, replacing the whole list. */
    private static void bind(RouterComponent router, List<Map.Entry<Map<String, Object>, KernelService>> kernels) {
        try {
            Field field = RouterComponent.class.getDeclaredField("kernels");
            field.setAccessible(true);
            field.set(router, List.copyOf(kernels));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static float call(RouterComponent router) {
        return router.cosine(new float[] {1}, new float[] {1}, null)[0];
    }

    private static long served(RouterComponent router, String name) {
        return router.kernels().stream().filter(k -> k.name().equals(name)).mapToLong(KernelStatus::callsServed)
                .sum();
    }

    @Test
    void theHighestRankingKernelServesAndTiesGoToTheFirstRegistered() {
        RouterComponent router = new RouterComponent();
        bind(router, List.of(registered(new FakeKernel("java", 1f, () -> { }), 0, 1),
                registered(new FakeKernel("zig", 2f, () -> { }), 100, 2),
                registered(new FakeKernel("late-zig", 3f, () -> { }), 100, 3)));
        assertEquals(2f, call(router));
        List<KernelStatus> kernels = router.kernels();
        assertEquals(List.of("zig", "late-zig", "java"), kernels.stream().map(KernelStatus::name).toList());
        assertTrue(kernels.get(0).active());
        assertEquals(1, kernels.get(0).callsServed());
        assertEquals(0, kernels.get(2).callsServed());
    }

    @Test
    void aStoppingOrFailingKernelHandsTheCallOnAndIsNotCounted() {
        RouterComponent router = new RouterComponent();
        FakeKernel stopping = new FakeKernel("zig", 2f, () -> {
            throw new KernelUnavailableException("stopping");
        });
        FakeKernel failing = new FakeKernel("broken", 3f, () -> {
            throw new KernelFailureException("out of scratch memory");
        });
        bind(router, List.of(registered(new FakeKernel("java", 1f, () -> { }), 0, 1), registered(stopping, 100, 2),
                registered(failing, 50, 3)));
        assertEquals(1f, call(router));
        assertEquals(1, stopping.calls.get());
        assertEquals(1, failing.calls.get());
        assertEquals(0, served(router, "zig"));
        assertEquals(1, served(router, "java"));
    }

    @Test
    void whenEveryKernelRefusesWhileAnotherRegistersTheNewOneServes() {
        RouterComponent router = new RouterComponent();
        FakeKernel java = new FakeKernel("java", 1f, () -> { });
        List<Map.Entry<Map<String, Object>, KernelService>> onlyJava = List.of(registered(java, 0, 3));
        FakeKernel zig = new FakeKernel("zig", 2f, () -> {
            // The Java kernel registers, and zig stops, while this call is on its way.
            bind(router, onlyJava);
            throw new KernelUnavailableException("stopping");
        });
        bind(router, List.of(registered(zig, 100, 2)));
        assertEquals(1f, call(router));
        assertEquals(1, java.calls.get());
    }

    @Test
    void withNoKernelTheCallSaysWhatToStart() {
        RouterComponent router = new RouterComponent();
        KernelUnavailableException e = assertThrows(KernelUnavailableException.class, () -> call(router));
        assertTrue(e.getMessage().contains("engram.kernels.java"), e.getMessage());
    }

    @Test
    void aBadArgumentReachesTheCallerWithoutTryingAnotherKernel() {
        RouterComponent router = new RouterComponent();
        FakeKernel refusing = new FakeKernel("zig", 2f, () -> {
            throw new IllegalArgumentException("dimensions is 0; it must be in 1..4096");
        });
        FakeKernel java = new FakeKernel("java", 1f, () -> { });
        bind(router, List.of(registered(refusing, 100, 2), registered(java, 0, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call(router));
        assertTrue(e.getMessage().startsWith("dimensions"));
        assertEquals(0, java.calls.get());
    }

    @Test
    void everyKernelRefusingWithNoChangeFailsWithEachReason() {
        RouterComponent router = new RouterComponent();
        List<Map.Entry<Map<String, Object>, KernelService>> kernels = new ArrayList<>();
        kernels.add(registered(new FakeKernel("zig", 2f, () -> {
            throw new KernelUnavailableException("zig is stopping");
        }), 100, 2));
        bind(router, kernels);
        KernelUnavailableException e = assertThrows(KernelUnavailableException.class, () -> call(router));
        assertTrue(e.getMessage().contains("zig is stopping"), e.getMessage());
    }
}
