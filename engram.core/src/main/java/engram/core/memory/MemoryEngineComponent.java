package engram.core.memory;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import engram.api.DecayCurve;
import engram.api.KernelRouter;
import engram.api.memory.Cue;
import engram.api.memory.ForgetMode;
import engram.api.memory.Link;
import engram.api.memory.Memory;
import engram.api.memory.MemoryEngine;
import engram.api.memory.NewMemory;
import engram.api.memory.RecallOptions;
import engram.api.memory.Recalled;
import engram.api.memory.SpaceInfo;
import engram.api.memory.SpaceStats;
import engram.api.memory.store.MemoryStore;

/**
 * The memory engine as a service: an {@link Engine} on the kernel router and the registered
 * {@link MemoryStore}, loaded from it when the component activates.
 */
@Component(service = MemoryEngine.class, immediate = true)
public final class MemoryEngineComponent implements MemoryEngine {
    private static final System.Logger LOG = System.getLogger("engram.core.memory");
    private final Engine engine;

    @Activate
    public MemoryEngineComponent(@Reference KernelRouter router, @Reference MemoryStore store) {
        engine = new Engine(router, store);
        LOG.log(System.Logger.Level.INFO, "memory engine up: " + engine.spaces().size() + " space(s), store "
                + store.describe());
    }

    @Deactivate
    void deactivate() {
        engine.close();
    }

    @Override
    public SpaceInfo createSpace(String name, int dimensions) {
        return engine.createSpace(name, dimensions);
    }

    @Override
    public SpaceInfo createSpace(String name, int dimensions, DecayCurve curve) {
        return engine.createSpace(name, dimensions, curve);
    }

    @Override
    public List<SpaceInfo> spaces() {
        return engine.spaces();
    }

    @Override
    public boolean dropSpace(String name) {
        return engine.dropSpace(name);
    }

    @Override
    public long remember(String space, NewMemory memory) {
        return engine.remember(space, memory);
    }

    @Override
    public long[] rememberAll(String space, List<NewMemory> memories) {
        return engine.rememberAll(space, memories);
    }

    @Override
    public void link(String space, long from, long to, float weight) {
        engine.link(space, from, to, weight);
    }

    @Override
    public void linkAll(String space, List<Link> links) {
        engine.linkAll(space, links);
    }

    @Override
    public List<Recalled> recall(String space, Cue cue, RecallOptions options) {
        return engine.recall(space, cue, options);
    }

    @Override
    public void forget(String space, long id, ForgetMode mode) {
        engine.forget(space, id, mode);
    }

    @Override
    public Optional<Memory> get(String space, long id) {
        return engine.get(space, id);
    }

    @Override
    public void scan(String space, Consumer<Memory> memories, Consumer<Link> links) {
        engine.scan(space, memories, links);
    }

    @Override
    public SpaceStats stats(String space) {
        return engine.stats(space);
    }

    @Override
    public void flush(String space) {
        engine.flush(space);
    }
}
