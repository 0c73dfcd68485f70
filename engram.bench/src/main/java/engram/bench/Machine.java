package engram.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import jdk.incubator.vector.FloatVector;

import engram.api.KernelLookup;
import engram.api.KernelService;

/**
 * What a run ran on: the CPU, the CPU level (the instruction set of the Zig library that loaded,
 * as the baselines are keyed: {@code x86-64-v3}, {@code x86-64-v4}, {@code aarch64}), the Vector
 * API's preferred width, the JDK, Zig and the git commit. The run scripts pass the Zig version
 * and the commit as system properties ({@code engram.zig.version}, {@code engram.git.commit}).
 */
record Machine(String cpu, String level, String zigKernel, String javaKernel, int vectorBits, String jdk,
        String zig, String commit, String l3Cache) {

    static Machine probe() {
        KernelLookup lookup = Kernels.lookup();
        // The Zig kernel's id ends in the variant of the library that loaded: engram.kernels.zig/x86_64_v3.
        String zigSet = lookup.named("zig").map(k -> k.info().id()).map(id -> id.substring(id.lastIndexOf('/') + 1))
                .orElse(null);
        return new Machine(cpuinfo("model name", cpuinfo("CPU part", "unknown")), level(zigSet),
                describe(lookup, "zig"), describe(lookup, "java"), probeVectorBits(),
                Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
                System.getProperty("engram.zig.version", "unknown"), System.getProperty("engram.git.commit", "unknown"),
                probeL3Cache());
    }

    /** The baselines' key for a Zig library variant such as {@code x86_64_v3} ({@code aarch64_neon}: {@code aarch64}). */
    static String level(String zigInstructionSet) {
        if (zigInstructionSet == null) {
            return "no-zig";
        }
        if (zigInstructionSet.startsWith("aarch64")) {
            return "aarch64";
        }
        return zigInstructionSet.replace('_', '-');
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("cpu", cpu);
        map.put("level", level);
        map.put("zigKernel", zigKernel);
        map.put("javaKernel", javaKernel);
        map.put("vectorBits", vectorBits);
        map.put("jdk", jdk);
        map.put("zig", zig);
        map.put("commit", commit);
        map.put("l3Cache", l3Cache);
        return map;
    }

    String describe() {
        return "cpu: " + cpu + " (L3 " + l3Cache + ")\n"
                + "level: " + level + " (zig kernel: " + zigKernel + ")\n"
                + "java kernel: " + javaKernel + "; Vector API preferred width: " + vectorBits + " bits\n"
                + "jdk: " + jdk + "; zig: " + zig + "; commit: " + commit;
    }

    private static String describe(KernelLookup lookup, String name) {
        return lookup.named(name).map(KernelService::info).map(i -> i.id() + ", " + i.instructionSet())
                .orElse("unavailable");
    }

    private static int probeVectorBits() {
        try {
            return FloatVector.SPECIES_PREFERRED.vectorBitSize();
        } catch (LinkageError e) {
            return 0;
        }
    }

    private static String probeL3Cache() {
        for (int index = 3; index >= 0; index--) {
            Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache/index" + index);
            try {
                if (Files.isReadable(dir.resolve("size"))) {
                    return Files.readString(dir.resolve("size")).trim()
                            + (index == 3 ? "" : " (level " + Files.readString(dir.resolve("level")).trim() + ")");
                }
            } catch (IOException e) {
                return "unknown";
            }
        }
        return "unknown";
    }

    private static String cpuinfo(String key, String otherwise) {
        Path path = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(path)) {
                for (String line : Files.readAllLines(path)) {
                    int colon = line.indexOf(':');
                    if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                        return line.substring(colon + 1).trim();
                    }
                }
            }
        } catch (IOException e) {
            return otherwise;
        }
        return otherwise;
    }
}
