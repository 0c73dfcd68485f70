package engram.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import engram.api.KernelService;

/** The kernels on the class path, found the way plain Java programs find them: ServiceLoader. */
final class Kernels {
    private Kernels() {
    }

    static KernelService named(String name) {
        List<String> found = new ArrayList<>();
        for (KernelService kernel : ServiceLoader.load(KernelService.class)) {
            if (kernel.info().name().equals(name)) {
                if (kernel.info().instructionSet().startsWith("unavailable")) {
                    throw new IllegalStateException("kernel " + name + " is " + kernel.info().instructionSet());
                }
                return kernel;
            }
            found.add(kernel.info().name());
        }
        throw new IllegalStateException("no kernel named " + name + " on the class path; found " + found);
    }
}
