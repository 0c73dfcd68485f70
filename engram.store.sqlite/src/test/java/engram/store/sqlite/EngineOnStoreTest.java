package engram.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import engram.api.DecayCurve;
import engram.api.KernelLookup;
import engram.api.KernelService;
import engram.api.memory.Cue;
import engram.api.memory.ForgetMode;
import engram.api.memory.NewMemory;
import engram.api.memory.RecallOptions;
import engram.api.memory.Recalled;
import engram.api.memory.store.StoreException;
import engram.core.memory.Engine;

/** The engine on the SQLite store: what it was told survives a restart, and a refused write changes nothing. */
class EngineOnStoreTest {
    private static final KernelService REFERENCE = KernelLookup.find().named("reference").orElseThrow();

    @TempDir
    Path dir;

    @Test
    void memoriesLinksForgettingAndAccessesSurviveARestart() {
        long a;
        long b;
        long c;
        List<Recalled> before;
        try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL);
                Engine engine = new Engine(REFERENCE, store)) {
            engine.createSpace("s", 3, new DecayCurve.Exponential(86_400));
            a = engine.remember("s", new NewMemory(new float[] {1, 0, 0}, "a", 0.9f, NewMemory.NOW,
                    Map.of("source", "test")));
            long[] batch = engine.rememberAll("s", List.of(NewMemory.of(new float[] {0, 1, 0}, "b"),
                    NewMemory.of(new float[] {0, 0, 1}, "c")));
            b = batch[0];
            c = batch[1];
            engine.link("s", a, b, 0.8f);
            engine.link("s", a, c, 0.3f);
            engine.forget("s", c, ForgetMode.SUPPRESS);
            engine.flush("s");
            before = engine.recall("s", Cue.of(new float[] {1, 0, 0}), RecallOptions.DEFAULT);
            assertEquals(List.of(a, b), before.stream().map(Recalled::id).toList());
        }
        try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL);
                Engine engine = new Engine(REFERENCE, store)) {
            assertEquals("s", engine.spaces().getFirst().name());
            assertEquals(Map.of("source", "test"), engine.get("s", a).orElseThrow().metadata());
            assertEquals(1, engine.get("s", a).orElseThrow().accessCount(), "the recall's access was written at close");
            assertTrue(engine.get("s", c).orElseThrow().suppressed());
            List<Recalled> after = engine.recall("s", Cue.of(new float[] {1, 0, 0}), RecallOptions.DEFAULT);
            assertEquals(List.of(a, b), after.stream().map(Recalled::id).toList(), "links came back");
            long d = engine.remember("s", NewMemory.of(new float[] {1, 1, 0}, "d"));
            assertTrue(d > c, "new ids follow the stored ones: " + d);
        }
    }

    @Test
    void aFullDatabaseRefusesTheWriteNamesTheDirectoryAndTheEngineKeepsServing() {
        int d = 256;
        List<NewMemory> before = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            before.add(NewMemory.of(vector(d, i), "before " + i));
        }
        long[] kept;
        try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL);
                Engine engine = new Engine(REFERENCE, store)) {
            engine.createSpace("s", d);
            kept = engine.rememberAll("s", before);
            // The database may not grow by a page from now on, as on a full disk.
            store.limitSize(0);
            List<NewMemory> batch = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                batch.add(NewMemory.of(vector(d, 10 + i), "refused " + i));
            }
            StoreException full = assertThrows(StoreException.class, () -> engine.rememberAll("s", batch));
            String message = full.getMessage();
            Path directory = dir.toAbsolutePath().normalize();
            assertTrue(message.contains("the disk of " + directory + " is full (or "
                    + directory.resolve(SqliteStore.DATABASE) + " reached its size limit)"), message);
            assertTrue(message.contains("free space there, or configure another data directory") && message.contains(
                    "nothing was changed"), message);
            assertEquals(10, engine.stats("s").memories(), "none of the refused batch is in the engine");
            List<Recalled> recalled = engine.recall("s", Cue.of(vector(d, 3)), RecallOptions.DEFAULT.withLimit(1));
            assertEquals(kept[3], recalled.getFirst().id(), "the engine keeps serving recalls");
        }
        try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL);
                Engine engine = new Engine(REFERENCE, store)) {
            List<String> contents = new ArrayList<>();
            engine.scan("s", m -> contents.add(m.content()), link -> { });
            assertEquals(before.stream().map(NewMemory::content).toList(), contents,
                    "after a reopen: the memories from before, none of the refused batch");
            assertEquals(kept[3], engine.recall("s", Cue.of(vector(d, 3)), RecallOptions.DEFAULT.withLimit(1))
                    .getFirst().id());
        }
    }

    /** A vector of {@code d} values that points mostly at coordinate {@code i}. */
    private static float[] vector(int d, int i) {
        float[] v = new float[d];
        for (int j = 0; j < d; j++) {
            v[j] = 0.001f * ((i * 31 + j * 17) % 13);
        }
        v[i % d] = 1f;
        return v;
    }

    @Test
    void aWriteTheStoreRefusesLeavesTheEngineAsItWas() {
        SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL);
        try (Engine engine = new Engine(REFERENCE, store)) {
            engine.createSpace("s", 2);
            engine.remember("s", NewMemory.of(new float[] {1, 0}, "kept"));
            // The store fails every write from now on, as a full or read-only disk would.
            store.close();
            List<NewMemory> batch = new ArrayList<>();
            batch.add(NewMemory.of(new float[] {0, 1}, "lost"));
            StoreException refused = assertThrows(StoreException.class, () -> engine.rememberAll("s", batch));
            assertTrue(refused.getMessage().contains("nothing was changed"), refused.getMessage());
            assertEquals(1, engine.stats("s").memories());
            assertEquals(1, engine.recall("s", Cue.of(new float[] {1, 1}), RecallOptions.DEFAULT).size(),
                    "the engine keeps serving");
        }
    }
}
