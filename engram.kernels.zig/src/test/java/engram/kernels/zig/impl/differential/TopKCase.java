package engram.kernels.zig.impl.differential;

import engram.api.KernelService;
import engram.api.TopK;

/**
 * One cosineTopK call and, once known, the reference's answer: its cosine score of every
 * row (to judge near-ties) and its top k.
 */
public record TopKCase(String name, int dimensions, int rows, int k, float[] query, float[] matrix, float[] norms,
        float[] scores, int[] expectIndex, float[] expectScore) {
    public static final String KERNEL = "topk";

    public TopKCase {
        if (query.length != dimensions || matrix.length != (long) rows * dimensions
                || (norms != null && norms.length != rows) || (scores != null && scores.length != rows)
                || (expectIndex != null && expectIndex.length != k)
                || (expectScore != null && expectScore.length != k)) {
            throw new IllegalArgumentException("case " + name + ": array lengths disagree with " + dimensions
                    + " dimensions, " + rows + " rows and k = " + k);
        }
    }

    public static TopKCase of(String name, float[] query, float[] matrix, float[] norms, int k) {
        return new TopKCase(name, query.length, matrix.length / query.length, k, query, matrix, norms, null, null,
                null);
    }

    public TopKCase withExpectations(KernelService reference) {
        TopK top = reference.cosineTopK(query, matrix, norms, k);
        return new TopKCase(name, dimensions, rows, k, query, matrix, norms, reference.cosine(query, matrix, norms),
                top.indices(), top.scores());
    }

    public void write(CorpusText.Writer out) {
        out.field("case", name).field("dimensions", dimensions).field("rows", rows).field("k", k)
                .floats("query", query).floats("matrix", matrix).floats("norms", norms).floats("scores", scores)
                .ints("expect_index", expectIndex).floats("expect_score", expectScore).end();
    }

    public static TopKCase read(CorpusText.Reader in, String name) {
        int dimensions = in.integer("dimensions");
        int rows = in.integer("rows");
        int k = in.integer("k");
        float[] query = in.floats("query", dimensions);
        float[] matrix = in.floats("matrix", Math.multiplyExact(rows, dimensions));
        float[] norms = in.optionalFloats("norms", rows);
        float[] scores = in.floats("scores", rows);
        int[] expectIndex = in.ints("expect_index", k);
        float[] expectScore = in.floats("expect_score", k);
        in.endCase();
        return new TopKCase(name, dimensions, rows, k, query, matrix, norms, scores, expectIndex, expectScore);
    }
}
