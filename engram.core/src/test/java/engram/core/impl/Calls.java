package engram.core.impl;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

import engram.api.KernelLookup;
import engram.api.KernelRouter;
import engram.api.KernelService;
import engram.api.KernelStatus;
import engram.api.KernelWorkspace;

/** Calls through a router to fake kernels, which read nothing and write their marker. */
final class Calls {
    private Calls() {
    }

    /** A cosine call with {@code workspace}; the first score, which is the serving fake's marker. */
    static float cosine(KernelRouter router, KernelWorkspace workspace) {
        MemorySegment out = MemorySegment.ofArray(new float[1]);
        router.cosine(workspace, MemorySegment.ofArray(new float[] {1}), 1, MemorySegment.ofArray(new float[] {1}), 0,
                1, null, out);
        return out.getAtIndex(JAVA_FLOAT, 0);
    }

    /** A cosine call that borrows a workspace. */
    static float cosine(KernelRouter router) {
        return cosine(router, null);
    }

    /** The router's status of the kernel {@code id}, if it lists it. */
    static Optional<KernelStatus> status(KernelRouter router, String id) {
        return router.kernels().stream().filter(k -> k.id().equals(id)).findFirst();
    }

    /** The router's status of the kernel {@code id}, which it must list. */
    static KernelStatus listed(KernelRouter router, String id) {
        List<KernelStatus> kernels = router.kernels();
        return kernels.stream().filter(k -> k.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("the router does not list " + id + ": " + kernels));
    }

    /** The real reference kernels, found as a plain Java program finds them. */
    static KernelService referenceKernels() {
        KernelLookup lookup = KernelLookup.find();
        return lookup.named("reference").orElseThrow(() -> new AssertionError("no reference kernel: " + lookup));
    }
}
