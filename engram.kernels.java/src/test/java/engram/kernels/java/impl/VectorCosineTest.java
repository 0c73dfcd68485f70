package engram.kernels.java.impl;

import engram.api.KernelService;

/** {@link CosineTest} on the Vector API kernel. */
class VectorCosineTest extends CosineTest {
    @Override
    KernelService newKernel() {
        return VectorSupport.create();
    }
}
