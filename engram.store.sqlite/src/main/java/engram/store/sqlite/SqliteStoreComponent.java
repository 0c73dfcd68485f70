package engram.store.sqlite;

import java.nio.file.Path;
import java.util.Locale;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import engram.api.memory.store.MemoryStore;
import engram.api.memory.store.StoreException;

/**
 * Registers the SQLite store as the engine's {@link MemoryStore}, in the data directory its
 * configuration names (Config Admin PID {@value #PID}), or else the framework property
 * {@value #DATA_DIR_PROPERTY} (which {@code ./engram} sets to {@code .engram/data}), or else
 * {@code ~/.engram/data}. The store itself is the service (no wrapper repeating its methods);
 * it is unregistered and closed when the component deactivates.
 */
@Component(service = {}, immediate = true, configurationPid = SqliteStoreComponent.PID)
@Designate(ocd = SqliteStoreComponent.Config.class)
public final class SqliteStoreComponent {
    public static final String PID = "engram.store.sqlite";
    public static final String DATA_DIR_PROPERTY = "engram.data.dir";
    private static final System.Logger LOG = System.getLogger(PID);

    @ObjectClassDefinition(name = "Engram SQLite store",
            description = "Where the memory engine keeps its memories, and how hard it syncs.")
    public @interface Config {
        @AttributeDefinition(required = false, description = "the data directory (made if missing); empty: the"
                + " framework property engram.data.dir, else ~/.engram/data")
        String dataDirectory() default "";

        @AttributeDefinition(description = "FULL (a returned write survives a JVM crash and a power loss) or"
                + " NORMAL (it survives a JVM crash; the last writes before a power loss may be lost)")
        String synchronous() default "FULL";
    }

    private final SqliteStore store;
    private final ServiceRegistration<MemoryStore> registration;

    @Activate
    public SqliteStoreComponent(BundleContext context, Config config) {
        Path directory = directory(config.dataDirectory(), context.getProperty(DATA_DIR_PROPERTY));
        SqliteStore.Sync sync;
        try {
            sync = SqliteStore.Sync.valueOf(config.synchronous().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new StoreException("synchronous is \"" + config.synchronous() + "\"; configure " + PID
                    + " with FULL or NORMAL", e);
        }
        store = new SqliteStore(directory, sync);
        LOG.log(System.Logger.Level.INFO, "memory store: " + store.describe() + " (" + store.durability() + ")");
        registration = context.registerService(MemoryStore.class, store, null);
    }

    static Path directory(String configured, String property) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.trim());
        }
        if (property != null && !property.isBlank()) {
            return Path.of(property.trim());
        }
        return Path.of(System.getProperty("user.home"), ".engram", "data");
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } finally {
            store.close();
        }
    }
}
