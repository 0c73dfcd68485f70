package engram.kernels.java.impl;

import engram.api.KernelService;

/** {@link BatchedTopKTest} on the Vector API kernel. */
class VectorBatchedTopKTest extends BatchedTopKTest {
    @Override
    KernelService newKernel() {
        return VectorSupport.create();
    }
}
