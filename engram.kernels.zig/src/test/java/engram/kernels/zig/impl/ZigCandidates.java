package engram.kernels.zig.impl;

import java.util.ArrayList;
import java.util.List;

import engram.api.KernelService;
import engram.kernels.java.impl.VectorKernelProvider;
import engram.kernels.zig.impl.differential.Differential;

/**
 * The kernels the harness checks: the Java reference, the Vector API kernel, and the Zig
 * library at every level this CPU runs, loaded once for a test class (no Zig level when the
 * build made no library, -Dzig.skip, so that the Java kernels are still checked). Closing it
 * closes the candidates it handed out (their long-lived workspaces), then the libraries.
 */
final class ZigCandidates implements AutoCloseable {
    private final List<ZigKernels> kernels = new ArrayList<>();
    private final List<Differential.Candidate> handedOut = new ArrayList<>();

    ZigCandidates() {
        if (isBuilt()) {
            for (CpuLevel level : NativeLibraries.runnableLevels()) {
                kernels.add(NativeLibraries.load(level));
            }
        }
    }

    static boolean isBuilt() {
        return ZigCandidates.class.getClassLoader().getResource(NativeLibraries.best().resourcePath()) != null;
    }

    /**
     * The reference as {@code reference}, the Vector API kernel as {@code java}, then each Zig
     * level by its name ({@code x86_64_v3}).
     *
     * @throws IllegalStateException if the Vector API kernel cannot serve: the build runs the
     *     tests with {@code --add-modules jdk.incubator.vector} (engram.jvm.flags), so that
     *     every run checks it
     */
    List<Differential.Candidate> withReference(KernelService reference) {
        List<Differential.Candidate> candidates = new ArrayList<>();
        candidates.add(new Differential.Candidate("reference", reference));
        candidates.add(new Differential.Candidate("java", vectorKernel()));
        kernels.forEach(k -> candidates.add(new Differential.Candidate(k.level(), k)));
        handedOut.addAll(candidates);
        return candidates;
    }

    /** The Vector API kernel, as a plain Java program finds it. */
    static KernelService vectorKernel() {
        VectorKernelProvider kernel = new VectorKernelProvider();
        kernel.unavailableReason().ifPresent(reason -> {
            throw new IllegalStateException("the Vector API kernel cannot serve, so the harness cannot check it: "
                    + reason);
        });
        return kernel;
    }

    /** {@code kernel} as a candidate named {@code name}, closed with the others. */
    Differential.Candidate candidate(String name, KernelService kernel) {
        Differential.Candidate candidate = new Differential.Candidate(name, kernel);
        handedOut.add(candidate);
        return candidate;
    }

    /** The best level, or null when none was built. */
    ZigKernels best() {
        return kernels.isEmpty() ? null : kernels.getFirst();
    }

    @Override
    public void close() {
        handedOut.forEach(Differential.Candidate::close);
        kernels.forEach(ZigKernels::close);
    }
}
