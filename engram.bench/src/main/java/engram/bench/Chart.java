package engram.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import engram.bench.History.Entry;

/**
 * The history as a self-contained SVG (no script, no font or style sheet from the network):
 * one small panel a figure, the runs left to right in the order they ran, one line a CPU level,
 * the issue 7 target as a dashed line where a figure has one; hovering a point shows its run.
 */
final class Chart {
    private static final int PANEL_WIDTH = 360;
    private static final int PANEL_HEIGHT = 170;
    private static final int COLUMNS = 3;
    private static final int TOP = 60;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

    private Chart() {
    }

    /**
     * The figures charted: those the gate compares and those with a target, or, with
     * {@code all}, every figure in the history.
     */
    static List<String> figures(List<Entry> entries, boolean all) {
        Set<String> names = new TreeSet<>();
        for (Entry e : entries) {
            if (all) {
                names.addAll(e.figures().keySet());
            } else {
                names.addAll(e.gated());
                Targets.ISSUE_7.stream().map(Targets.Target::figure).filter(e.figures()::containsKey)
                        .forEach(names::add);
            }
        }
        return new ArrayList<>(names);
    }

    static String svg(List<Entry> entries, List<String> figures) {
        Map<String, Targets.Target> targets = new LinkedHashMap<>();
        Targets.ISSUE_7.forEach(t -> targets.put(t.figure(), t));
        Set<String> levels = new LinkedHashSet<>();
        entries.forEach(e -> levels.add(e.machineField("level")));
        List<String> levelList = new ArrayList<>(levels);
        int rows = Math.max(1, (figures.size() + COLUMNS - 1) / COLUMNS);
        int width = COLUMNS * PANEL_WIDTH;
        int height = TOP + rows * PANEL_HEIGHT + 10;
        StringBuilder out = new StringBuilder();
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n", width, height, width, height));
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        out.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"15\">Engram benchmark history:"
                + " %d runs, %s to %s</text>\n", entries.size(), escape(entries.isEmpty() ? "-" : entries.getFirst().date()),
                escape(entries.isEmpty() ? "-" : entries.getLast().date())));
        for (int l = 0; l < levelList.size(); l++) {
            out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"32\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"42\">%s</text>\n", 10 + l * 140, colour(l), 26 + l * 140,
                    escape(levelList.get(l))));
        }
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"42\" fill=\"#555\">dashed: issue 7 target;"
                + " higher is better except for ns and us</text>\n", 10 + levelList.size() * 140));
        for (int i = 0; i < figures.size(); i++) {
            panel(out, entries, figures.get(i), targets.get(figures.get(i)), levelList,
                    (i % COLUMNS) * PANEL_WIDTH, TOP + (i / COLUMNS) * PANEL_HEIGHT);
        }
        out.append("</svg>\n");
        return out.toString();
    }

    private static void panel(StringBuilder out, List<Entry> entries, String figure, Targets.Target target,
            List<String> levels, int x0, int y0) {
        int left = x0 + 50;
        int right = x0 + PANEL_WIDTH - 15;
        int top = y0 + 22;
        int bottom = y0 + PANEL_HEIGHT - 25;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Entry e : entries) {
            Double v = e.figures().get(figure);
            if (v != null && Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (target != null) {
            min = Math.min(min, target.bound());
            max = Math.max(max, target.bound());
        }
        if (!Double.isFinite(min)) {
            min = 0;
            max = 1;
        }
        if (max - min < 1e-9 * Math.max(1, Math.abs(max))) {
            min -= 0.5 * Math.max(1e-3, Math.abs(min) * 0.1);
            max += 0.5 * Math.max(1e-3, Math.abs(max) * 0.1);
        }
        double pad = (max - min) * 0.08;
        min -= pad;
        max += pad;
        out.append(String.format(Locale.ROOT, "<g><text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>\n", x0 + 10,
                y0 + 14, escape(figure)));
        out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#bbb\"/>\n", left, top, right - left, bottom - top));
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 4,
                top + 9, number(max)));
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 4,
                bottom, number(min)));
        int n = entries.size();
        if (target != null) {
            double y = y(target.bound(), min, max, top, bottom);
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\""
                    + " stroke-dasharray=\"4 3\"><title>target %s</title></line>\n", left, y, right, y,
                    escape(target.describe())));
        }
        for (int l = 0; l < levels.size(); l++) {
            StringBuilder points = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (int i = 0; i < n; i++) {
                Entry e = entries.get(i);
                Double v = e.figures().get(figure);
                if (v == null || !Double.isFinite(v) || !e.machineField("level").equals(levels.get(l))) {
                    continue;
                }
                double x = n == 1 ? (left + right) / 2.0 : left + (right - left) * (double) i / (n - 1);
                double y = y(v, min, max, top, bottom);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\">"
                        + "<title>%s %s %s: %s</title></circle>\n", x, y, colour(l), escape(e.date()),
                        escape(e.kind()), escape(e.machineField("commit")), number(v)));
            }
            if (!points.isEmpty()) {
                out.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\""
                        + " points=\"%s\"/>\n", colour(l), points.toString().trim()));
                out.append(dots);
            }
        }
        if (n > 0) {
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\">%s</text>\n", left,
                    bottom + 14, escape(shortDate(entries.getFirst().date()))));
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\" text-anchor=\"end\">%s</text>\n",
                    right, bottom + 14, escape(shortDate(entries.getLast().date()))));
        }
        out.append("</g>\n");
    }

    private static double y(double value, double min, double max, int top, int bottom) {
        return bottom - (bottom - top) * (value - min) / (max - min);
    }

    private static String shortDate(String date) {
        return date.length() >= 10 ? date.substring(0, 10) : date;
    }

    private static String number(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String colour(int index) {
        return COLOURS[index % COLOURS.length];
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
