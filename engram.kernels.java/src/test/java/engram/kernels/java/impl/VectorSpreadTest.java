package engram.kernels.java.impl;

import engram.api.KernelService;

/** {@link SpreadTest} on the Vector API kernel. */
class VectorSpreadTest extends SpreadTest {
    @Override
    KernelService newKernel() {
        return VectorSupport.create();
    }
}
