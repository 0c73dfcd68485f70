package engram.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import engram.api.DecayCurve;
import engram.api.KernelLookup;
import engram.api.memory.Cue;
import engram.api.memory.ForgetMode;
import engram.api.memory.Memory;
import engram.api.memory.NewMemory;
import engram.api.memory.RecallMode;
import engram.api.memory.RecallOptions;
import engram.api.memory.Recalled;
import engram.api.memory.SpaceStats;
import engram.api.memory.UnknownMemoryException;
import engram.api.memory.UnknownSpaceException;

class EngineTest {
    private static final long T0 = 1_700_000_000_000L;
    private final AtomicLong now = new AtomicLong(T0);
    private final Engine engine = new Engine(KernelLookup.find().named("reference").orElseThrow(), new NoStore(), now::get);

    @AfterEach
    void close() {
        engine.close();
    }

    private static float[] axis(int d, int i) {
        float[] v = new float[d];
        v[i] = 1f;
        return v;
    }

    private static NewMemory memory(float[] v, String text) {
        return NewMemory.of(v, text);
    }

    @Test
    void similarityRecallRanksByCosineAndSeesOnlyItsSpace() {
        engine.createSpace("a", 3);
        engine.createSpace("b", 3);
        long x = engine.remember("a", memory(new float[] {1, 0, 0}, "x"));
        long xy = engine.remember("a", memory(new float[] {1, 1, 0}, "xy"));
        engine.remember("a", memory(new float[] {0, 0, 1}, "z"));
        engine.remember("b", memory(new float[] {1, 0, 0}, "other space"));
        List<Recalled> found = engine.recall("a", Cue.of(new float[] {1, 0, 0}),
                RecallOptions.DEFAULT.withMode(RecallMode.SIMILARITY).withMinSimilarity(0.1f));
        assertEquals(2, found.size(), found.toString());
        assertEquals(x, found.get(0).id());
        assertEquals(1f, found.get(0).score(), 1e-6f);
        assertEquals(xy, found.get(1).id());
        assertEquals((float) (1 / Math.sqrt(2)), found.get(1).similarity(), 1e-6f);
        assertEquals("xy", found.get(1).content());
    }

    @Test
    void aLikeCueFindsNeighboursButNotItself() {
        engine.createSpace("s", 2);
        long a = engine.remember("s", memory(new float[] {1, 0}, "a"));
        long b = engine.remember("s", memory(new float[] {1, 0.1f}, "b"));
        List<Recalled> found = engine.recall("s", Cue.like(a), RecallOptions.DEFAULT.withMode(RecallMode.SIMILARITY));
        assertEquals(List.of(b), found.stream().map(Recalled::id).toList());
    }

    @Test
    void spreadingReachesALinkedMemoryThatIsNotSimilar() {
        engine.createSpace("s", 4, new DecayCurve.Exponential(86_400));
        long seed = engine.remember("s", memory(axis(4, 0), "seed"));
        long linked = engine.remember("s", memory(axis(4, 1), "linked"));
        engine.remember("s", memory(axis(4, 2), "unlinked"));
        engine.link("s", seed, linked, 0.5f);
        engine.flush("s");
        List<Recalled> found = engine.recall("s", Cue.of(axis(4, 0)), RecallOptions.DEFAULT.withMinSimilarity(0.5f));
        assertEquals(List.of(seed, linked), found.stream().map(Recalled::id).toList(), found.toString());
        Recalled viaLink = found.get(1);
        assertEquals(1, viaLink.firstHop());
        assertTrue(Float.isNaN(viaLink.similarity()));
        float expected = 1f * 0.5f * (float) Math.exp(-0.7);
        assertEquals(expected, viaLink.activation(), 1e-7f);
        assertEquals(viaLink.activation() * viaLink.strengthNow(), viaLink.score(), 1e-7f);
        assertEquals(0, found.get(0).firstHop());
    }

    @Test
    void strengthDecaysFromTheLastAccessAndARecallCountsAsAnAccess() {
        engine.createSpace("s", 2, new DecayCurve.Exponential(3_600));
        long id = engine.remember("s", memory(new float[] {1, 0}, "m"));
        now.addAndGet(3_600_000);
        List<Recalled> first = engine.recall("s", Cue.of(new float[] {1, 0}), RecallOptions.DEFAULT);
        assertEquals(0.5f, first.getFirst().strengthNow(), 1e-6f, "one half-life after its creation");
        Memory after = engine.get("s", id).orElseThrow();
        assertEquals(1, after.accessCount());
        assertEquals(T0 + 3_600_000, after.lastAccessMillis());
        List<Recalled> second = engine.recall("s", Cue.of(new float[] {1, 0}), RecallOptions.DEFAULT);
        assertEquals(1f, second.getFirst().strengthNow(), 1e-6f, "recalled again at once: no time since the access");
        assertEquals(2, engine.get("s", id).orElseThrow().accessCount());
    }

    @Test
    void suppressedMemoriesAreKeptButNotRecalledAndDeletedOnesAreGoneWithTheirLinks() {
        engine.createSpace("s", 2);
        long a = engine.remember("s", memory(new float[] {1, 0}, "a"));
        long b = engine.remember("s", memory(new float[] {1, 0.2f}, "b"));
        long c = engine.remember("s", memory(new float[] {0, 1}, "c"));
        engine.link("s", a, c, 1f);
        engine.forget("s", b, ForgetMode.SUPPRESS);
        assertTrue(engine.get("s", b).orElseThrow().suppressed());
        engine.flush("s");
        List<Long> found = engine.recall("s", Cue.of(new float[] {1, 0}), RecallOptions.DEFAULT.withMinSimilarity(0.5f))
                .stream().map(Recalled::id).toList();
        assertEquals(List.of(a, c), found);
        engine.forget("s", c, ForgetMode.DELETE);
        assertTrue(engine.get("s", c).isEmpty());
        engine.flush("s");
        assertEquals(List.of(a), engine.recall("s", Cue.of(new float[] {1, 0}),
                RecallOptions.DEFAULT.withMinSimilarity(0.5f)).stream().map(Recalled::id).toList());
        UnknownMemoryException gone = assertThrows(UnknownMemoryException.class, () -> engine.link("s", a, c, 1f));
        assertTrue(gone.getMessage().contains(Long.toString(c)), gone.getMessage());
        SpaceStats stats = engine.stats("s");
        assertEquals(1, stats.memories());
        assertEquals(1, stats.suppressed());
        assertEquals(0, stats.links());
    }

    @Test
    void badInputIsRefusedWithTheValueNamedAndChangesNothing() {
        engine.createSpace("s", 3);
        IllegalArgumentException wrongDimension = assertThrows(IllegalArgumentException.class,
                () -> engine.remember("s", memory(new float[] {1, 0}, "short")));
        assertTrue(wrongDimension.getMessage().contains("the embedding has 2 values") && wrongDimension.getMessage().contains("3"),
                wrongDimension.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> memory(new float[] {1, Float.NaN, 0}, "nan"));
        assertTrue(nan.getMessage().contains("embedding[1] is NaN"), nan.getMessage());
        IllegalArgumentException strength = assertThrows(IllegalArgumentException.class,
                () -> new NewMemory(new float[] {1, 0, 0}, "x", 1.5f, NewMemory.NOW, Map.of()));
        assertTrue(strength.getMessage().contains("1.5"), strength.getMessage());
        long a = engine.remember("s", memory(new float[] {1, 0, 0}, "a"));
        IllegalArgumentException weight = assertThrows(IllegalArgumentException.class,
                () -> engine.link("s", a, a, -0.1f));
        assertTrue(weight.getMessage().contains("-0.1"), weight.getMessage());
        assertThrows(UnknownMemoryException.class, () -> engine.link("s", a, 999, 0.5f));
        UnknownSpaceException space = assertThrows(UnknownSpaceException.class,
                () -> engine.recall("nope", Cue.of(new float[] {1, 0, 0}), RecallOptions.DEFAULT));
        assertTrue(space.getMessage().contains("\"nope\""), space.getMessage());
        assertThrows(IllegalArgumentException.class, () -> engine.createSpace("s", 3));
        assertThrows(IllegalArgumentException.class, () -> engine.createSpace("bad name", 3));
        assertThrows(IllegalArgumentException.class, () -> engine.createSpace("t", 0));
        assertThrows(IllegalArgumentException.class,
                () -> engine.rememberAll("s", List.of(memory(new float[] {0, 1, 0}, "ok"), memory(new float[] {1}, "bad"))));
        assertEquals(1, engine.stats("s").memories(), "a refused batch adds none of its memories");
    }

    @Test
    void topKOverManyChunksEqualsABruteForceRanking() {
        int d = 8;
        int n = Slab.CHUNK_ROWS * 2 + 123;
        engine.createSpace("s", d);
        Random random = new Random(7);
        List<NewMemory> batch = new ArrayList<>();
        float[][] vectors = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                vectors[i][j] = (float) random.nextGaussian();
            }
            batch.add(memory(vectors[i], "m" + i));
        }
        long[] ids = engine.rememberAll("s", batch);
        float[] cue = vectors[n - 1].clone();
        cue[0] += 0.05f;
        List<Recalled> found = engine.recall("s", Cue.of(cue),
                RecallOptions.DEFAULT.withMode(RecallMode.SIMILARITY).withSeeds(20).withLimit(20).withMinSimilarity(-1f));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        double[] cos = new double[n];
        for (int i = 0; i < n; i++) {
            double dot = 0, a = 0, b = 0;
            for (int j = 0; j < d; j++) {
                dot += (double) cue[j] * vectors[i][j];
                a += (double) cue[j] * cue[j];
                b += (double) vectors[i][j] * vectors[i][j];
            }
            cos[i] = dot / Math.sqrt(a * b);
        }
        order.sort((p, q) -> Double.compare(cos[q], cos[p]));
        assertEquals(3, (n + Slab.CHUNK_ROWS - 1) / Slab.CHUNK_ROWS, "the space spans three slab chunks");
        assertEquals(3, order.subList(0, 20).stream().map(i -> i / Slab.CHUNK_ROWS).distinct().count(),
                "the true top 20 has rows in every chunk, so the ranking merges the chunks' top-k");
        for (int r = 0; r < 20; r++) {
            assertEquals(ids[order.get(r)], found.get(r).id(), "rank " + r);
            assertEquals(cos[order.get(r)], found.get(r).score(), 1e-6);
        }
    }

    @Test
    void recallsRunWhileAWriterRemembersAndLinks() throws Exception {
        engine.createSpace("s", 16);
        Random random = new Random(3);
        long first = engine.remember("s", memory(randomVector(random, 16), "first"));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                Random r = new Random(4);
                long previous = first;
                for (int i = 0; i < 3_000; i++) {
                    long id = engine.remember("s", memory(randomVector(r, 16), "w" + i));
                    engine.link("s", previous, id, 0.9f);
                    previous = id;
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int seed = t;
            readers.add(Thread.ofPlatform().start(() -> {
                try {
                    Random r = new Random(10 + seed);
                    while (writer.isAlive()) {
                        List<Recalled> found = engine.recall("s", Cue.of(randomVector(r, 16)), RecallOptions.DEFAULT);
                        for (int i = 1; i < found.size(); i++) {
                            if (found.get(i - 1).score() < found.get(i).score()) {
                                throw new AssertionError("not ranked: " + found);
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        writer.join();
        for (Thread reader : readers) {
            reader.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        engine.flush("s");
        assertEquals(3_001, engine.stats("s").memories());
        assertEquals(3_000, engine.stats("s").links());
        assertFalse(engine.recall("s", Cue.like(first), RecallOptions.DEFAULT).isEmpty());
    }

    private static float[] randomVector(Random random, int d) {
        float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
