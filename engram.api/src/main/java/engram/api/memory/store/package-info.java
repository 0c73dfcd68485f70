/**
 * The memory engine's store of record, as a service provider interface: a store bundle
 * (SQLite is the embedded default) registers a {@link engram.api.memory.store.MemoryStore},
 * and the engine writes every change through it before it returns, and loads from it on start.
 */
@Export
@Version("0.1.0")
package engram.api.memory.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
