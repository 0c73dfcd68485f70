package engram.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

import engram.bench.Figures.Figure;

/** The history file, its table and its chart, on made-up runs. */
class HistoryTest {
    private static Machine machine(String level, String commit) {
        return new Machine("Test CPU <model> & \"quoted\"", level, "zig", "java", 512, "25.0.3", "0.13.0", commit,
                "32M");
    }

    private static Map<String, Figure> figures(double zigMicros) {
        return Figures.of(new Synthetic().similarity(100_000, 100, zigMicros, 45, 0.01).spreading(300, 100, 0.01)
                .results());
    }

    private static List<History.Entry> threeRuns(Path file) throws IOException {
        History.append(file, History.Entry.of("2026-12-01T10:00:00Z", "run", "-f 3", machine("x86-64-v3", "aaa"),
                figures(50)));
        History.append(file, History.Entry.of("2026-12-01T11:00:00Z", "regression", "", machine("x86-64-v3", "bbb"),
                figures(55)));
        History.append(file, History.Entry.of("2026-12-02T09:00:00Z", "regression", "", machine("x86-64-v4", "c<&>"),
                figures(45)));
        return History.read(file);
    }

    @Test
    void eachRunIsOneJsonLineThatReadsBack(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("history.jsonl");
        List<History.Entry> entries = threeRuns(file);
        assertEquals(3, Files.readAllLines(file).size());
        assertEquals(3, entries.size());
        History.Entry first = entries.getFirst();
        assertEquals("2026-12-01T10:00:00Z", first.date());
        assertEquals("run", first.kind());
        assertEquals("-f 3", first.args());
        assertEquals("aaa", first.machineField("commit"));
        assertEquals("x86-64-v3", first.machineField("level"));
        assertEquals("Test CPU <model> & \"quoted\"", first.machineField("cpu"));
        assertEquals(2.0, first.figures().get("similarity d=768 n=100000 zig/java"), 1e-9);
        assertTrue(first.gated().contains("spreading 10000:50000 zig/java"));
        assertTrue(first.noise().get("similarity d=768 n=100000 zig/java") > 0);
    }

    @Test
    void theTableHasAColumnARunAndARowAFigure(@TempDir Path folder) throws IOException {
        List<History.Entry> entries = threeRuns(folder.resolve("history.jsonl"));
        String table = History.table(entries, 2, "zig/java");
        assertTrue(table.contains("similarity d=768 n=100000 zig/java"), table);
        assertTrue(table.contains("spreading 10000:50000 zig/java"), table);
        assertTrue(!table.contains("zig/bandwidth"), table);
        // The last two runs only: 1.818 and 2.222, not the first run's 2.000.
        assertTrue(table.contains("1.818") && table.contains("2.222") && !table.contains("2.000"), table);
        assertTrue(table.contains("x86-64-v4"), table);
        assertEquals("no runs in the history yet\n", History.table(List.of(), 8, ""));
    }

    @Test
    void theChartIsWellFormedSelfContainedSvg(@TempDir Path folder)
            throws IOException, ParserConfigurationException, SAXException {
        List<History.Entry> entries = threeRuns(folder.resolve("history.jsonl"));
        List<String> charted = Chart.figures(entries, false);
        assertTrue(charted.contains("similarity d=768 n=100000 zig/java"), charted.toString());
        assertTrue(charted.contains("similarity d=768 n=100000 zig/bandwidth"), charted.toString());
        String svg = Chart.svg(entries, charted);
        Document document = parse(svg);
        assertEquals("svg", document.getDocumentElement().getTagName());
        assertEquals("http://www.w3.org/2000/svg", document.getDocumentElement().getNamespaceURI());
        // A line a level in each panel with points in it: two levels, so two lines a panel.
        assertEquals(2 * charted.size(), document.getElementsByTagName("polyline").getLength());
        assertEquals(3 * charted.size(), document.getElementsByTagName("circle").getLength());
        assertTrue(svg.contains("c&lt;&amp;&gt;"), "the commit escaped");
        // Self-contained: no reference to anything outside the file.
        assertTrue(!svg.contains("href") && !svg.contains("<script") && !svg.contains("@import"), svg);
        // An empty history still makes a valid chart.
        assertEquals("svg", parse(Chart.svg(List.of(), List.of())).getDocumentElement().getTagName());
    }

    private static Document parse(String xml) throws ParserConfigurationException, SAXException, IOException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }
}
