package engram.api;

import static engram.api.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@link KernelInfo} says what a kernel is; {@link ArenaMetrics#total} sums workspaces. */
class KernelInfoTest {

    @Test
    void keepsWhatTheKernelSays() {
        KernelInfo info = new KernelInfo("engram.kernels.zig/x86_64_v3", "zig", "0.2.0", "x86-64-v3 (AVX2, FMA)", 100);
        assertEquals("engram.kernels.zig/x86_64_v3", info.id());
        assertEquals("zig", info.name());
        assertEquals("0.2.0", info.version());
        assertEquals("x86-64-v3 (AVX2, FMA)", info.instructionSet());
        assertEquals(100, info.ranking());
        assertEquals(-5, new KernelInfo("a", "b", "c", "d", -5).ranking(), "any ranking");
    }

    @Test
    void refusesMissingOrBlankText() {
        assertRefused("id is null", () -> new KernelInfo(null, "zig", "1", "scalar", 0));
        assertRefused("id is blank", () -> new KernelInfo(" ", "zig", "1", "scalar", 0));
        assertRefused("name is null", () -> new KernelInfo("x/y", null, "1", "scalar", 0));
        assertRefused("name is blank", () -> new KernelInfo("x/y", "", "1", "scalar", 0));
        assertRefused("version is blank", () -> new KernelInfo("x/y", "zig", "\t", "scalar", 0));
        assertRefused("instructionSet is null", () -> new KernelInfo("x/y", "zig", "1", null, 0));
    }

    @Test
    void totalSumsEveryFigure() {
        ArenaMetrics a = new ArenaMetrics("k", "workspace-1", "native", 100, 10, 50, 1, 7, 20, 5);
        ArenaMetrics b = new ArenaMetrics("k", "pool-1", "native", 200, 20, 60, 2, 0, 30, 6);
        assertEquals(new ArenaMetrics("", "total", "", 300, 30, 110, 3, 7, 50, 11), ArenaMetrics.total(List.of(a, b)));
        assertEquals(new ArenaMetrics("", "total", "", 0, 0, 0, 0, 0, 0, 0), ArenaMetrics.total(List.of()));
    }
}
