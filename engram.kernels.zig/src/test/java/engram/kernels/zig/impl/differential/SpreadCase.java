package engram.kernels.zig.impl.differential;

import engram.api.CsrGraph;
import engram.api.KernelService;
import engram.api.SpreadParams;
import engram.api.SpreadResult;

/**
 * One spread call over a CSR graph and, once known, the reference's result, which every
 * kernel must reproduce bit for bit.
 */
public record SpreadCase(String name, int[] offsets, int[] targets, float[] weights, int[] seedNodes,
        float[] seedActivations, SpreadParams params, float[] expectActivation, int[] expectFirstHop,
        int expectCount) {
    public static final String KERNEL = "spread";

    public SpreadCase {
        if (offsets.length < 1 || targets.length != weights.length || seedNodes.length != seedActivations.length
                || (expectActivation != null && expectActivation.length != offsets.length - 1)
                || (expectFirstHop != null && expectFirstHop.length != offsets.length - 1)) {
            throw new IllegalArgumentException("case " + name + ": array lengths disagree with "
                    + (offsets.length - 1) + " nodes");
        }
    }

    public static SpreadCase of(String name, int[] offsets, int[] targets, float[] weights, int[] seedNodes,
            float[] seedActivations, SpreadParams params) {
        return new SpreadCase(name, offsets, targets, weights, seedNodes, seedActivations, params, null, null, -1);
    }

    public int nodeCount() {
        return offsets.length - 1;
    }

    /** A new graph of this case; the caller closes it. */
    public CsrGraph graph() {
        return CsrGraph.of(offsets, targets, weights);
    }

    public SpreadCase withExpectations(KernelService reference) {
        try (CsrGraph graph = graph()) {
            SpreadResult result = reference.spread(graph, seedNodes, seedActivations, params);
            return new SpreadCase(name, offsets, targets, weights, seedNodes, seedActivations, params,
                    result.activations(), result.firstHops(), result.activatedCount());
        }
    }

    public void write(CorpusText.Writer out) {
        out.field("case", name).field("nodes", nodeCount()).ints("offsets", offsets).ints("targets", targets)
                .floats("weights", weights).ints("seed_nodes", seedNodes).floats("seed_activations", seedActivations)
                .field("max_depth", params.maxDepth()).field("threshold", params.threshold())
                .floats("hop_factors", params.hopFactors()).field("refractory_hops", params.refractoryHops())
                .floats("expect_activation", expectActivation).ints("expect_first_hop", expectFirstHop)
                .field("expect_count", expectCount).end();
    }

    public static SpreadCase read(CorpusText.Reader in, String name) {
        int nodes = in.integer("nodes");
        int[] offsets = in.ints("offsets", Math.addExact(nodes, 1));
        int[] targets = in.ints("targets", offsets[nodes]);
        float[] weights = in.floats("weights", targets.length);
        int[] seedNodes = in.ints("seed_nodes", -1);
        float[] seedActivations = in.floats("seed_activations", seedNodes.length);
        int maxDepth = in.integer("max_depth");
        float threshold = in.float32("threshold");
        float[] hopFactors = in.floats("hop_factors", maxDepth);
        int refractoryHops = in.integer("refractory_hops");
        float[] expectActivation = in.floats("expect_activation", nodes);
        int[] expectFirstHop = in.ints("expect_first_hop", nodes);
        int expectCount = in.integer("expect_count");
        in.endCase();
        return new SpreadCase(name, offsets, targets, weights, seedNodes, seedActivations,
                SpreadParams.of(threshold, hopFactors).withRefractoryHops(refractoryHops), expectActivation, expectFirstHop,
                expectCount);
    }
}
