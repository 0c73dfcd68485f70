package engram.api;

import java.util.List;

/**
 * What one workspace's scratch memory is doing, or the sum over several
 * ({@link #total(List)}). Every figure is in bytes or a count since the workspace was made.
 *
 * @param kernelId the {@link KernelInfo#id()} of the kernel the workspace belongs to
 * @param workspace its name, such as {@code workspace-3} or {@code pool-1} (borrowed by calls
 *     that pass no workspace), or {@code total}
 * @param memory {@code native} (an arena with a fixed capacity) or {@code heap} (grows as needed)
 * @param capacityBytes the arena's capacity; for heap scratch, what it holds now
 * @param inUseBytes bytes in use now: what spreading keeps between calls, plus a running call's scratch
 * @param highWaterBytes the most in use at once
 * @param overflows requests that did not fit
 * @param fallbackBytes bytes the {@link OverflowStrategy#FALLBACK} strategy took from the general allocator
 * @param resets calls that ended (each returns the call's scratch)
 * @param retainedBytes bytes kept between calls (spreading's node tables)
 */
public record ArenaMetrics(String kernelId, String workspace, String memory, long capacityBytes, long inUseBytes,
        long highWaterBytes, long overflows, long fallbackBytes, long resets, long retainedBytes) {

    /** The sum of {@code metrics}, named {@code total}; the high-water mark is the sum of the marks. */
    public static ArenaMetrics total(List<ArenaMetrics> metrics) {
        long capacity = 0;
        long inUse = 0;
        long highWater = 0;
        long overflows = 0;
        long fallback = 0;
        long resets = 0;
        long retained = 0;
        for (ArenaMetrics m : metrics) {
            capacity += m.capacityBytes;
            inUse += m.inUseBytes;
            highWater += m.highWaterBytes;
            overflows += m.overflows;
            fallback += m.fallbackBytes;
            resets += m.resets;
            retained += m.retainedBytes;
        }
        return new ArenaMetrics("", "total", "", capacity, inUse, highWater, overflows, fallback, resets, retained);
    }
}
