package engram.kernels.zig.impl.differential;

import engram.api.KernelService;

/**
 * One cosine call and, once known, the reference's scores for it.
 *
 * @param norms the given row norms, or null to let the kernel compute them
 * @param expect the reference's {@code out}, or null before {@link #withExpectations}
 */
public record CosineCase(String name, int dimensions, int rows, float[] query, float[] matrix, float[] norms,
        float[] expect) {
    public static final String KERNEL = "cosine";

    public CosineCase {
        if (query.length != dimensions || matrix.length != (long) rows * dimensions
                || (norms != null && norms.length != rows) || (expect != null && expect.length != rows)) {
            throw new IllegalArgumentException("case " + name + ": array lengths disagree with " + dimensions
                    + " dimensions and " + rows + " rows");
        }
    }

    public static CosineCase of(String name, float[] query, float[] matrix, float[] norms) {
        return new CosineCase(name, query.length, matrix.length / query.length, query, matrix, norms, null);
    }

    public CosineCase withExpectations(KernelService reference) {
        return new CosineCase(name, dimensions, rows, query, matrix, norms, reference.cosine(query, matrix, norms));
    }

    public void write(CorpusText.Writer out) {
        out.field("case", name).field("dimensions", dimensions).field("rows", rows).floats("query", query)
                .floats("matrix", matrix).floats("norms", norms).floats("expect", expect).end();
    }

    /** Reads the case whose {@code case NAME} line {@code in} has just read. */
    public static CosineCase read(CorpusText.Reader in, String name) {
        int dimensions = in.integer("dimensions");
        int rows = in.integer("rows");
        float[] query = in.floats("query", dimensions);
        float[] matrix = in.floats("matrix", Math.multiplyExact(rows, dimensions));
        float[] norms = in.optionalFloats("norms", rows);
        float[] expect = in.floats("expect", rows);
        in.endCase();
        return new CosineCase(name, dimensions, rows, query, matrix, norms, expect);
    }
}
