package engram.store.sqlite;

import java.nio.file.Path;

import engram.api.KernelLookup;
import engram.api.memory.NewMemory;
import engram.core.memory.Engine;

/**
 * A JVM that remembers and links memories as fast as it can and prints each acknowledged one
 * ({@code ack ID}, {@code link FROM TO}) after the call returned, until it is killed: the
 * other half of {@link SigkillTest}.
 */
public final class IngestUntilKilled {
    private IngestUntilKilled() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL);
        Engine engine = new Engine(KernelLookup.find().named("reference").orElseThrow(), store);
        if (engine.spaces().isEmpty()) {
            engine.createSpace("s", 8);
        }
        System.out.println("ready");
        System.out.flush();
        long previous = 0;
        for (int i = 0; ; i++) {
            float[] v = new float[8];
            v[i % 8] = 1f;
            v[(i + 3) % 8] = 0.5f;
            long id = engine.remember("s", NewMemory.of(v, "memory " + i));
            System.out.println("ack " + id);
            if (previous != 0) {
                engine.link("s", previous, id, 0.5f);
                System.out.println("link " + previous + " " + id);
            }
            System.out.flush();
            previous = id;
        }
    }
}
