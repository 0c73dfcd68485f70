package engram.kernels.zig.impl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Finds the Zig libraries the build produced for the tests, and the levels this CPU runs. */
final class NativeLibraries {
    private NativeLibraries() {
    }

    /** Skips the calling test when the build made no library (-Dzig.skip). */
    static void assumeBuilt() {
        assumeTrue(NativeLibraries.class.getClassLoader().getResource(best().resourcePath()) != null,
                "the Zig libraries were not built (-Dzig.skip); nothing native to test");
    }

    static Set<String> cpuFlags() {
        try {
            return CpuLevel.cpuFlags(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/cpuinfo", e);
        }
    }

    /** Every level of this platform that this CPU can run. */
    static List<CpuLevel> runnableLevels() {
        Set<String> flags = cpuFlags();
        return CpuLevel.forPlatform(System.getProperty("os.name"), System.getProperty("os.arch")).stream()
                .filter(level -> level.supportedBy(flags)).toList();
    }

    static CpuLevel best() {
        return runnableLevels().getFirst();
    }

    /** The best library for this CPU; the caller closes it. */
    static ZigKernels load() {
        assumeBuilt();
        try {
            return ZigKernels.load(NativeLibraries.class.getClassLoader(), "auto");
        } catch (NativeKernelLibrary.LoadException e) {
            throw new AssertionError("the Zig library did not load: " + e.getMessage(), e);
        }
    }

    static ZigKernels load(CpuLevel level) {
        assumeBuilt();
        try {
            return ZigKernels.load(NativeLibraries.class.getClassLoader(), level.userName());
        } catch (NativeKernelLibrary.LoadException e) {
            throw new AssertionError("the Zig library " + level + " did not load: " + e.getMessage(), e);
        }
    }
}
