package engram.api;

/**
 * One kernel as the router sees it.
 *
 * @param name the kernel's name
 * @param version the kernel's version
 * @param ranking its service ranking: the highest ranking kernel is preferred
 * @param instructionSet the instruction set its hot loops use
 * @param callsServed the calls the router has sent to it since it appeared
 * @param active whether the router sends new calls to it now
 */
public record KernelStatus(String name, String version, int ranking, String instructionSet, long callsServed,
        boolean active) {
}
