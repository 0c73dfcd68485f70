package engram.itests;

import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.Test;

/** The Gogo commands of engram.shell, run through a command session as the prompt runs them. */
public class ShellCommandsTest extends EngramTestSupport {

    @Test
    public void kernelsCommandListsTheJavaKernel() throws Exception {
        String output = run("engram:kernels");

        assertTrue("engram:kernels printed:\n" + output, output.contains("java"));
        assertTrue("engram:kernels printed:\n" + output, output.contains("scalar (Java)"));
    }

    @Test
    public void selftestCommandReportsNoFailure() throws Exception {
        String output = run("engram:selftest");

        assertTrue("engram:selftest printed:\n" + output, output.contains("PASS"));
        assertTrue("engram:selftest printed:\n" + output, output.contains(" 0 failed"));
    }

    /** Runs {@code command} and returns what the prompt would print: its output, then its formatted result. */
    private String run(String command) throws Exception {
        routerListing("java");
        CommandProcessor processor = service(CommandProcessor.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            await(command + " is registered", () -> session.get(command) != null);
            Object result = session.execute(command);
            session.getConsole().flush();
            String printed = out.toString(StandardCharsets.UTF_8);
            return result == null ? printed : printed + session.format(result, Converter.INSPECT);
        }
    }
}
