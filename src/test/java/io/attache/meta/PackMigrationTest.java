package io.attache.meta;

import io.attache.app.Attache;
import io.attache.config.Config;
import io.attache.crypto.ChunkFormat;
import io.attache.crypto.KeyFile;
import io.attache.crypto.MasterKey;
import io.attache.fs.DavPath;
import io.attache.fs.Drive;
import io.attache.fs.Fsck;
import io.attache.pipeline.BufferPool;
import io.attache.pipeline.ChunkWriter;
import io.attache.pipeline.Content;
import io.attache.pipeline.PendingChunkLog;
import io.attache.store.local.LocalChunkStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Data written before packs existed stays readable: a database at schema version 3 with chunk
 * rows, and the chunks those rows name, are migrated into packs of one blob each and read back
 * byte for byte; fsck is clean afterwards, and a chunk of an interrupted write is queued for
 * deletion rather than kept.
 */
class PackMigrationTest {

    static final int CHUNK = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void chunksOfTheFormerSchemaAreReadThroughPacks() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        MasterKey key = MasterKey.of(KeyFile.loadOrCreate(data.resolve("master.key"), new SecureRandom()));
        byte[] bytes = new byte[150_000];
        new Random(5).nextBytes(bytes);
        Content content = writeChunks(data, key, bytes);
        assertEquals(3, content.chunks().size());

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("attache.db"))) {
            createSchemaVersion3(c);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO app_user (id, name, password_hash, used_bytes, created_at) VALUES (1, 'old', 'x', 150000, 0)");
                s.execute("INSERT INTO node (id, owner_id, parent_id, name, kind, created_at, modified_at) "
                        + "VALUES (1, 1, NULL, '', 'folder', 0, 0)");
                s.execute("INSERT INTO pending_chunk (content_id, locator, created_at) VALUES (x'01', 'local:"
                        + "abababababababababababababababab', 7)");
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO version (id, content_id, size, chunk_size, "
                    + "wrapped_key, ref_count, created_at) VALUES (1, ?, ?, ?, ?, 1, 0)")) {
                p.setBytes(1, content.contentId());
                p.setLong(2, content.size());
                p.setInt(3, CHUNK);
                p.setBytes(4, content.wrappedKey());
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO chunk (version_id, idx, locator, plain_size) VALUES (1, ?, ?, ?)")) {
                for (int i = 0; i < content.chunks().size(); i++) {
                    p.setInt(1, i);
                    p.setString(2, content.chunks().get(i).locator());
                    p.setInt(3, content.chunks().get(i).plainSize());
                    p.executeUpdate();
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO node (owner_id, parent_id, name, kind, version_id, created_at, modified_at) "
                        + "VALUES (1, 1, 'old.bin', 'file', 1, 0, 0)");
            }
        }

        try (Attache attache = Attache.open(Config.from(Map.of("data-dir", data.toString(), "chunk-size", "64KiB"), data))) {
            Drive drive = attache.files.drive(1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            drive.open(DavPath.parse("/old.bin")).copyRange(0, bytes.length, out);
            assertArrayEquals(bytes, out.toByteArray());
            ByteArrayOutputStream middle = new ByteArrayOutputStream();
            drive.open(DavPath.parse("/old.bin")).copyRange(70_000, 60_000, middle);
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 70_000, 130_000), middle.toByteArray());
            assertEquals(List.of(), new Fsck(attache.db).checkMetadata().problems());
            assertEquals(List.of(), new Fsck(attache.db).verifyChunks(attache.reader, 1.0, 1, (d, t) -> { }).problems());
            assertEquals(List.of("local:abababababababababababababababab"), attache.db.read(c -> {
                try (PreparedStatement p = c.prepareStatement("SELECT locator FROM delete_queue");
                     java.sql.ResultSet r = p.executeQuery()) {
                    List<String> out2 = new java.util.ArrayList<>();
                    while (r.next()) {
                        out2.add(r.getString(1));
                    }
                    return out2;
                }
            }), "the interrupted write's chunk");
        }
    }

    /** Chunks as the previous version wrote them: each alone in the local store. */
    private static Content writeChunks(Path data, MasterKey key, byte[] bytes) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            LocalChunkStore store = new LocalChunkStore(data.resolve("store"));
            PendingChunkLog nothing = new PendingChunkLog() {
                @Override
                public void stored(String locator, long size, boolean staged, List<Blob> blobs) {
                }

                @Override
                public void abandoned(byte[] contentId) {
                }
            };
            ChunkWriter writer = new ChunkWriter(store, key, new BufferPool(ChunkFormat.cipherChunkSize(CHUNK), 2, 1_000),
                    pool, nothing, CHUNK, 2);
            return writer.write(new ByteArrayInputStream(bytes), Long.MAX_VALUE);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The schema as migrations V1 to V3 left it, with their rows in schema_version. */
    private static void createSchemaVersion3(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
                    + "applied_at INTEGER NOT NULL)");
            String[] files = {"V1__initial.sql", "V2__locks.sql", "V3__trash.sql"};
            for (int v = 1; v <= files.length; v++) {
                for (String sql : statements(files[v - 1])) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO schema_version VALUES (" + v + ", '" + files[v - 1] + "', 0)");
            }
        }
    }

    private static List<String> statements(String file) throws IOException {
        try (InputStream in = Database.class.getResourceAsStream(file)) {
            return Migrations.statements(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
