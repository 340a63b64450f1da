package io.attache.fs;

import io.attache.meta.Blobs;
import io.attache.meta.ChunkRef;
import io.attache.meta.Database;
import io.attache.meta.Node;
import io.attache.meta.Version;
import io.attache.pipeline.ChunkWriter;
import io.attache.pipeline.Content;
import io.attache.pipeline.RangeReader;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The file system: every user's tree, the transactions that change it, and the pipeline that
 * stores and reads content. Hands out one {@link Drive} per user; a drive can only reach its
 * user's tree.
 */
public final class FileService {

    private final Database db;
    private final ChunkWriter writer;
    private final RangeReader reader;
    private final WriteJournal journal;
    private final TrashBin trash;
    private final Clock clock;
    private final Uploader uploader;
    private final CommitGate gate;

    /**
     * @param uploader the write-back uploader, told of every commit; null for write-through
     * @param gate     what a metadata backup closes to take a snapshot naming no staged blob
     */
    public FileService(Database db, ChunkWriter writer, RangeReader reader, WriteJournal journal, TrashBin trash,
                       Clock clock, Uploader uploader, CommitGate gate) {
        this.uploader = uploader;
        this.gate = gate;
        this.db = db;
        this.writer = writer;
        this.reader = reader;
        this.journal = journal;
        this.trash = trash;
        this.clock = clock;
    }

    TrashBin trash() {
        return trash;
    }

    /** The tree of user {@code userId}. */
    public Drive drive(long userId) {
        return new Drive(this, userId, Set.of());
    }

    ChunkWriter writer() {
        return writer;
    }

    RangeReader reader() {
        return reader;
    }

    long now() {
        return clock.millis();
    }

    static Instant instant(long millis) {
        return Instant.ofEpochMilli(millis);
    }

    CommitGate gate() {
        return gate;
    }

    /** A write committed: with write-back, its staged blobs are the uploader's to move now. */
    void committed() {
        if (uploader != null) {
            uploader.wakeUp();
        }
    }

    /** Hands a write that will not commit to the delete queue. */
    void abandon(byte[] contentId) throws IOException {
        journal.abandoned(contentId);
    }

    /** A version as the pipeline reads it; a read whose blob moves away finds it again here. */
    Content content(Version version) {
        return new Content(version.contentId(), version.wrappedKey(), version.size(), version.chunkSize(),
                chunks(version), this::relocate);
    }

    /** A version as it is now, without following moves (fsck reads what the database says). */
    static Content contentAsRecorded(Version version) {
        return new Content(version.contentId(), version.wrappedKey(), version.size(), version.chunkSize(),
                chunks(version));
    }

    private static List<Content.StoredChunk> chunks(Version version) {
        List<Content.StoredChunk> chunks = new ArrayList<>(version.chunks().size());
        for (ChunkRef ref : version.chunks()) {
            chunks.add(new Content.StoredChunk(ref.locator(), ref.offset(), ref.plainSize()));
        }
        return chunks;
    }

    private Optional<Content.StoredChunk> relocate(byte[] contentId, int index) throws IOException {
        try {
            return db.read(c -> Blobs.current(c, contentId, index))
                    .map(ref -> new Content.StoredChunk(ref.locator(), ref.offset(), ref.plainSize()));
        } catch (SQLException e) {
            throw new IOException("cannot look up where chunk " + index + " is now: " + e.getMessage(), e);
        }
    }

    static Entry entry(Node node, DavPath path) {
        return new Entry(node.id(), path, node.isFolder(), node.isFolder() ? 0 : node.size(), node.etag(),
                node.contentType(),
                instant(node.createdAt()), instant(node.modifiedAt()), node.checksums());
    }

    <T> T read(Work<T> work) throws FsException {
        return inTransaction(db, work, false);
    }

    <T> T write(Work<T> work) throws FsException {
        return inTransaction(db, work, true);
    }

    /** Runs {@code work} in a transaction of {@code db}; a refusal rolls it back and comes out as itself. */
    static <T> T inTransaction(Database db, Work<T> work, boolean write) throws FsException {
        Database.Work<T> sql = c -> {
            try {
                return work.run(c);
            } catch (FsException e) {
                throw new Abort(e);
            }
        };
        try {
            return write ? db.write(sql) : db.read(sql);
        } catch (Abort abort) {
            throw abort.reason;
        } catch (SQLException e) {
            throw new FsException.Unavailable("the metadata database failed: " + e.getMessage(), e);
        }
    }

    /** Work inside a transaction that may refuse with an {@link FsException}, which rolls it back. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException, FsException;
    }

    /** Carries a refusal out of {@link Database#write} so that the transaction rolls back. */
    private static final class Abort extends SQLException {
        final FsException reason;

        Abort(FsException reason) {
            super(reason.getMessage());
            this.reason = reason;
        }
    }
}
