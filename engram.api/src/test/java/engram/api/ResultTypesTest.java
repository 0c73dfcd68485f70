package engram.api;

import static engram.api.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link TopK}, {@link SpreadResult} and {@link ReachedNodes}: immutable, compared by content. */
class ResultTypesTest {

    @Nested
    class TopKResult {
        @Test
        void copiesWhatItIsGivenAndWhatItHandsOut() {
            int[] indices = {4, 1, 7};
            float[] scores = {0.9f, 0.5f, -0.25f};
            TopK top = new TopK(indices, scores);
            indices[0] = 99;
            scores[0] = -1f;
            assertEquals(4, top.index(0));
            assertEquals(0.9f, top.score(0));
            int[] readIndices = top.indices();
            float[] readScores = top.scores();
            assertNotSame(readIndices, top.indices());
            assertNotSame(readScores, top.scores());
            readIndices[1] = 99;
            readScores[1] = 99f;
            assertArrayEquals(new int[] {4, 1, 7}, top.indices());
            assertArrayEquals(new float[] {0.9f, 0.5f, -0.25f}, top.scores());
            assertEquals(3, top.size());
            assertEquals(7, top.index(2));
            assertEquals(-0.25f, top.score(2));
        }

        @Test
        void refusesMismatchedArrays() {
            assertRefused("indices.length 2", () -> new TopK(new int[2], new float[1]));
            assertRefused("scores.length 3", () -> new TopK(new int[0], new float[3]));
        }

        @Test
        void equalityIsByContent() {
            TopK a = new TopK(new int[] {1, 2}, new float[] {0.5f, Float.NaN});
            TopK b = new TopK(new int[] {1, 2}, new float[] {0.5f, Float.NaN});
            assertEquals(a, b);
            assertEquals(a.hashCode(), b.hashCode());
            assertNotEquals(a, new TopK(new int[] {2, 1}, new float[] {0.5f, Float.NaN}));
            assertNotEquals(a, new TopK(new int[] {1, 2}, new float[] {0.5f, 0.25f}));
            assertNotEquals(new TopK(new int[] {1}, new float[] {0f}), new TopK(new int[] {1}, new float[] {-0f}),
                    "score bits count: -0.0 is not 0.0 here");
            assertNotEquals(a, "TopK");
        }

        @Test
        void toStringListsRowsAndScores() {
            assertEquals("TopK[3=0.5, 1=-1.0]", new TopK(new int[] {3, 1}, new float[] {0.5f, -1f}).toString());
        }
    }

    @Nested
    class DenseSpreadResult {
        @Test
        void copiesWhatItIsGivenAndWhatItHandsOut() {
            float[] activation = {1f, 0f, 0.25f};
            int[] firstHop = {0, -1, 2};
            SpreadResult result = new SpreadResult(activation, firstHop, 2);
            activation[0] = 0.5f;
            firstHop[0] = 5;
            assertEquals(1f, result.activation(0));
            assertEquals(0, result.firstHop(0));
            float[] readActivations = result.activations();
            int[] readHops = result.firstHops();
            assertNotSame(readActivations, result.activations());
            assertNotSame(readHops, result.firstHops());
            readActivations[2] = 1f;
            readHops[2] = 9;
            assertArrayEquals(new float[] {1f, 0f, 0.25f}, result.activations());
            assertArrayEquals(new int[] {0, -1, 2}, result.firstHops());
            assertEquals(3, result.nodeCount());
            assertEquals(2, result.activatedCount());
            assertEquals(-1, result.firstHop(1));
            assertEquals(0.25f, result.activation(2));
        }

        @Test
        void refusesMismatchedArrays() {
            assertRefused("activation.length 2 differs from firstHop.length 3",
                    () -> new SpreadResult(new float[2], new int[3], 0));
        }

        @Test
        void equalityIsByContent() {
            SpreadResult a = new SpreadResult(new float[] {1f, 0.5f}, new int[] {0, 1}, 2);
            SpreadResult b = new SpreadResult(new float[] {1f, 0.5f}, new int[] {0, 1}, 2);
            assertEquals(a, b);
            assertEquals(a.hashCode(), b.hashCode());
            assertNotEquals(a, new SpreadResult(new float[] {1f, 0.5f}, new int[] {0, 2}, 2));
            assertNotEquals(a, new SpreadResult(new float[] {1f, Math.nextUp(0.5f)}, new int[] {0, 1}, 2));
            assertNotEquals(a, new SpreadResult(new float[] {1f, 0.5f}, new int[] {0, 1}, 1));
            assertNotEquals(a, "SpreadResult");
            assertEquals("SpreadResult[nodes=2, activated=2]", a.toString());
        }
    }

    @Nested
    class SparseSpreadResult {
        @Test
        void copiesWhatItIsGivenAndWhatItHandsOut() {
            int[] nodes = {3, 0, 2};
            float[] activations = {1f, 0.5f, 0.125f};
            int[] firstHops = {0, 1, 2};
            ReachedNodes reached = new ReachedNodes(nodes, activations, firstHops, 3);
            nodes[0] = 9;
            activations[0] = 0f;
            firstHops[0] = 9;
            assertEquals(3, reached.node(0));
            assertEquals(1f, reached.activation(0));
            assertEquals(0, reached.firstHop(0));
            int[] readNodes = reached.nodes();
            float[] readActivations = reached.activations();
            int[] readHops = reached.firstHops();
            assertNotSame(readNodes, reached.nodes());
            assertNotSame(readActivations, reached.activations());
            assertNotSame(readHops, reached.firstHops());
            readNodes[1] = 9;
            readActivations[1] = 9f;
            readHops[1] = 9;
            assertArrayEquals(new int[] {3, 0, 2}, reached.nodes());
            assertArrayEquals(new float[] {1f, 0.5f, 0.125f}, reached.activations());
            assertArrayEquals(new int[] {0, 1, 2}, reached.firstHops());
            assertEquals(3, reached.size());
            assertEquals(3, reached.reachedCount());
        }

        @Test
        void isTruncatedWhenMoreWereReachedThanItHolds() {
            ReachedNodes all = new ReachedNodes(new int[] {1, 2}, new float[] {1f, 0.5f}, new int[] {0, 1}, 2);
            assertFalse(all.isTruncated());
            ReachedNodes some = new ReachedNodes(new int[] {1, 2}, new float[] {1f, 0.5f}, new int[] {0, 1}, 5);
            assertTrue(some.isTruncated());
            assertEquals(2, some.size());
            assertEquals(5, some.reachedCount());
            ReachedNodes none = new ReachedNodes(new int[0], new float[0], new int[0], 4);
            assertTrue(none.isTruncated(), "a capacity of 0 holds nothing of 4");
            assertFalse(new ReachedNodes(new int[0], new float[0], new int[0], 0).isTruncated());
        }

        @Test
        void refusesMismatchedArraysAndACountBelowTheSize() {
            assertRefused("nodes, activations and firstHops have 2, 1 and 2 entries",
                    () -> new ReachedNodes(new int[2], new float[1], new int[2], 2));
            assertRefused("nodes, activations and firstHops have 2, 2 and 3 entries",
                    () -> new ReachedNodes(new int[2], new float[2], new int[3], 2));
            assertRefused("reachedCount is 1, below the 2 nodes held",
                    () -> new ReachedNodes(new int[2], new float[2], new int[2], 1));
        }

        @Test
        void equalityIsByContent() {
            ReachedNodes a = new ReachedNodes(new int[] {1, 2}, new float[] {1f, 0.5f}, new int[] {0, 1}, 3);
            ReachedNodes b = new ReachedNodes(new int[] {1, 2}, new float[] {1f, 0.5f}, new int[] {0, 1}, 3);
            assertEquals(a, b);
            assertEquals(a.hashCode(), b.hashCode());
            assertNotEquals(a, new ReachedNodes(new int[] {2, 1}, new float[] {1f, 0.5f}, new int[] {0, 1}, 3));
            assertNotEquals(a, new ReachedNodes(new int[] {1, 2}, new float[] {1f, 0.25f}, new int[] {0, 1}, 3));
            assertNotEquals(a, new ReachedNodes(new int[] {1, 2}, new float[] {1f, 0.5f}, new int[] {0, 2}, 3));
            assertNotEquals(a, new ReachedNodes(new int[] {1, 2}, new float[] {1f, 0.5f}, new int[] {0, 1}, 2));
            assertNotEquals(a, "ReachedNodes");
            assertEquals("ReachedNodes[size=2, reached=3]", a.toString());
        }
    }
}
