package io.attache.meta;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Copies every row of one Attaché database into another of the same schema version, ids and all,
 * in the callers' transactions: SQLite into PostgreSQL ({@code attache migrate-db}) and
 * PostgreSQL into an SQLite snapshot. The tables and their order come from the source's own
 * catalog (a table is copied after the tables it references; a table that references itself,
 * like {@code node}, parents before children), so tables that later migrations add are copied
 * without a change here.
 */
public final class TableCopy {

    /** Tables that describe the running cluster, not the drive: never copied. */
    public static final Set<String> NODE_LOCAL = Set.of("schema_version", "cluster_node", "cluster_job");
    /**
     * Tables whose first rows the migrations write ({@code id_sequence}: the next trash id), so a
     * freshly migrated database has them; a copy replaces them with the source's.
     */
    static final Set<String> SEEDED_BY_MIGRATIONS = Set.of("id_sequence");
    private static final int BATCH = 500;

    private TableCopy() {
    }

    /**
     * Copies the rows of every table but {@code skip} from {@code from} into the empty tables of
     * {@code to}.
     *
     * @return rows copied, by table, in the order they were copied
     */
    public static Map<String, Long> copy(Connection from, Connection to, Dialect toDialect, Set<String> skip)
            throws SQLException {
        Map<String, Long> copied = new LinkedHashMap<>();
        for (String seeded : SEEDED_BY_MIGRATIONS) {
            if (!skip.contains(seeded)) {
                try (Statement s = to.createStatement()) {
                    s.executeUpdate("DELETE FROM " + Dialect.quote(seeded));
                }
            }
        }
        for (Table table : inDependencyOrder(from)) {
            if (skip.contains(table.name)) {
                continue;
            }
            long rows = copyTable(from, to, table);
            long expected = count(from, table.name);
            if (rows != expected) {
                throw new SQLException("copied " + rows + " of the " + expected + " rows of " + table.name
                        + " (a row that references no existing row?)");
            }
            copied.put(table.name, rows);
            toDialect.identityFollowsCopiedRows(to, table.name);
        }
        return copied;
    }

    /**
     * Tables (but {@code skip}) that hold any row: an empty database, or one that only the
     * migrations wrote to, has none.
     */
    public static List<String> nonEmpty(Connection c, Set<String> skip) throws SQLException {
        List<String> out = new ArrayList<>();
        for (Table table : inDependencyOrder(c)) {
            if (skip.contains(table.name) || SEEDED_BY_MIGRATIONS.contains(table.name)) {
                continue;
            }
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                    "SELECT 1 FROM " + Dialect.quote(table.name) + " LIMIT 1")) {
                if (r.next()) {
                    out.add(table.name);
                }
            }
        }
        return out;
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + Dialect.quote(table))) {
            r.next();
            return r.getLong(1);
        }
    }

    /** A table and the column, if any, by which it references itself. */
    private record Table(String name, Set<String> references, String selfReference) {
    }

    private static List<Table> inDependencyOrder(Connection c) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        String schema = c.getSchema();
        Map<String, Table> tables = new TreeMap<>();
        try (ResultSet r = meta.getTables(null, schema, "%", new String[]{"TABLE"})) {
            while (r.next()) {
                String name = r.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                if (!name.startsWith("sqlite_")) {
                    tables.put(name, null);
                }
            }
        }
        for (String name : List.copyOf(tables.keySet())) {
            Set<String> references = new LinkedHashSet<>();
            String self = null;
            try (ResultSet r = meta.getImportedKeys(null, schema, name)) {
                while (r.next()) {
                    String referenced = r.getString("PKTABLE_NAME").toLowerCase(Locale.ROOT);
                    if (referenced.equals(name)) {
                        self = r.getString("FKCOLUMN_NAME").toLowerCase(Locale.ROOT);
                    } else {
                        references.add(referenced);
                    }
                }
            }
            tables.put(name, new Table(name, references, self));
        }
        List<Table> ordered = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        while (placed.size() < tables.size()) {
            boolean progress = false;
            for (Table t : tables.values()) {
                if (!placed.contains(t.name) && placed.containsAll(t.references)) {
                    ordered.add(t);
                    placed.add(t.name);
                    progress = true;
                }
            }
            if (!progress) {
                throw new SQLException("the tables' foreign keys form a cycle: " + tables.keySet());
            }
        }
        return ordered;
    }

    private static long copyTable(Connection from, Connection to, Table table) throws SQLException {
        String name = Dialect.quote(table.name);
        List<String> columns = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        try (Statement s = to.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM " + name + " WHERE 1 = 0")) {
            ResultSetMetaData meta = r.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(Dialect.quote(meta.getColumnName(i).toLowerCase(Locale.ROOT)));
                types.add(meta.getColumnType(i));
            }
        }
        String list = String.join(", ", columns);
        String select = table.selfReference == null ? "SELECT " + list + " FROM " + name
                : parentsFirst(name, list, Dialect.quote(table.selfReference));
        String insert = "INSERT INTO " + name + " (" + list + ") VALUES (" + "?, ".repeat(columns.size() - 1) + "?)";
        long rows = 0;
        try (Statement s = from.createStatement(); ResultSet r = s.executeQuery(select);
             PreparedStatement p = to.prepareStatement(insert)) {
            while (r.next()) {
                for (int i = 1; i <= columns.size(); i++) {
                    Object value = r.getObject(i);
                    if (value == null) {
                        p.setNull(i, types.get(i - 1));
                    } else {
                        p.setObject(i, value);
                    }
                }
                p.addBatch();
                if (++rows % BATCH == 0) {
                    p.executeBatch();
                }
            }
            if (rows % BATCH != 0) {
                p.executeBatch();
            }
        }
        return rows;
    }

    /** Rows of a self-referencing table, each after the row it references. */
    private static String parentsFirst(String table, String columns, String parent) {
        StringBuilder qualified = new StringBuilder();
        for (String column : columns.split(", ")) {
            qualified.append(qualified.isEmpty() ? "" : ", ").append("t.").append(column);
        }
        return "WITH RECURSIVE depth(id, level) AS (SELECT id, 0 FROM " + table + " WHERE " + parent + " IS NULL "
                + "UNION ALL SELECT t.id, d.level + 1 FROM " + table + " t JOIN depth d ON t." + parent + " = d.id) "
                + "SELECT " + qualified + " FROM " + table + " t JOIN depth d ON d.id = t.id ORDER BY d.level, t.id";
    }
}
