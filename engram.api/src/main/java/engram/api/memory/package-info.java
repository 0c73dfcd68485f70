/**
 * The memory API of Engram, versioned apart from the kernel API: memory spaces, and in each
 * {@link engram.api.memory.MemoryEngine#remember remember}, {@link engram.api.memory.MemoryEngine#link link},
 * {@link engram.api.memory.MemoryEngine#recall recall} and
 * {@link engram.api.memory.MemoryEngine#forget forget}. The engine runs every kernel call
 * through the {@link engram.api.KernelRouter}, so a kernel swap is invisible to its callers.
 */
@Export
@Version("0.1.0")
package engram.api.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
