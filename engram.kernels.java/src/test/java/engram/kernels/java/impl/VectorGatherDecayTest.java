package engram.kernels.java.impl;

import engram.api.KernelService;

/** {@link GatherDecayTest} on the Vector API kernel. */
class VectorGatherDecayTest extends GatherDecayTest {
    @Override
    KernelService newKernel() {
        return VectorSupport.create();
    }
}
