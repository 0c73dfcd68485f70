package engram.kernels.java.impl;

import engram.api.KernelService;

/** {@link TopKTest} on the Vector API kernel. */
class VectorTopKTest extends TopKTest {
    @Override
    KernelService newKernel() {
        return VectorSupport.create();
    }
}
