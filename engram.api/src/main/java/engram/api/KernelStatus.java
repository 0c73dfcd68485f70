package engram.api;

/**
 * One kernel as the router sees it.
 *
 * @param id the kernel's stable identity ({@link KernelInfo#id()})
 * @param name the kernel's display name
 * @param version the kernel's version
 * @param ranking its ranking: the highest ranking kernel is preferred
 * @param instructionSet the instruction set its hot loops use
 * @param callsServed the calls it has served since it appeared
 * @param failures the calls it failed (other than for a bad argument) and the router handed on
 * @param lastFailure the message of its last failure, or the empty string
 * @param active whether the router sends new calls to it now
 */
public record KernelStatus(String id, String name, String version, int ranking, String instructionSet,
        long callsServed, long failures, String lastFailure, boolean active) {
}
