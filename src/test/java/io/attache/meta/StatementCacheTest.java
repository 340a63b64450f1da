package io.attache.meta;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Prepared statements kept per connection behave like fresh ones, on a real SQLite file. */
class StatementCacheTest {

    @TempDir
    Path dir;
    Connection reader;
    Connection writer;

    @BeforeEach
    void open() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("cache.db");
        writer = DriverManager.getConnection(url);
        reader = DriverManager.getConnection(url);
        try (Statement s = writer.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
            s.execute("INSERT INTO t (name) VALUES ('a'), ('b'), ('c')");
        }
    }

    @AfterEach
    void close() throws Exception {
        reader.close();
        writer.close();
    }

    private static String name(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT name FROM t WHERE id = ?")) {
            p.setLong(1, id);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    @Test
    void oneStatementServesEveryUseWithItsOwnParameters() throws Exception {
        Connection c = StatementCache.wrap(reader);
        assertEquals("a", name(c, 1));
        assertEquals("c", name(StatementCache.wrap(reader), 3), "a later borrow of the connection");
        assertEquals(null, name(c, 99));
        assertEquals("b", name(c, 2));
        assertEquals(1, StatementCache.size(reader));
    }

    @Test
    void aNestedUseOfTheSameSqlGetsAStatementOfItsOwn() throws Exception {
        Connection c = StatementCache.wrap(reader);
        List<String> pairs = new ArrayList<>();
        try (PreparedStatement outer = c.prepareStatement("SELECT id, name FROM t WHERE id >= ? ORDER BY id")) {
            outer.setLong(1, 1);
            try (ResultSet r = outer.executeQuery()) {
                while (r.next()) {
                    try (PreparedStatement inner = c.prepareStatement("SELECT id, name FROM t WHERE id >= ? ORDER BY id")) {
                        assertNotSame(outer, inner);
                        inner.setLong(1, r.getLong(1));
                        try (ResultSet i = inner.executeQuery()) {
                            i.next();
                            pairs.add(r.getString(2) + i.getString(2));
                        }
                    }
                }
            }
        }
        assertEquals(List.of("aa", "bb", "cc"), pairs);
        assertEquals(1, StatementCache.size(reader), "only the first is kept");
    }

    @Test
    void closingTheStatementEndsAnUnfinishedQuerySoTheNextReadSeesNewRows() throws Exception {
        Connection c = StatementCache.wrap(reader);
        PreparedStatement p = c.prepareStatement("SELECT count(*) FROM t WHERE id > ?");
        p.setLong(1, 0);
        ResultSet left = p.executeQuery();
        assertTrue(left.next());
        assertEquals(3, left.getLong(1));
        p.close(); // the result set is never closed by the caller
        assertTrue(p.isClosed());
        assertThrows(SQLException.class, () -> p.setLong(1, 1), "a returned statement cannot be used");
        try (Statement s = writer.createStatement()) {
            s.execute("INSERT INTO t (name) VALUES ('d')");
        }
        try (PreparedStatement other = c.prepareStatement("SELECT count(*) FROM t")) {
            try (ResultSet r = other.executeQuery()) {
                assertTrue(r.next());
                assertEquals(4, r.getLong(1), "no read snapshot was left open");
            }
        }
    }

    @Test
    void insertsReturnGeneratedKeysThroughAKeptStatement() throws Exception {
        Connection c = StatementCache.wrap(writer);
        List<Long> ids = new ArrayList<>();
        for (String n : List.of("x", "y")) {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO t (name) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                p.setString(1, n);
                assertEquals(1, p.executeUpdate());
                try (ResultSet keys = p.getGeneratedKeys()) {
                    assertTrue(keys.next());
                    ids.add(keys.getLong(1));
                }
            }
        }
        assertEquals(List.of(4L, 5L), ids);
        assertEquals("y", name(c, 5));
    }

    @Test
    void atMostCapacityStatementsAreKept() throws Exception {
        Connection c = StatementCache.wrap(reader);
        for (int i = 0; i < StatementCache.CAPACITY + 10; i++) {
            try (PreparedStatement p = c.prepareStatement("SELECT " + i + " FROM t LIMIT 1");
                 ResultSet r = p.executeQuery()) {
                assertTrue(r.next());
                assertEquals(i, r.getInt(1));
            }
        }
        assertEquals(StatementCache.CAPACITY, StatementCache.size(reader));
        assertEquals("a", name(c, 1), "an evicted statement is prepared again");
    }

    @Test
    void aClosedConnectionsStatementsAreNotReused() throws Exception {
        assertEquals("a", name(StatementCache.wrap(reader), 1));
        reader.close();
        reader = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cache.db"));
        assertEquals("b", name(StatementCache.wrap(reader), 2));
        assertFalse(reader.isClosed());
    }
}
