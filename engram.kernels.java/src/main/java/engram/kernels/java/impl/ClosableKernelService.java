package engram.kernels.java.impl;

import engram.api.KernelService;

/** A kernel that its owner stops: {@link #close()} frees its workspaces, and later calls are refused. */
interface ClosableKernelService extends KernelService, AutoCloseable {
    @Override
    void close();
}
