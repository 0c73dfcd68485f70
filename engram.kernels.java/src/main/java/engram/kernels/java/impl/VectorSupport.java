package engram.kernels.java.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether the Vector API kernel can run here, and the one way to make it. Nothing in this
 * class touches {@code jdk.incubator.vector}: the classes that do ({@link VectorKernels},
 * {@link VectorSimilarity}, {@link VectorDecay}) are loaded by name, only after the module is
 * found in the boot layer and this class loader can load it, as Lucene's
 * {@code VectorizationProvider} does. A JVM started without
 * {@code --add-modules jdk.incubator.vector} never loads them.
 */
final class VectorSupport {
    /** The Vector API kernel's identity. */
    static final String ID = "engram.kernels.java/vector";
    /** Its display name: "java" in every figure means this kernel. */
    static final String NAME = "java";
    /** Its version. */
    static final String VERSION = "0.1.0";
    /** Its service ranking: above the reference's 0, below the Zig kernels' 100. */
    static final int RANKING = 50;
    /** The module, and the flag that puts it in the boot layer. */
    static final String MODULE = "jdk.incubator.vector";
    static final String FLAG = "--add-modules " + MODULE;

    private static final String KERNELS_CLASS = "engram.kernels.java.impl.VectorKernels";

    private VectorSupport() {
    }

    /**
     * Why the Vector API kernel cannot run in this JVM, for a log line or
     * {@code unavailableReason()}, or null when it can be made.
     */
    static String absentReason() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return "the module " + MODULE + " is not in the boot layer; start the JVM with " + FLAG
                    + " to use the Vector API kernel";
        }
        try {
            Class.forName("jdk.incubator.vector.FloatVector", false, VectorSupport.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return "the module " + MODULE + " is in the boot layer but engram.kernels.java cannot load it (" + e
                    + "); inside OSGi the framework must export the package jdk.incubator.vector (Felix and Equinox"
                    + " do when the JVM runs with " + FLAG + "): refresh engram.kernels.java after starting so";
        }
        return null;
    }

    /**
     * Makes the Vector API kernel; call only when {@link #absentReason()} is null.
     *
     * @throws UnsupportedOperationException if this machine's vectors are too narrow for it,
     *     with the reason
     */
    static ClosableKernelService create() {
        try {
            Class<?> type = Class.forName(KERNELS_CLASS, true, VectorSupport.class.getClassLoader());
            Object kernels = MethodHandles.lookup().findConstructor(type, MethodType.methodType(void.class)).invoke();
            return (ClosableKernelService) kernels;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("could not make " + KERNELS_CLASS + ": " + e, e);
        }
    }
}
