package engram.app.launcher;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the text of {@code ./engram -c} into the statements Gogo would run one after another
 * (at line breaks and at {@code ;}), outside quotes ({@code '...'}, {@code "..."}) and
 * brackets ({@code { }}, {@code ( )}, {@code [ ]}), so the launcher can print each
 * statement's result and let the framework settle before the next one.
 */
final class Statements {
    private Statements() {
    }

    /** The statements of {@code text}, trimmed, empty ones and {@code #} comment lines left out. */
    static List<String> of(String text) {
        List<String> statements = new ArrayList<>();
        for (String part : splitOutsideQuotes(text, ';')) {
            for (String statement : splitOutsideQuotes(part, '\n')) {
                String trimmed = statement.trim();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    statements.add(trimmed);
                }
            }
        }
        return statements;
    }

    /** {@code text} split at {@code separator} outside quotes and brackets (the parts untrimmed). */
    static List<String> splitOutsideQuotes(String text, char separator) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote == '"' && i + 1 < text.length()) {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '{' || c == '(' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ')' || c == ']') && depth > 0) {
                depth--;
            } else if (c == separator && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }
}
