/**
 * The kernel API of Engram: {@link engram.api.KernelService}, implemented by every kernel
 * bundle, its parameter and result types, {@link engram.api.KernelWorkspace} (scratch memory
 * a caller owns), the {@link engram.api.KernelRouter} that the memory engine calls through,
 * {@link engram.api.KernelTolerance} (the contract's tolerances, for shadow checks) and
 * {@link engram.api.KernelLookup} (the kernels of a plain Java program, best first). What each
 * kernel computes and how closely implementations must agree is the contract,
 * {@code docs/kernel-contract.md} in the Engram repository.
 */
@Export
@Version("2.2.0")
package engram.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
