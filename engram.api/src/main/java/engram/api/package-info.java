/**
 * The kernel API of Engram: {@link engram.api.KernelService}, implemented by every
 * kernel bundle, its parameter types, and the {@link engram.api.KernelRouter} that the
 * memory engine calls through. See {@code kernel-contract.md} for what each kernel
 * computes and how closely implementations must agree.
 */
@Export
@Version("1.0.0")
package engram.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
