package engram.app.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** How {@code ./engram -c} text splits into the statements the launcher runs one after another. */
class StatementsTest {

    @Test
    void linesAndSemicolonsSeparateStatements() {
        assertEquals(List.of("engram:kernels", "engram:selftest", "lb"),
                Statements.of("engram:kernels; engram:selftest\n  lb  \n"));
    }

    @Test
    void quotesAndBracketsKeepTheirSeparators() {
        assertEquals(List.of("echo 'a; b'", "echo \"c; \\\" d\"", "each [1 2] { echo $it; echo again }",
                "x = (lb; lb)"), Statements.of("echo 'a; b'; echo \"c; \\\" d\"\neach [1 2] { echo $it; echo again }\n"
                        + "x = (lb; lb)"));
        assertEquals(List.of("each [1 2] {\n echo $it\n}"), Statements.of("each [1 2] {\n echo $it\n}"));
    }

    @Test
    void emptyStatementsAndCommentLinesAreLeftOut() {
        assertEquals(List.of("lb"), Statements.of(";;\n\n# a comment\n lb ;"));
        assertEquals(List.of(), Statements.of("   "));
    }

    @Test
    void theStartLevelsOfTheExportAreReadPerBundle() {
        Map<String, Integer> levels = AppArchive.startLevels("engram.api;version=\"0.1.0\";startlevel=1,"
                + "org.apache.felix.gogo.shell;version=\"[1.1.4,1.1.5)\";startlevel=2,no.level;version=\"1\"");
        assertEquals(Map.of("engram.api", 1, "org.apache.felix.gogo.shell", 2), levels);
    }
}
