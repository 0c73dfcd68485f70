package engram.kernels.java.impl;

import engram.api.KernelService;

/** {@link SegmentApiTest} on the Vector API kernel. */
class VectorSegmentApiTest extends SegmentApiTest {
    @Override
    KernelService newKernel() {
        return VectorSupport.create();
    }
}
