package engram.shell.impl;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import engram.api.KernelRouter;
import engram.api.KernelStatus;
import engram.api.SelfTestResult;

/** Gogo commands over the kernel router: {@code engram:kernels} and {@code engram:selftest}. */
@Component(service = KernelCommands.class)
@GogoCommand(scope = "engram", function = {"kernels", "selftest"})
public final class KernelCommands {
    private final KernelRouter router;

    @Activate
    public KernelCommands(@Reference KernelRouter router) {
        this.router = router;
    }

    @Descriptor("lists every kernel: name, version, ranking, instruction set, calls served, and which one is active")
    public KernelTable kernels() {
        return new KernelTable(router.kernels());
    }

    @Descriptor("runs the known-answer tests on every kernel and says, for each, whether it passed;"
            + " fails when any test fails")
    public SelfTestReport selftest() {
        SelfTestReport report = new SelfTestReport(router.selfTest());
        if (!report.passed()) {
            throw new IllegalStateException("a kernel failed its known-answer tests:\n" + report);
        }
        return report;
    }

    /** The router's kernels, highest ranking first; prints as a table. */
    public record KernelTable(List<KernelStatus> kernels) {
        @Override
        public String toString() {
            if (kernels.isEmpty()) {
                return "no kernel is registered: start the bundle engram.kernels.java";
            }
            Table table = new Table("", "NAME", "VERSION", "RANKING", "INSTRUCTION SET", "CALLS");
            for (KernelStatus k : kernels) {
                table.row(k.active() ? "*" : "", k.name(), k.version(), Integer.toString(k.ranking()),
                        k.instructionSet(), Long.toString(k.callsServed()));
            }
            return table + "* active: new calls go to this kernel";
        }
    }

    /** The known-answer tests run; prints one line per test and a summary. */
    public record SelfTestReport(List<SelfTestResult> results) {
        public boolean passed() {
            return results.stream().allMatch(SelfTestResult::passed);
        }

        @Override
        public String toString() {
            Table table = new Table("RESULT", "KERNEL", "TEST", "DETAIL");
            long failed = 0;
            for (SelfTestResult r : results) {
                table.row(r.passed() ? "PASS" : "FAIL", r.kernel(), r.test(), r.detail());
                failed += r.passed() ? 0 : 1;
            }
            return table + "selftest: " + (results.size() - failed) + " passed, " + failed + " failed";
        }
    }
}
