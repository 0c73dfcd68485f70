package engram.api;

/**
 * The outcome of one known-answer test on one kernel.
 *
 * @param kernel the kernel's name
 * @param test what was tested
 * @param passed whether the kernel gave the known answer
 * @param detail what differed, or what was checked
 */
public record SelfTestResult(String kernel, String test, boolean passed, String detail) {
}
