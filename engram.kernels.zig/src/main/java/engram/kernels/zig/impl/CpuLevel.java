package engram.kernels.zig.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The library variants this project builds, and which of them a CPU can run. The best
 * variant the CPU supports is loaded; each variant says at load time which level it was
 * compiled for, and the loader refuses a library whose level differs from its name.
 */
enum CpuLevel {
    /** x86-64 baseline (SSE2): runs on every x86-64 CPU. */
    X86_64_BASELINE(0, "linux-x86_64", "x86_64_baseline", List.of()),
    /** x86-64-v3: AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE. */
    X86_64_V3(1, "linux-x86_64", "x86_64_v3",
            List.of("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave")),
    /** x86-64-v4: AVX-512 F, BW, CD, DQ, VL on top of v3. */
    X86_64_V4(2, "linux-x86_64", "x86_64_v4",
            List.of("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave",
                    "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl")),
    /** aarch64 with NEON (Advanced SIMD), part of every ARMv8-A CPU. */
    AARCH64_NEON(3, "linux-aarch64", "aarch64_neon", List.of("asimd"));

    /** The value {@code engram_isa()} returns for a library of this level. */
    final int abiCode;
    final String platform;
    final String variant;
    private final List<String> requiredFlags;

    CpuLevel(int abiCode, String platform, String variant, List<String> requiredFlags) {
        this.abiCode = abiCode;
        this.platform = platform;
        this.variant = variant;
        this.requiredFlags = requiredFlags;
    }

    /** Where the fragment of this platform carries the library of this level. */
    String resourcePath() {
        return "native/" + platform + "/libengram_kernels_" + variant + ".so";
    }

    /** The name users give this level, as in {@code -Dengram.zig.isa=x86_64_v3}. */
    String userName() {
        return variant;
    }

    boolean supportedBy(Set<String> cpuFlags) {
        return cpuFlags.containsAll(requiredFlags);
    }

    /** The levels for this JVM's operating system and architecture, best first; empty if none. */
    static List<CpuLevel> forPlatform(String osName, String osArch) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return List.of();
        }
        return switch (osArch) {
            case "amd64", "x86_64" -> List.of(X86_64_V4, X86_64_V3, X86_64_BASELINE);
            case "aarch64", "arm64" -> List.of(AARCH64_NEON);
            default -> List.of();
        };
    }

    /** The best level in {@code candidates} that {@code cpuFlags} support, or null. */
    static CpuLevel best(List<CpuLevel> candidates, Set<String> cpuFlags) {
        for (CpuLevel level : candidates) {
            if (level.supportedBy(cpuFlags)) {
                return level;
            }
        }
        return null;
    }

    /**
     * The level named {@code name} ({@code x86_64_v3}, ...), or an exception listing the names.
     * Case and the spelling with hyphens ({@code x86-64-v3}, as the psABI levels and this
     * project's benchmark reports write them) do not matter.
     */
    static CpuLevel named(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (CpuLevel level : values()) {
            if (level.variant.equals(wanted)) {
                return level;
            }
        }
        throw new IllegalArgumentException("instruction set '" + name + "' is not one this project builds; use one of "
                + Arrays.stream(values()).map(l -> l.variant).collect(Collectors.joining(", ")));
    }

    /** The CPU feature flags of the first processor in {@code /proc/cpuinfo}, lower case. */
    static Set<String> cpuFlags(Path cpuinfo) throws IOException {
        for (String line : Files.readAllLines(cpuinfo)) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            if (key.equals("flags") || key.equals("Features")) {
                return Arrays.stream(line.substring(colon + 1).trim().split("\\s+"))
                        .map(flag -> flag.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
            }
        }
        return Set.of();
    }
}
