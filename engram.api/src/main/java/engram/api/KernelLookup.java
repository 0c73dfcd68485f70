package engram.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import aQute.bnd.annotation.Resolution;
import aQute.bnd.annotation.spi.ServiceConsumer;

/**
 * The kernels a plain Java program (no OSGi) has on its class path or module path, best
 * first, and why any of them cannot serve. Inside OSGi, use the {@link KernelRouter} service
 * instead.
 * <pre>{@code
 * KernelLookup kernels = KernelLookup.find();
 * KernelService best = kernels.best();        // zig if its library loaded, else java
 * System.out.println(kernels);                // what was found, and why any is unavailable
 * }</pre>
 * Each kernel bundle is a {@link ServiceLoader} provider of {@link KernelService}; this
 * asks {@link ServiceLoader}, ranks the providers by {@link KernelInfo#ranking()} (then by
 * id) and sets aside those whose {@link KernelService#unavailableReason()} says they cannot run.
 */
@ServiceConsumer(value = KernelService.class, resolution = Resolution.OPTIONAL)
public final class KernelLookup {
    private static final Comparator<KernelService> BEST_FIRST = Comparator
            .comparingInt((KernelService k) -> k.info().ranking()).reversed()
            .thenComparing(k -> k.info().id());

    /**
     * A kernel that was found but cannot serve.
     *
     * @param id its {@link KernelInfo#id()}, or the provider's class if it could not even be made
     * @param reason why, in words for a person
     */
    public record Unavailable(String id, String reason) {
    }

    private final List<KernelService> available;
    private final List<Unavailable> unavailable;

    private KernelLookup(List<KernelService> available, List<Unavailable> unavailable) {
        this.available = List.copyOf(available);
        this.unavailable = List.copyOf(unavailable);
    }

    /** The providers visible to the thread's context class loader (or, on the module path, to this module). */
    public static KernelLookup find() {
        return of(ServiceLoader.load(KernelService.class));
    }

    /** The providers visible to {@code loader}. */
    public static KernelLookup find(ClassLoader loader) {
        return of(ServiceLoader.load(KernelService.class, loader));
    }

    private static KernelLookup of(ServiceLoader<KernelService> loader) {
        List<KernelService> available = new ArrayList<>();
        List<Unavailable> unavailable = new ArrayList<>();
        for (ServiceLoader.Provider<KernelService> provider : loader.stream().toList()) {
            KernelService kernel;
            try {
                kernel = provider.get();
            } catch (ServiceConfigurationError | RuntimeException e) {
                unavailable.add(new Unavailable(provider.type().getName(), "could not be made: " + e));
                continue;
            }
            Optional<String> reason = kernel.unavailableReason();
            if (reason.isPresent()) {
                unavailable.add(new Unavailable(kernel.info().id(), reason.get()));
            } else {
                available.add(kernel);
            }
        }
        available.sort(BEST_FIRST);
        return new KernelLookup(available, unavailable);
    }

    /** The kernels that can serve, best first. */
    public List<KernelService> available() {
        return available;
    }

    /** The kernels found that cannot serve, each with its reason. */
    public List<Unavailable> unavailable() {
        return unavailable;
    }

    /**
     * The best kernel that can serve.
     *
     * @throws IllegalStateException if none can, saying what was found and why each failed
     */
    public KernelService best() {
        if (available.isEmpty()) {
            throw new IllegalStateException("no kernel can serve: " + this + ". Put engram.kernels.java (the Java"
                    + " kernels, which always serve) on the class path or module path");
        }
        return available.getFirst();
    }

    /** The best kernel that can serve and is named {@code name} ({@code java}, {@code zig}), if any. */
    public Optional<KernelService> named(String name) {
        return available.stream().filter(k -> k.info().name().equals(name)).findFirst();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        text.append(available.isEmpty() ? "no kernel available" : "available, best first: ");
        for (int i = 0; i < available.size(); i++) {
            KernelInfo info = available.get(i).info();
            text.append(i == 0 ? "" : ", ").append(info.id()).append(" (").append(info.instructionSet()).append(')');
        }
        for (Unavailable u : unavailable) {
            text.append("; unavailable: ").append(u.id()).append(": ").append(u.reason());
        }
        return text.toString();
    }
}
