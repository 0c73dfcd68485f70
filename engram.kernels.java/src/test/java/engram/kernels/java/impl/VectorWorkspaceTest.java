package engram.kernels.java.impl;

import engram.api.KernelService;

/** {@link WorkspaceTest} on the Vector API kernel. */
class VectorWorkspaceTest extends WorkspaceTest {
    @Override
    KernelService newKernel() {
        return VectorSupport.create();
    }

    @Override
    void stop(KernelService stopping) {
        ((ClosableKernelService) stopping).close();
    }
}
