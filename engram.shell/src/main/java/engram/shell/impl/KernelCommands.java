package engram.shell.impl;

import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import engram.api.ArenaMetrics;
import engram.api.KernelRouter;
import engram.api.KernelStatus;
import engram.api.SelfTestResult;

/** Gogo commands over the kernel router: {@code engram:kernels}, {@code engram:selftest} and {@code engram:arena}. */
@Component(service = KernelCommands.class)
@GogoCommand(scope = "engram", function = {"kernels", "selftest", "arena"})
public final class KernelCommands {
    private final KernelRouter router;

    @Activate
    public KernelCommands(@Reference KernelRouter router) {
        this.router = router;
    }

    @Descriptor("lists every kernel: name, id, version, ranking, instruction set, calls served, calls failed"
            + " (and handed to the next kernel), and which one is active")
    public KernelTable kernels(@Descriptor("none: the command takes no arguments") String... arguments) {
        noArguments("kernels", arguments, "it lists every kernel");
        return new KernelTable(router.kernels());
    }

    @Descriptor("runs the known-answer tests on every kernel and says, for each, whether it passed;"
            + " fails when any test fails")
    public SelfTestReport selftest(@Descriptor("none: the command takes no arguments") String... arguments) {
        noArguments("selftest", arguments, "it tests every kernel");
        SelfTestReport report = new SelfTestReport(router.selfTest());
        if (!report.passed()) {
            throw new IllegalStateException("a kernel failed its known-answer tests:\n" + report);
        }
        return report;
    }

    @Descriptor("lists the kernels' workspaces (their scratch arenas): capacity, bytes in use, high-water mark,"
            + " bytes kept between calls, overflows, bytes served by the fallback allocator, and calls ended;"
            + " then the total")
    public ArenaTable arena(@Descriptor("none: the command takes no arguments") String... arguments) {
        noArguments("arena", arguments, "it lists every workspace");
        return new ArenaTable(router.arenaMetrics());
    }

    /**
     * Refuses arguments to a command that takes none, saying what it takes; without this
     * parameter Gogo would answer {@code Cannot coerce kernels(Token) to any of [()]}.
     */
    private static void noArguments(String function, String[] arguments, String what) {
        if (arguments.length > 0) {
            throw new IllegalArgumentException("engram:" + function + " takes no arguments (" + what + "), but was given "
                    + String.join(" ", arguments) + "; run it as: engram:" + function);
        }
    }

    /** The router's kernels, highest ranking first; prints as a table. */
    public record KernelTable(List<KernelStatus> kernels) {
        @Override
        public String toString() {
            if (kernels.isEmpty()) {
                return "no kernel is registered: start the bundle engram.kernels.java";
            }
            Table table = new Table("", "NAME", "ID", "VERSION", "RANKING", "INSTRUCTION SET", "CALLS", "FAILED");
            StringBuilder failures = new StringBuilder();
            for (KernelStatus k : kernels) {
                table.row(k.active() ? "*" : "", k.name(), k.id(), k.version(), Integer.toString(k.ranking()),
                        k.instructionSet(), Long.toString(k.callsServed()), Long.toString(k.failures()));
                if (!k.lastFailure().isEmpty()) {
                    failures.append("last failure of ").append(k.id()).append(": ").append(k.lastFailure())
                            .append('\n');
                }
            }
            return table + failures.toString() + "* active: new calls go to this kernel; FAILED: calls it failed,"
                    + " which the next kernel served";
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

    /** Every kernel's workspaces and their total; prints as a table. */
    public record ArenaTable(List<ArenaMetrics> arenas) {
        @Override
        public String toString() {
            if (arenas.isEmpty()) {
                return "no workspace is open: a kernel makes its first when a call or newWorkspace() needs one";
            }
            Table table = new Table("KERNEL", "WORKSPACE", "MEMORY", "CAPACITY", "IN USE", "HIGH WATER", "RETAINED",
                    "OVERFLOWS", "FALLBACK", "RESETS");
            for (ArenaMetrics m : arenas) {
                row(table, m);
            }
            row(table, ArenaMetrics.total(arenas));
            return table.toString() + arenas.size() + " workspace(s). RETAINED: kept between calls (spreading's node tables);"
                    + " FALLBACK: bytes the fallback strategy took from the general allocator";
        }

        private static void row(Table table, ArenaMetrics m) {
            table.row(m.kernelId(), m.workspace(), m.memory(), bytes(m.capacityBytes()), bytes(m.inUseBytes()),
                    bytes(m.highWaterBytes()), bytes(m.retainedBytes()), Long.toString(m.overflows()),
                    bytes(m.fallbackBytes()), Long.toString(m.resets()));
        }
    }

    /** Bytes for people: {@code 512 B}, {@code 4.0 KiB}, {@code 1.5 MiB}. */
    static String bytes(long value) {
        if (value < 1024) {
            return value + " B";
        }
        if (value < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", value / 1024.0);
        }
        if (value < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", value / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.1f GiB", value / (1024.0 * 1024 * 1024));
    }
}
