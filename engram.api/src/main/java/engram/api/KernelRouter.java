package engram.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The kernels the engine calls through: every registered {@link KernelService}, the
 * highest ranking one preferred. A call never fails because a kernel goes away: a call
 * that arrives after a kernel began to stop runs on the next one.
 */
@ProviderType
public interface KernelRouter extends KernelService {

    /** Every kernel the router knows, highest ranking first. */
    List<KernelStatus> kernels();

    /** Runs the known-answer tests ({@link KnownAnswers}) on every kernel. */
    List<SelfTestResult> selfTest();
}
