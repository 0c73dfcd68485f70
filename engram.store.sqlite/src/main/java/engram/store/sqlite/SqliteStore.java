package engram.store.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.sqlite.JDBC;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import engram.api.memory.SpaceInfo;
import engram.api.memory.store.AccessUpdate;
import engram.api.memory.store.DecayCurves;
import engram.api.memory.store.MemoryStore;
import engram.api.memory.store.StoreException;
import engram.api.memory.store.StoredLink;
import engram.api.memory.store.StoredMemory;

/**
 * The memory store in one SQLite database, {@code engram.db} in a data directory, in WAL mode.
 *
 * <p>Durability: each write is one transaction, committed before the method returns. With
 * {@code synchronous=FULL} (the default) SQLite syncs the WAL on every commit, so a returned
 * write survives a crash of the JVM ({@code kill -9}) and a power loss; with
 * {@code synchronous=NORMAL} it survives a crash of the JVM, but the last commits before a
 * power loss may be lost. One process at a time: a lock file ({@code engram.lock}) held while
 * the store is open refuses a second one with a message that says so.
 */
public final class SqliteStore implements MemoryStore {
    /** The database's file name in the data directory. */
    public static final String DATABASE = "engram.db";
    /** The file a running store holds locked. */
    public static final String LOCK = "engram.lock";
    private static final int SCHEMA_VERSION = 1;

    /** What {@code PRAGMA synchronous} is set to. */
    public enum Sync {
        FULL, NORMAL
    }

    private final Path directory;
    private final Sync sync;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Connection connection;
    private final String version;

    /**
     * Opens (or makes) the store in {@code directory}.
     *
     * @throws StoreException if the directory cannot be made or written, or another process holds the store
     */
    public SqliteStore(Path directory, Sync sync) {
        this.directory = directory.toAbsolutePath().normalize();
        this.sync = sync;
        try {
            Files.createDirectories(this.directory);
        } catch (IOException e) {
            throw new StoreException("cannot make the data directory " + this.directory + " (" + e + "); make it, or"
                    + " configure another (engram.store.sqlite: dataDirectory)", e);
        }
        if (!Files.isWritable(this.directory)) {
            throw new StoreException("the data directory " + this.directory + " is not writable; give this user"
                    + " write access, or configure another (engram.store.sqlite: dataDirectory)");
        }
        Path lockFile = this.directory.resolve(LOCK);
        // Making the lock file is also the proof that this user can write in the directory: an
        // access check alone passes for root where no file can be made (a read-only or
        // immutable directory says no to the check, a directory like /proc only to the write).
        try {
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            String reason = e instanceof AccessDeniedException ? "access denied" : e.toString();
            throw new StoreException("the data directory " + this.directory + " is not writable: cannot make "
                    + lockFile + " (" + reason + "); give this user write access, or configure another"
                    + " (engram.store.sqlite: dataDirectory)", e);
        }
        FileLock held;
        try {
            held = lockChannel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            held = null;
        }
        if (held == null) {
            String holder = holder(lockChannel);
            closeQuietly(lockChannel);
            throw new StoreException("the store in " + this.directory + " is in use by " + holder + " (it holds "
                    + lockFile + "): stop that one, or configure another data directory (engram.store.sqlite:"
                    + " dataDirectory)");
        }
        lock = held;
        writePid(lockChannel);
        try {
            // The driver itself, not DriverManager: inside OSGi, DriverManager does not see the
            // driver of another bundle.
            connection = new JDBC().connect(JDBC.PREFIX + this.directory.resolve(DATABASE), new Properties());
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=" + sync.name());
                s.execute("PRAGMA foreign_keys=ON");
                createSchema(s);
            }
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("SELECT sqlite_version()")) {
                r.next();
                version = r.getString(1);
            }
        } catch (SQLException e) {
            release();
            throw failure("open the database", e);
        } catch (RuntimeException | Error e) {
            release();
            throw e;
        }
    }

    /** Who holds the lock, from the process id its holder wrote into the lock file. */
    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
            if (!pid.isEmpty() && pid.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(pid) == ProcessHandle.current().pid() ? "another store in this process"
                        : "process " + pid;
            }
        } catch (IOException | NumberFormatException e) {
            // The holder wrote no id (yet): say less.
        }
        return "another process";
    }

    /** Writes this process's id into the lock file, for the message of a refused second store. */
    private static void writePid(FileChannel channel) {
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
        } catch (IOException e) {
            // The lock is what counts; without the id a refusal names no process.
        }
    }

    private static void createSchema(Statement s) throws SQLException {
        s.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
        s.execute("INSERT OR IGNORE INTO meta VALUES ('schema', " + SCHEMA_VERSION + "), ('max_id', 0)");
        s.execute("CREATE TABLE IF NOT EXISTS spaces (name TEXT PRIMARY KEY, dimensions INTEGER NOT NULL,"
                + " curve TEXT NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS memories (id INTEGER PRIMARY KEY, space TEXT NOT NULL"
                + " REFERENCES spaces(name) ON DELETE CASCADE, embedding BLOB NOT NULL, content TEXT NOT NULL,"
                + " strength REAL NOT NULL, created INTEGER NOT NULL, last_access INTEGER NOT NULL,"
                + " access_count INTEGER NOT NULL, metadata TEXT NOT NULL, suppressed INTEGER NOT NULL)");
        s.execute("CREATE INDEX IF NOT EXISTS memories_by_space ON memories(space, id)");
        s.execute("CREATE TABLE IF NOT EXISTS links (src INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,"
                + " dst INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE, weight REAL NOT NULL,"
                + " PRIMARY KEY (src, dst)) WITHOUT ROWID");
        s.execute("CREATE INDEX IF NOT EXISTS links_by_target ON links(dst)");
    }

    @Override
    public String describe() {
        return "SQLite " + version + ", " + directory.resolve(DATABASE);
    }

    @Override
    public String durability() {
        return sync == Sync.FULL ? "WAL, synchronous=FULL: a returned write survives a JVM crash and a power loss"
                : "WAL, synchronous=NORMAL: a returned write survives a JVM crash; the last ones before a power loss"
                        + " may be lost";
    }

    @Override
    public synchronized long maxId() {
        try (Statement s = connection.createStatement()) {
            return longOf(s, "SELECT value FROM meta WHERE key = 'max_id'");
        } catch (SQLException e) {
            throw failure("read the highest id", e);
        } finally {
            endRead();
        }
    }

    @Override
    public synchronized void load(Loader loader) {
        try {
            Map<String, Integer> dimensions = new LinkedHashMap<>();
            try (Statement s = connection.createStatement();
                    ResultSet r = s.executeQuery("SELECT name, dimensions, curve FROM spaces ORDER BY name")) {
                while (r.next()) {
                    String name = r.getString(1);
                    SpaceInfo info = new SpaceInfo(name, r.getInt(2), DecayCurves.parse(r.getString(3)));
                    dimensions.put(name, info.dimensions());
                    loader.space(info, count("SELECT count(*) FROM memories WHERE space = ?", name),
                            count("SELECT count(*) FROM links JOIN memories ON links.src = memories.id WHERE"
                                    + " memories.space = ?", name));
                }
            }
            for (Map.Entry<String, Integer> space : dimensions.entrySet()) {
                loadMemories(loader, space.getKey(), space.getValue());
                try (PreparedStatement p = connection.prepareStatement("SELECT src, dst, weight FROM links JOIN"
                        + " memories ON links.src = memories.id WHERE memories.space = ? ORDER BY src, dst")) {
                    p.setString(1, space.getKey());
                    try (ResultSet r = p.executeQuery()) {
                        while (r.next()) {
                            loader.link(space.getKey(), new StoredLink(r.getLong(1), r.getLong(2), r.getFloat(3)));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("load the store", e);
        } finally {
            endRead();
        }
    }

    private void loadMemories(Loader loader, String space, int dimensions) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT id, embedding, content, strength, created,"
                + " last_access, access_count, metadata, suppressed FROM memories WHERE space = ? ORDER BY id")) {
            p.setString(1, space);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    float[] embedding = floats(r.getBytes(2));
                    if (embedding.length != dimensions) {
                        throw new StoreException("memory " + r.getLong(1) + " of space " + space + " has "
                                + embedding.length + " values, the space " + dimensions + ": the database is damaged");
                    }
                    loader.memory(space, new StoredMemory(r.getLong(1), embedding, r.getString(3), r.getFloat(4),
                            r.getLong(5), r.getLong(6), r.getInt(7), Metadata.decode(r.getString(8)),
                            r.getInt(9) != 0));
                }
            }
        }
    }

    private long count(String sql, String space) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            p.setString(1, space);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    @Override
    public synchronized void createSpace(SpaceInfo space) {
        write("create space " + space.name(), () -> {
            try (PreparedStatement p = connection.prepareStatement("INSERT INTO spaces VALUES (?, ?, ?)")) {
                p.setString(1, space.name());
                p.setInt(2, space.dimensions());
                p.setString(3, DecayCurves.format(space.curve()));
                p.executeUpdate();
            }
        });
    }

    @Override
    public synchronized void dropSpace(String space) {
        write("drop space " + space, () -> {
            try (PreparedStatement p = connection.prepareStatement("DELETE FROM spaces WHERE name = ?")) {
                p.setString(1, space);
                p.executeUpdate();
            }
        });
    }

    @Override
    public synchronized void insertMemories(String space, List<StoredMemory> memories) {
        write("store " + memories.size() + " memories in space " + space, () -> {
            long maxId = 0;
            try (PreparedStatement p = connection.prepareStatement(
                    "INSERT INTO memories VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (StoredMemory m : memories) {
                    p.setLong(1, m.id());
                    p.setString(2, space);
                    p.setBytes(3, bytes(m.embedding()));
                    p.setString(4, m.content());
                    p.setFloat(5, m.strength());
                    p.setLong(6, m.createdMillis());
                    p.setLong(7, m.lastAccessMillis());
                    p.setInt(8, m.accessCount());
                    p.setString(9, Metadata.encode(m.metadata()));
                    p.setInt(10, m.suppressed() ? 1 : 0);
                    p.addBatch();
                    maxId = Math.max(maxId, m.id());
                }
                p.executeBatch();
            }
            try (PreparedStatement p = connection.prepareStatement(
                    "UPDATE meta SET value = max(value, ?) WHERE key = 'max_id'")) {
                p.setLong(1, maxId);
                p.executeUpdate();
            }
        });
    }

    @Override
    public synchronized void putLinks(String space, List<StoredLink> links) {
        write("store " + links.size() + " links in space " + space, () -> {
            try (PreparedStatement p = connection.prepareStatement("INSERT INTO links VALUES (?, ?, ?)"
                    + " ON CONFLICT (src, dst) DO UPDATE SET weight = excluded.weight")) {
                for (StoredLink link : links) {
                    p.setLong(1, link.from());
                    p.setLong(2, link.to());
                    p.setFloat(3, link.weight());
                    p.addBatch();
                }
                p.executeBatch();
            }
        });
    }

    @Override
    public synchronized void suppress(String space, long id) {
        write("suppress memory " + id, () -> {
            try (PreparedStatement p = connection.prepareStatement("UPDATE memories SET suppressed = 1 WHERE id = ?")) {
                p.setLong(1, id);
                p.executeUpdate();
            }
        });
    }

    @Override
    public synchronized void delete(String space, long id) {
        write("delete memory " + id, () -> {
            try (PreparedStatement p = connection.prepareStatement("DELETE FROM memories WHERE id = ?")) {
                p.setLong(1, id);
                p.executeUpdate();
            }
        });
    }

    @Override
    public synchronized void updateAccess(String space, List<AccessUpdate> updates) {
        write("record " + updates.size() + " accesses in space " + space, () -> {
            try (PreparedStatement p = connection.prepareStatement(
                    "UPDATE memories SET last_access = ?, access_count = ? WHERE id = ?")) {
                for (AccessUpdate u : updates) {
                    p.setLong(1, u.lastAccessMillis());
                    p.setInt(2, u.accessCount());
                    p.setLong(3, u.id());
                    p.addBatch();
                }
                p.executeBatch();
            }
        });
    }

    /** The first column of the one row {@code sql} returns, as a long. */
    private static long longOf(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            if (!r.next()) {
                throw new SQLException("no row from " + sql);
            }
            return r.getLong(1);
        }
    }

    /** For tests: what SQLite's {@code PRAGMA synchronous} is on this store's connection (1 NORMAL, 2 FULL). */
    synchronized int synchronousPragma() {
        try (Statement s = connection.createStatement()) {
            return (int) longOf(s, "PRAGMA synchronous");
        } catch (SQLException e) {
            throw failure("read PRAGMA synchronous", e);
        } finally {
            endRead();
        }
    }

    /**
     * For tests: caps the database at its current size in pages plus {@code extraPages}
     * ({@code PRAGMA max_page_count}, for this connection only), so that a write which needs
     * more fails as on a full disk. Returns the cap.
     */
    synchronized long limitSize(long extraPages) {
        try (Statement s = connection.createStatement()) {
            long pages = longOf(s, "PRAGMA page_count");
            return longOf(s, "PRAGMA max_page_count = " + (pages + extraPages));
        } catch (SQLException e) {
            throw failure("limit the database's size", e);
        } finally {
            endRead();
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw failure("close the database", e);
        } finally {
            release();
        }
    }

    private interface Work {
        void run() throws SQLException;
    }

    /** Runs one transaction: committed when this returns, rolled back when it throws. */
    private void write(String what, Work work) {
        try {
            work.run();
            connection.commit();
        } catch (SQLException e) {
            rollback();
            throw failure(what, e);
        } catch (RuntimeException | Error e) {
            rollback();
            throw e;
        }
    }

    /** Ends the read transaction a query opened (auto-commit is off), so the WAL can be checkpointed. */
    private void endRead() {
        try {
            connection.commit();
        } catch (SQLException e) {
            throw failure("end a read", e);
        }
    }

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // On some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY, SQLITE_NOMEM) SQLite rolls
            // the whole transaction back itself; the driver's "rollback" then fails, and the
            // driver skips the "begin" that follows it, which would leave the next write
            // committing statement by statement. Begin that transaction here. If a transaction
            // is still open, this fails too, and SQLite rolls it back when the connection closes.
            try (Statement s = connection.createStatement()) {
                s.execute("BEGIN");
            } catch (SQLException ignored) {
                // The failure being reported says what went wrong.
            }
        }
    }

    private StoreException failure(String what, SQLException e) {
        String advice = "";
        if (e instanceof SQLiteException s) {
            SQLiteErrorCode code = s.getResultCode();
            String name = code == null ? "" : code.name();
            Path database = directory.resolve(DATABASE);
            if (name.startsWith("SQLITE_FULL")) {
                advice = ": the disk of " + directory + " is full (or " + database + " reached its size limit); free"
                        + " space there, or configure another data directory (engram.store.sqlite: dataDirectory)";
            } else if (name.startsWith("SQLITE_READONLY")) {
                advice = ": " + directory + " or " + database + " is read-only; give this user write access to both,"
                        + " or configure another data directory (engram.store.sqlite: dataDirectory)";
            } else if (name.startsWith("SQLITE_BUSY") || name.startsWith("SQLITE_LOCKED")) {
                advice = ": another process holds a lock on " + database + " (a tool with the database open?);"
                        + " stop it or let it finish, then try again";
            } else if (name.startsWith("SQLITE_CANTOPEN")) {
                advice = ": cannot open the database file in " + directory + "; check that it exists and is readable";
            } else if (name.startsWith("SQLITE_CONSTRAINT")) {
                advice = ": it conflicts with what is stored (" + e.getMessage() + ")";
            }
        }
        return new StoreException("the store could not " + what + " (" + e.getMessage() + ")" + advice
                + "; nothing was changed", e);
    }

    private void release() {
        try {
            lock.release();
        } catch (IOException | RuntimeException ignored) {
            // Closing the channel releases the lock too.
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing left to do with a channel that fails to close.
        }
    }

    static byte[] bytes(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    static float[] floats(byte[] bytes) {
        float[] values = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
