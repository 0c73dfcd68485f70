package engram.kernels.zig.impl.differential;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The regression corpus in {@code zig/corpus/}: one file per kernel, {@code KERNEL.txt},
 * in the format {@code zig/corpus/README.md} describes. The Java replay and the Zig
 * harness ({@code zig/src/corpus_harness.zig}) read the same files.
 */
public final class Corpus {
    /** System property naming the corpus folder; by default {@code ../zig/corpus} from the module. */
    public static final String DIRECTORY_PROPERTY = "engram.corpus.dir";

    private Corpus() {
    }

    public static Path directory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        // Surefire sets basedir to the module folder; an IDE usually runs there too.
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        return module.resolve("../zig/corpus").normalize();
    }

    public static Path file(String kernel) {
        return directory().resolve(kernel + ".txt");
    }

    public static List<CosineCase> cosine() {
        return read(CosineCase.KERNEL, CosineCase::read);
    }

    public static List<TopKCase> topK() {
        return read(TopKCase.KERNEL, TopKCase::read);
    }

    public static List<SpreadCase> spread() {
        return read(SpreadCase.KERNEL, SpreadCase::read);
    }

    public static List<DecayCase> decay() {
        return read(DecayCase.KERNEL, DecayCase::read);
    }

    private static <T> List<T> read(String kernel, BiFunction<CorpusText.Reader, String, T> readCase) {
        Path file = file(kernel);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + kernel + " corpus " + file
                    + "; run from the module folder or set -D" + DIRECTORY_PROPERTY, e);
        }
        CorpusText.Reader in = new CorpusText.Reader(text, file.toString(), kernel);
        List<T> cases = new ArrayList<>();
        for (String name = in.nextCase(); name != null; name = in.nextCase()) {
            cases.add(readCase.apply(in, name));
        }
        return cases;
    }

    /** The text of one case, as a corpus file holds it: what a failing run prints to be pasted in. */
    public static <T> String caseText(T kernelCase, BiConsumer<T, CorpusText.Writer> write) {
        CorpusText.Writer out = new CorpusText.Writer();
        write.accept(kernelCase, out);
        return out.toString();
    }

    /** Rewrites the file of {@code kernel} with {@code cases}, in order. */
    public static <T> void write(String kernel, List<T> cases, BiConsumer<T, CorpusText.Writer> write) {
        CorpusText.Writer out = new CorpusText.Writer();
        out.comment("Regression corpus of the " + kernel + " kernel. Format: README.md in this folder.\n"
                + "Inputs are kept as they are; the expect* fields are the Java reference's results,\n"
                + "rewritten by CorpusUpdateTest with -Dengram.corpus.update=true: never edited by hand.");
        out.header(kernel).blankLine();
        for (T kernelCase : cases) {
            write.accept(kernelCase, out);
        }
        try {
            Files.writeString(file(kernel), out.toString(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + kernel + " corpus " + file(kernel), e);
        }
    }
}
