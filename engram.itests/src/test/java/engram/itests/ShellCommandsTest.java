package engram.itests;

import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.Test;

import engram.api.KernelRouter;
import engram.api.KernelService;
import engram.api.KernelWorkspace;

/** The Gogo commands of engram.shell, run through a command session as the prompt runs them. */
public class ShellCommandsTest extends EngramTestSupport {

    @Test
    public void kernelsCommandListsEveryKernelBestFirstWithItsIdAndFailures() throws Exception {
        routerListingEveryKernel();
        String output = run("engram:kernels");

        String header = line(output, "NAME");
        assertTrue("engram:kernels has ID and FAILED columns:\n" + output,
                header.contains(" ID ") && header.contains("CALLS") && header.trim().endsWith("FAILED"));
        String java = line(output, JAVA_ID);
        assertTrue("engram:kernels lists the java kernel on the Vector API:\n" + output,
                java.contains(" java ") && java.contains("Vector API"));
        String reference = line(output, REFERENCE_ID);
        assertTrue("engram:kernels lists the reference:\n" + output,
                reference.contains(" reference ") && reference.contains("scalar (Java)"));
        List<String> all = lines(output);
        assertTrue("java is listed above the reference:\n" + output, all.indexOf(java) < all.indexOf(reference));
        if (zigKernelsProvisioned()) {
            assertTrue("zig is listed above java:\n" + output, all.indexOf(line(output, ZIG_ID_PREFIX)) < all.indexOf(java));
        }
        assertTrue("engram:kernels explains its columns:\n" + output, output.contains("FAILED: calls it failed"));
    }

    @Test
    public void arenaCommandListsTheKernelsWorkspacesAndATotal() throws Exception {
        KernelRouter router = routerListing(zigKernelsProvisioned() ? "zig" : "java");
        KernelService java = kernelNamed("java");
        try (KernelWorkspace workspace = router.newWorkspace()) {
            // A call without a workspace borrows one from the java kernel's pool; one with the
            // router workspace makes the router's delegate.
            java.cosine(new float[] {1, 0}, new float[] {1, 0, 0, 1}, null);
            router.cosine(workspace, MemorySegment.ofArray(new float[] {1, 0}), 2,
                    MemorySegment.ofArray(new float[] {1, 0, 0, 1}), 0, 2, null, MemorySegment.ofArray(new float[2]));

            String output = run("engram:arena");

            String header = line(output, "KERNEL");
            for (String column : List.of("WORKSPACE", "MEMORY", "CAPACITY", "IN USE", "HIGH WATER", "RETAINED",
                    "OVERFLOWS", "FALLBACK", "RESETS")) {
                assertTrue("engram:arena has a " + column + " column:\n" + output, header.contains(column));
            }
            String pool = lines(output).stream().filter(l -> l.startsWith(JAVA_ID) && l.contains(" pool-"))
                    .findFirst().orElseThrow(() -> new AssertionError("engram:arena lists the java kernel's pool"
                            + " workspace:\n" + output));
            assertTrue("a java workspace is heap memory: " + pool, pool.contains(" heap "));
            String delegate = zigKernelsProvisioned() ? ZIG_ID_PREFIX : JAVA_ID;
            assertTrue("engram:arena lists the router workspace's delegate of " + delegate + ":\n" + output,
                    lines(output).stream().anyMatch(l -> l.startsWith(delegate) && l.contains(" workspace-")));
            String total = line(output, "total");
            assertTrue("the total row sums the table:\n" + output, total.trim().startsWith("total"));
            assertTrue("engram:arena counts the workspaces:\n" + output,
                    output.contains(router.arenaMetrics().size() + " workspace(s)"));
        }
    }

    @Test
    public void selftestCommandReportsNoFailure() throws Exception {
        String output = run("engram:selftest");

        assertTrue("engram:selftest printed:\n" + output, output.contains("PASS"));
        assertTrue("engram:selftest printed:\n" + output, output.contains(" 0 failed"));
    }

    @Test
    public void aCommandGivenArgumentsItDoesNotTakeSaysWhatItTakes() throws Exception {
        for (String command : List.of("engram:kernels", "engram:selftest", "engram:arena")) {
            IllegalArgumentException refused = null;
            try {
                run(command + " now please");
            } catch (IllegalArgumentException e) {
                refused = e;
            }
            assertTrue(command + " with arguments is refused", refused != null);
            assertTrue(refused.getMessage(), refused.getMessage().contains(command + " takes no arguments")
                    && refused.getMessage().contains("now please") && refused.getMessage().endsWith("run it as: "
                            + command));
        }
    }

    private static List<String> lines(String output) {
        return Arrays.asList(output.split("\\R"));
    }

    /** The first line of {@code output} that contains {@code text}. */
    private static String line(String output, String text) {
        return lines(output).stream().filter(l -> l.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + text + " in:\n" + output));
    }

    /** Runs {@code command} and returns what the prompt would print: its output, then its formatted result. */
    private String run(String command) throws Exception {
        routerListing("java");
        CommandProcessor processor = service(CommandProcessor.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            String function = command.split(" ")[0];
            await(function + " is registered", () -> session.get(function) != null);
            Object result = session.execute(command);
            session.getConsole().flush();
            String printed = out.toString(StandardCharsets.UTF_8);
            return result == null ? printed : printed + session.format(result, Converter.INSPECT);
        }
    }
}
