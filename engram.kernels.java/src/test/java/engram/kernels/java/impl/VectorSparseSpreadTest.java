package engram.kernels.java.impl;

import engram.api.KernelService;

/** {@link SparseSpreadTest} on the Vector API kernel. */
class VectorSparseSpreadTest extends SparseSpreadTest {
    @Override
    KernelService newKernel() {
        return VectorSupport.create();
    }
}
