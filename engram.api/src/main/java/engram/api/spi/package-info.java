/**
 * For kernel implementations: the bookkeeping every kernel's workspaces share (one call at
 * a time, closing, the registry that metrics and a bundle stop walk, and the small pool that
 * calls without a workspace borrow from), and the holds that keep a graph alive under its
 * calls ({@link engram.api.spi.Holds}), which an engine may use for what it replaces under
 * its readers. Callers of the kernels need none of it.
 */
@Export
@Version("1.2.0")
package engram.api.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
