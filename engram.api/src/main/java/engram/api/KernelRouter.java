package engram.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The kernels the engine calls through: every registered {@link KernelService}, the highest
 * ranking one preferred. A call never fails because a kernel goes away or fails: a kernel
 * that is stopping, or fails for a reason of its own, hands the call to the next one, and the
 * router counts and logs the failure ({@link #kernels()}). A bad argument is not handed on.
 *
 * <p>A workspace made by the router ({@link #newWorkspace()}) keeps one workspace for each
 * kernel it routes to, made when a call first goes there, and drops a kernel's when that
 * kernel stops.
 */
@ProviderType
public interface KernelRouter extends KernelService {

    /** Every kernel the router knows, highest ranking first, with calls served and failures. */
    List<KernelStatus> kernels();

    /** Runs the known-answer tests ({@link KnownAnswers}) on every kernel. */
    List<SelfTestResult> selfTest();
}
