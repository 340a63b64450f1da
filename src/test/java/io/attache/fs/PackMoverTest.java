package io.attache.fs;

import io.attache.meta.Blobs;
import io.attache.meta.ChunkRef;
import io.attache.meta.Database;
import io.attache.meta.Packs;
import io.attache.meta.Versions;
import io.attache.store.ChunkStore;
import io.attache.store.ForwardingChunkStore;
import io.attache.store.Locator;
import io.attache.store.StoreException;
import io.attache.store.local.LocalChunkStore;
import io.attache.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The pack mover (the uploader's and the repacker's) switches a blob only out of the pack whose
 * bytes it copied. Its sources are read in one transaction and switched in a later one; a pack
 * dropped in between may have handed its id to a new pack (SQLite reuses the largest rowid), and
 * that pack's blobs must stay where their bytes are.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class PackMoverTest {

    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;

    @Test
    void aPackDroppedWhileItWasCopiedIsNotSwitchedAndNeitherIsThePackThatTookItsId() throws Exception {
        try (Database db = database.open(dir)) {
            LocalChunkStore store = new LocalChunkStore(dir.resolve("store"));
            byte[] first = filled(300, (byte) 1);
            Locator firstPack = store.put(name(1), first, 0, first.length);
            long firstVersion = db.write(c -> commit(c, (byte) 1, firstPack, first.length));
            long firstPackId = db.read(c -> Packs.byLocator(c, firstPack.value()).orElseThrow().id());

            byte[] second = filled(300, (byte) 2);
            Locator[] secondPack = new Locator[1];
            long[] secondVersion = new long[1];
            // While the mover uploads its copy: the first file is deleted, which drops its pack, and
            // a second file is written into a pack of its own.
            ChunkStore to = new ForwardingChunkStore(store) {
                @Override
                public Locator put(String chunkName, byte[] data, int offset, int length) throws StoreException {
                    try {
                        db.write(c -> Versions.release(c, firstVersion, 1));
                        secondPack[0] = store.put(name(2), second, 0, second.length);
                        secondVersion[0] = db.write(c -> commit(c, (byte) 2, secondPack[0], second.length));
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                    return super.put(chunkName, data, offset, length);
                }
            };

            PackMover.Moved moved = new PackMover(db, store, to, Clock.systemUTC())
                    .move(List.of(new PackMover.Source(firstPackId, firstPack.value(), 0, first.length)), new byte[1024]);

            List<ChunkRef> chunks = db.read(c -> Blobs.of(c, secondVersion[0]));
            assertEquals(1, chunks.size());
            assertEquals(secondPack[0].value(), chunks.get(0).locator(), "the second file's blob stays with its bytes");
            assertEquals(0, chunks.get(0).offset());
            assertEquals(0, moved.blobs(), "nothing was switched into the new pack");
            if (database == TestDatabase.SQLITE) {
                long secondPackId = db.read(c -> Packs.byLocator(c, secondPack[0].value()).orElseThrow().id());
                assertEquals(firstPackId, secondPackId, "the second pack took the dropped pack's id: the case this test is about");
            }
        }
    }

    /** Records a one-blob version of {@code length} bytes that fill the pack at {@code pack}. */
    private static long commit(java.sql.Connection c, byte tag, Locator pack, int length) throws SQLException {
        byte[] contentId = filled(16, tag);
        Blobs.recordPack(c, pack.value(), length, false, List.of(new Blobs.Placement(contentId, 0, 0, length, length - 29)),
                1, null);
        return Versions.insert(c, contentId, length - 29, 65536, filled(40, tag), 1, null, 1);
    }

    private static byte[] filled(int length, byte value) {
        byte[] b = new byte[length];
        Arrays.fill(b, value);
        return b;
    }

    private static String name(int n) {
        return String.format("%032x", n);
    }
}
