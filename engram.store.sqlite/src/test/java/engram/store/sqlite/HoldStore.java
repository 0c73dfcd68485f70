package engram.store.sqlite;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A JVM that holds a data directory until its standard input ends, then lets go and exits 0:
 * the other process of {@link OtherProcessTest}. {@code HoldStore DIR store} opens a
 * {@link SqliteStore} there (an Engram using it); {@code HoldStore DIR write-lock} opens the
 * database with plain JDBC and holds a write transaction (a tool with the database open).
 * It prints {@code holding} once it holds.
 */
public final class HoldStore {
    private HoldStore() {
    }

    public static void main(String[] args) throws IOException, SQLException {
        Path dir = Path.of(args[0]);
        if (args[1].equals("store")) {
            try (SqliteStore store = new SqliteStore(dir, SqliteStore.Sync.FULL)) {
                hold(store.describe());
            }
        } else {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStore.DATABASE));
                    Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                hold("a write lock on " + dir.resolve(SqliteStore.DATABASE));
                s.execute("ROLLBACK");
            }
        }
    }

    private static void hold(String what) throws IOException {
        System.out.println("holding " + what);
        System.out.flush();
        while (System.in.read() >= 0) {
            // Until the test closes this process's standard input.
        }
    }
}
