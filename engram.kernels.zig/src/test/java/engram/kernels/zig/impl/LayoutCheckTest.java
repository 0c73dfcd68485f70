package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The load-time ABI check: a library whose struct layout differs from the Java side's by one
 * field, one size or one struct is refused with a message that names it. (The real libraries
 * pass it on every load: every other test loads one.)
 */
class LayoutCheckTest {
    private static final List<StructLayout> STRUCTS = List.of(NativeKernelLibrary.SPREAD_PARAMS,
            NativeKernelLibrary.DECAY_PARAMS, NativeKernelLibrary.ARENA_METRICS, NativeKernelLibrary.ARENA_TOTALS);
    private static final long NONE = -1;

    /** What {@code engram_layout} of a library built from these very layouts answers, with one drift. */
    private static int driftStruct;
    private static int driftField;
    private static long driftBy;
    private static boolean extraField;
    private static boolean extraStruct;

    static long layout(int id, int field) {
        if (id == STRUCTS.size() && extraStruct && field == -1) {
            return 16;
        }
        if (id < 0 || id >= STRUCTS.size()) {
            return NONE;
        }
        StructLayout struct = STRUCTS.get(id);
        long drift = id == driftStruct ? driftBy : 0;
        if (field == -1) {
            return struct.byteSize() + (driftField == -1 ? drift : 0);
        }
        if (field == struct.memberLayouts().size() && extraField && id == driftStruct) {
            return struct.byteSize();
        }
        if (field < 0 || field >= struct.memberLayouts().size()) {
            return NONE;
        }
        return struct.byteOffset(MemoryLayout.PathElement.groupElement(field)) + (field == driftField ? drift : 0);
    }

    private static MethodHandle handle() throws ReflectiveOperationException {
        return MethodHandles.lookup().findStatic(LayoutCheckTest.class, "layout",
                MethodType.methodType(long.class, int.class, int.class));
    }

    private static void drift(int struct, int field, long by, boolean moreFields, boolean moreStructs) {
        driftStruct = struct;
        driftField = field;
        driftBy = by;
        extraField = moreFields;
        extraStruct = moreStructs;
    }

    @Test
    void matchingLayoutsPass() throws Exception {
        drift(0, 0, 0, false, false);
        MethodHandle layout = handle();
        assertDoesNotThrow(() -> NativeKernelLibrary.checkLayouts(layout));
    }

    @Test
    void aMovedFieldAResizedStructAnExtraFieldOrStructIsRefusedByName() throws Exception {
        MethodHandle layout = handle();
        drift(1, 4, 8, false, false);
        String moved = assertThrows(NativeKernelLibrary.LoadException.class,
                () -> NativeKernelLibrary.checkLayouts(layout)).getMessage();
        assertTrue(moved.contains("DecayParams") && moved.contains("half_life_seconds"), moved);
        drift(2, -1, 8, false, false);
        String resized = assertThrows(NativeKernelLibrary.LoadException.class,
                () -> NativeKernelLibrary.checkLayouts(layout)).getMessage();
        assertTrue(resized.contains("ArenaMetrics") && resized.contains("bytes"), resized);
        drift(0, 99, 0, true, false);
        String extra = assertThrows(NativeKernelLibrary.LoadException.class,
                () -> NativeKernelLibrary.checkLayouts(layout)).getMessage();
        assertTrue(extra.contains("SpreadParams") && extra.contains("more than"), extra);
        drift(0, 99, 0, false, true);
        String struct = assertThrows(NativeKernelLibrary.LoadException.class,
                () -> NativeKernelLibrary.checkLayouts(layout)).getMessage();
        assertTrue(struct.contains("structs"), struct);
    }
}
