package engram.kernels.java.impl;

import engram.api.KernelService;

/** {@link DecayTest} on the Vector API kernel. */
class VectorDecayTest extends DecayTest {
    @Override
    KernelService newKernel() {
        return VectorSupport.create();
    }
}
