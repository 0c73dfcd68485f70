package engram.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import engram.api.memory.store.MemoryStore;
import engram.api.memory.store.StoreException;

/**
 * The component activated as Declarative Services would, with a configuration of PID
 * {@value SqliteStoreComponent#PID} and a bundle context that records what is registered.
 */
class SqliteStoreComponentTest {
    @TempDir
    Path dir;

    /** What the component registered, and whether it was unregistered. */
    private final List<Object> registered = new ArrayList<>();
    private final List<Object> unregistered = new ArrayList<>();

    /** A bundle context with these framework properties that records registrations. */
    private BundleContext context(Map<String, String> properties) {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) args[0]);
                    case "registerService" -> {
                        assertEquals(MemoryStore.class, args[0]);
                        Object service = args[1];
                        registered.add(service);
                        yield Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                                    if (m.getName().equals("unregister")) {
                                        unregistered.add(service);
                                        return null;
                                    }
                                    throw new UnsupportedOperationException(m.getName());
                                });
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** The configuration Config Admin would hand over. */
    private static SqliteStoreComponent.Config config(String dataDirectory, String synchronous) {
        return (SqliteStoreComponent.Config) Proxy.newProxyInstance(SqliteStoreComponentTest.class.getClassLoader(),
                new Class<?>[] {SqliteStoreComponent.Config.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "dataDirectory" -> dataDirectory;
                    case "synchronous" -> synchronous;
                    case "annotationType" -> SqliteStoreComponent.Config.class;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void theConfiguredDataDirectoryAndSynchronousAreWhatTheStoreUses() throws Exception {
        Path configured = dir.resolve("configured");
        SqliteStoreComponent component = new SqliteStoreComponent(
                context(Map.of(SqliteStoreComponent.DATA_DIR_PROPERTY, dir.resolve("property").toString())),
                config(configured.toString(), " normal "));
        SqliteStore store = assertInstanceOf(SqliteStore.class, registered.getFirst());
        assertTrue(store.describe().endsWith(configured.resolve(SqliteStore.DATABASE).toString()), store.describe());
        assertTrue(Files.exists(configured.resolve(SqliteStore.DATABASE)));
        assertFalse(Files.exists(dir.resolve("property")), "the configuration wins over the framework property");
        assertEquals(1, store.synchronousPragma(), "PRAGMA synchronous is NORMAL (1)");
        assertTrue(store.durability().contains("synchronous=NORMAL"), store.durability());
        component.deactivate();
        assertEquals(registered, unregistered);
        new SqliteStore(configured, SqliteStore.Sync.FULL).close();
    }

    @Test
    void withoutADataDirectoryTheFrameworkPropertyNamesItAndFullIsTheDefault() {
        Path property = dir.resolve("property");
        SqliteStoreComponent component = new SqliteStoreComponent(
                context(Map.of(SqliteStoreComponent.DATA_DIR_PROPERTY, property.toString())), config("", "FULL"));
        try {
            SqliteStore store = (SqliteStore) registered.getFirst();
            assertTrue(store.describe().endsWith(property.resolve(SqliteStore.DATABASE).toString()), store.describe());
            assertEquals(2, store.synchronousPragma(), "PRAGMA synchronous is FULL (2)");
        } finally {
            component.deactivate();
        }
    }

    @Test
    void aBadSynchronousIsRefusedWithTheAllowedValuesAndOpensNothing() {
        Path configured = dir.resolve("configured");
        StoreException refused = assertThrows(StoreException.class,
                () -> new SqliteStoreComponent(context(Map.of()), config(configured.toString(), "OFF")));
        assertEquals("synchronous is \"OFF\"; configure " + SqliteStoreComponent.PID + " with FULL or NORMAL",
                refused.getMessage());
        assertTrue(registered.isEmpty());
        assertFalse(Files.exists(configured), "no store was opened");
    }
}
