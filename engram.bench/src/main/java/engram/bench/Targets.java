package engram.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import engram.bench.Figures.Figure;

/** The targets of issue 7, each a bound on one figure. */
final class Targets {
    private Targets() {
    }

    record Target(String figure, boolean atLeast, double bound) {
        String describe() {
            return figure + (atLeast ? " >= " : " <= ") + bound;
        }
    }

    /** A target and what the run measured: met, not met, or not measured. */
    record Verdict(Target target, Figure measured) {
        String status() {
            if (measured == null || !Double.isFinite(measured.value())) {
                return "not measured";
            }
            boolean met = target.atLeast() ? measured.value() >= target.bound() : measured.value() <= target.bound();
            return met ? "met" : "not met";
        }
    }

    static final List<Target> ISSUE_7 = targets();

    private static List<Target> targets() {
        List<Target> t = new ArrayList<>();
        t.add(new Target("similarity d=768 n=100000 zig/bandwidth", true, 0.85));
        t.add(new Target("similarity d=768 n=100000 zig/java", true, 1.1));
        t.add(new Target("similarity d=768 n=100000 zig/lucene", true, 1.1));
        t.add(new Target("similarity d=768 n=10000 zig/bandwidth", true, 0.75));
        t.add(new Target("similarity d=768 n=10000 zig/java", true, 1.3));
        t.add(new Target("batched d=768 n=100000 Q=16 zig vs 16 singles", true, 6));
        t.add(new Target("spreading 10000:50000 zig/java", true, 1.35));
        t.add(new Target("spreading 1000000:16000000 zig/java", true, 1.35));
        for (String curve : List.of("exponential", "power", "two-component", "ebbinghaus")) {
            t.add(new Target("decay n=1000000 " + curve + " zig/java", true, 1.2));
        }
        for (String call : List.of("cosine", "cosineTopK", "decay", "spread")) {
            t.add(new Target("call " + call + " zig ns", false, 50));
        }
        return List.copyOf(t);
    }

    static List<Verdict> judge(Map<String, Figure> figures) {
        return ISSUE_7.stream().map(t -> new Verdict(t, figures.get(t.figure()))).toList();
    }
}
