package engram.api;

import java.util.Objects;

/**
 * What a kernel implementation says about itself.
 *
 * @param name short name, such as {@code java} or {@code zig}
 * @param version version of the implementation
 * @param instructionSet the instruction set its hot loops use, such as {@code x86-64-v3 (AVX2, FMA)}
 */
public record KernelInfo(String name, String version, String instructionSet) {
    public KernelInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(instructionSet, "instructionSet");
    }
}
