package engram.api;

/**
 * What a kernel implementation says about itself.
 *
 * @param id its stable identity: the providing bundle and the implementation, such as
 *     {@code engram.kernels.zig/x86_64_v3} or {@code engram.kernels.java/reference}; the same
 *     for the same code across restarts, different for different code
 * @param name short display name, such as {@code java} or {@code zig}
 * @param version version of the implementation
 * @param instructionSet the instruction set its hot loops use, such as {@code x86-64-v3 (AVX2, FMA)}
 * @param ranking its preference: the router and {@link KernelLookup} prefer the highest; inside
 *     OSGi its service is registered with this {@code service.ranking}
 */
public record KernelInfo(String id, String name, String version, String instructionSet, int ranking) {
    public KernelInfo {
        requireText("id", id);
        requireText("name", name);
        requireText("version", version);
        requireText("instructionSet", instructionSet);
    }

    private static void requireText(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is " + (value == null ? "null" : "blank")
                    + "; a kernel must say what it is");
        }
    }
}
