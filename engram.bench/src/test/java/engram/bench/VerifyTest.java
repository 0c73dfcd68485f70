package engram.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import engram.api.KernelService;
import engram.api.TopK;

/** The setup checks on small inputs: the Lucene peer agrees with the reference, and a wrong result fails. */
class VerifyTest {
    private static final int DIMENSIONS = 33;
    private static final int ROWS = 1025;
    private static final int K = 10;

    @Test
    void theLucenePeerAgreesWithTheReferenceAndAWrongTopKFails() {
        KernelService reference = Kernels.named("reference");
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(3);
            MemorySegment query = Data.uniformFloats(arena, random, DIMENSIONS);
            MemorySegment matrix = Data.uniformFloats(arena, random, (long) ROWS * DIMENSIONS);
            MemorySegment norms = Data.norms(arena, matrix, ROWS, DIMENSIONS);
            assertTrue(matrix.address() % 64 == 0, "64-byte aligned");
            LucenePeer lucene = new LucenePeer(query, DIMENSIONS, matrix, ROWS, norms, K);
            lucene.search();
            TopK right = lucene.result();
            assertDoesNotThrow(() -> Verify.topK("lucene", right, 0, reference, query, 1, DIMENSIONS, matrix, ROWS,
                    norms, K));

            int[] indices = new int[K];
            float[] scores = new float[K];
            for (int i = 0; i < K; i++) {
                indices[i] = right.index(i);
                scores[i] = right.score(i);
            }
            // The best row swapped for the worst one: a wrong result with plausible scores.
            indices[0] = worstRow(reference, query, matrix, norms, arena);
            TopK wrong = new TopK(indices, scores);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Verify.topK("lucene", wrong, 0,
                    reference, query, 1, DIMENSIONS, matrix, ROWS, norms, K));
            assertTrue(e.getMessage().contains("differs from the reference"), e.getMessage());
        }
    }

    @Test
    void everyKernelPassesTheCosineCheckOnASmallSlab() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(5);
            MemorySegment query = Data.uniformFloats(arena, random, DIMENSIONS);
            MemorySegment matrix = Data.uniformFloats(arena, random, (long) ROWS * DIMENSIONS);
            MemorySegment norms = Data.norms(arena, matrix, ROWS, DIMENSIONS);
            KernelService reference = Kernels.named("reference");
            for (KernelService kernel : Kernels.lookup().available()) {
                try (var workspace = Kernels.workspace(kernel, 0)) {
                    assertDoesNotThrow(() -> Verify.cosine(kernel, workspace, reference, query, DIMENSIONS, matrix,
                            ROWS, norms, K), kernel.info().id());
                }
            }
        }
    }

    private static int worstRow(KernelService reference, MemorySegment query, MemorySegment matrix,
            MemorySegment norms, Arena arena) {
        MemorySegment scores = Verify.floats(arena, ROWS);
        reference.cosine(null, query, DIMENSIONS, matrix, 0, ROWS, norms, scores);
        int worst = 0;
        for (int row = 1; row < ROWS; row++) {
            if (scores.getAtIndex(ValueLayout.JAVA_FLOAT, row)
                    < scores.getAtIndex(ValueLayout.JAVA_FLOAT, worst)) {
                worst = row;
            }
        }
        return worst;
    }
}
