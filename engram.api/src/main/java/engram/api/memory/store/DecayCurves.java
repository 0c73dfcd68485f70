package engram.api.memory.store;

import java.util.Locale;

import engram.api.DecayCurve;

/**
 * A decay curve as one line of text, for stores and files: {@code exponential 86400},
 * {@code power 3600 0.18}, {@code two-component 7056 86400 0.18 3}, {@code ebbinghaus 1.84 1.25}.
 */
public final class DecayCurves {
    private DecayCurves() {
    }

    public static String format(DecayCurve curve) {
        return switch (curve) {
            case DecayCurve.Exponential c -> "exponential " + c.halfLifeSeconds();
            case DecayCurve.PowerLaw c -> "power " + c.scaleSeconds() + " " + c.beta();
            case DecayCurve.TwoComponent c -> "two-component " + c.tauSeconds() + " " + c.neocorticalScaleSeconds() + " "
                    + c.neocorticalBeta() + " " + c.consolidationAccessCount();
            case DecayCurve.Ebbinghaus c -> "ebbinghaus " + c.k() + " " + c.c();
        };
    }

    /**
     * The curve a line of {@link #format} names.
     *
     * @throws IllegalArgumentException naming the line and the forms it may take
     */
    public static DecayCurve parse(String text) {
        String[] words = text == null ? new String[0] : text.trim().split("\\s+");
        try {
            return switch (words.length == 0 ? "" : words[0].toLowerCase(Locale.ROOT)) {
                case "exponential" -> new DecayCurve.Exponential(number(words, 1, 2));
                case "power" -> new DecayCurve.PowerLaw(number(words, 1, 3), number(words, 2, 3));
                case "two-component" -> new DecayCurve.TwoComponent(number(words, 1, 5), number(words, 2, 5),
                        number(words, 3, 5), (int) number(words, 4, 5));
                case "ebbinghaus" -> new DecayCurve.Ebbinghaus(number(words, 1, 3), number(words, 2, 3));
                default -> throw new IllegalArgumentException("unknown curve");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("decay curve \"" + text + "\" is not one of: exponential HALF_LIFE_S,"
                    + " power SCALE_S BETA, two-component TAU_S SCALE_S BETA CONSOLIDATION_COUNT, ebbinghaus K C ("
                    + e.getMessage() + ")", e);
        }
    }

    private static double number(String[] words, int index, int length) {
        if (words.length != length) {
            throw new IllegalArgumentException(words[0] + " takes " + (length - 1) + " numbers, not " + (words.length - 1));
        }
        return Double.parseDouble(words[index]);
    }
}
