package engram.kernels.java.impl;

import engram.api.KernelService;

/** {@link RowRangeTest} on the Vector API kernel. */
class VectorRowRangeTest extends RowRangeTest {
    @Override
    KernelService newKernel() {
        return VectorSupport.create();
    }
}
