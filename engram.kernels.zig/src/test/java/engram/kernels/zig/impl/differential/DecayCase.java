package engram.kernels.zig.impl.differential;

import engram.api.DecayCurve;
import engram.api.DecayParams;
import engram.api.KernelService;

/**
 * One decay call and, once known, the reference's strengths for it.
 *
 * @param accessCount per-memory access counts, or null for none
 */
public record DecayCase(String name, DecayParams params, float[] strength, float[] ageSeconds, int[] accessCount,
        float[] expect) {
    public static final String KERNEL = "decay";

    public DecayCase {
        if (ageSeconds.length != strength.length || (accessCount != null && accessCount.length != strength.length)
                || (expect != null && expect.length != strength.length)) {
            throw new IllegalArgumentException("case " + name + ": array lengths disagree with " + strength.length
                    + " memories");
        }
    }

    public static DecayCase of(String name, DecayParams params, float[] strength, float[] ageSeconds,
            int[] accessCount) {
        return new DecayCase(name, params, strength, ageSeconds, accessCount, null);
    }

    public int count() {
        return strength.length;
    }

    public DecayCase withExpectations(KernelService reference) {
        return new DecayCase(name, params, strength, ageSeconds, accessCount,
                reference.decay(strength, ageSeconds, accessCount, params));
    }

    public void write(CorpusText.Writer out) {
        out.field("case", name).field("curve", curve(params.curve())).field("floor", params.floor())
                .field("count", count()).floats("strength", strength).floats("age_seconds", ageSeconds)
                .ints("access_count", accessCount).floats("expect", expect).end();
    }

    public static DecayCase read(CorpusText.Reader in, String name) {
        in.expect("curve");
        DecayCurve curve = switch (in.word()) {
            case "exponential" -> new DecayCurve.Exponential(in.float64());
            case "power_law" -> new DecayCurve.PowerLaw(in.float64(), in.float64());
            case "two_component" -> new DecayCurve.TwoComponent(in.float64(), in.float64(), in.float64(), in.integer());
            case "ebbinghaus" -> new DecayCurve.Ebbinghaus(in.float64(), in.float64());
            default -> throw new IllegalArgumentException("case " + name + ": unknown curve; use exponential,"
                    + " power_law, two_component or ebbinghaus");
        };
        float floor = in.float32("floor");
        int count = in.integer("count");
        float[] strength = in.floats("strength", count);
        float[] ageSeconds = in.floats("age_seconds", count);
        int[] accessCount = in.optionalInts("access_count", count);
        float[] expect = in.floats("expect", count);
        in.endCase();
        return new DecayCase(name, new DecayParams(curve, floor), strength, ageSeconds, accessCount, expect);
    }

    /** The curve and its constants as the corpus writes them: {@code NAME constant...}. */
    private static String curve(DecayCurve curve) {
        return switch (curve) {
            case DecayCurve.Exponential c -> "exponential " + CorpusText.hex(c.halfLifeSeconds());
            case DecayCurve.PowerLaw c -> "power_law " + CorpusText.hex(c.scaleSeconds()) + " "
                    + CorpusText.hex(c.beta());
            case DecayCurve.TwoComponent c -> "two_component " + CorpusText.hex(c.tauSeconds()) + " "
                    + CorpusText.hex(c.neocorticalScaleSeconds()) + " " + CorpusText.hex(c.neocorticalBeta()) + " "
                    + c.consolidationAccessCount();
            case DecayCurve.Ebbinghaus c -> "ebbinghaus " + CorpusText.hex(c.k()) + " " + CorpusText.hex(c.c());
        };
    }
}
