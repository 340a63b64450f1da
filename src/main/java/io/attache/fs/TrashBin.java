package io.attache.fs;

import io.attache.meta.Changes;
import io.attache.meta.Database;
import io.attache.meta.Locks;
import io.attache.meta.Node;
import io.attache.meta.Nodes;
import io.attache.meta.Trash;
import io.attache.meta.User;
import io.attache.meta.Users;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Each user's trash. With a retention above zero, DELETE moves the file or folder under the
 * user's trash root (invisible over WebDAV) instead of deleting it; it can be restored until it
 * is older than the retention, when it is deleted for good and its chunks go to the delete
 * queue. Trashed content still counts towards the user's quota until then.
 */
public final class TrashBin {

    private static final Logger log = LoggerFactory.getLogger(TrashBin.class);

    private final Database db;
    private final Clock clock;
    private final Duration retention;

    public TrashBin(Database db, Clock clock, Duration retention) {
        this.db = db;
        this.clock = clock;
        this.retention = retention;
    }

    /** An item in a trash, for listings. */
    public record Entry(long id, String user, String originalPath, Instant deletedAt, long sizeBytes, boolean folder) {
    }

    public boolean enabled() {
        return !retention.isZero() && !retention.isNegative();
    }

    /** Moves {@code node}, found at {@code path}, into its owner's trash; in the caller's transaction. */
    void put(Connection c, long ownerId, Node node, DavPath path, long now) throws SQLException {
        Node root = Nodes.trashRoot(c, ownerId, now);
        long id = Trash.insert(c, ownerId, node.id(), path.toString(), now, Nodes.treeSize(c, node));
        Nodes.move(c, node.id(), root.id(), "t" + id);
        Locks.deleteTree(c, ownerId, path.toString());
    }

    /** The trash of {@code userName}, or of every user when null, oldest first. */
    public List<Entry> list(String userName) throws FsException {
        return read(c -> {
            List<Entry> out = new ArrayList<>();
            for (User user : users(c, userName)) {
                for (Trash.Item item : Trash.of(c, user.id())) {
                    boolean folder = Nodes.byId(c, item.nodeId()).map(Node::isFolder).orElse(false);
                    out.add(new Entry(item.id(), user.name(), item.originalPath(), Instant.ofEpochMilli(item.deletedAt()),
                            item.sizeBytes(), folder));
                }
            }
            return out;
        });
    }

    /** The trash of the user with id {@code ownerId}, oldest first: what the user sees of it. */
    public List<Entry> listOwn(long ownerId) throws FsException {
        return read(c -> {
            User user = Users.byId(c, ownerId).orElseThrow(() -> new FsException.NotFound("no such user"));
            List<Entry> out = new ArrayList<>();
            for (Trash.Item item : Trash.of(c, ownerId)) {
                boolean folder = Nodes.byId(c, item.nodeId()).map(Node::isFolder).orElse(false);
                out.add(new Entry(item.id(), user.name(), item.originalPath(), Instant.ofEpochMilli(item.deletedAt()),
                        item.sizeBytes(), folder));
            }
            return out;
        });
    }

    /** As {@link #restore}, for the item's owner only: another user's item is not found. */
    public DavPath restoreOwn(long ownerId, long id) throws FsException {
        return restore(id, ownerId);
    }

    /** Deletes one item of {@code ownerId}'s trash for good; another user's item is not found. */
    public void deleteOwn(long ownerId, long id) throws FsException {
        long now = clock.millis();
        write(c -> {
            destroy(c, owned(c, id, ownerId), now);
            return null;
        });
    }

    /** Empties the trash of the user with id {@code ownerId}; returns the items removed. */
    public int emptyOwn(long ownerId) throws FsException {
        long now = clock.millis();
        return write(c -> {
            List<Trash.Item> items = Trash.of(c, ownerId);
            for (Trash.Item item : items) {
                destroy(c, item, now);
            }
            return items.size();
        });
    }

    /**
     * Puts item {@code id} back where it was deleted from, recreating missing folders; when that
     * name is taken now, it gets a " (restored)" suffix.
     *
     * @return the path it was restored to
     */
    public DavPath restore(long id) throws FsException {
        return restore(id, null);
    }

    private DavPath restore(long id, Long ownerId) throws FsException {
        long now = clock.millis();
        return write(c -> {
            Trash.Item item = owned(c, id, ownerId);
            DavPath original = DavPath.ofDecoded(item.originalPath());
            Node parent = folders(c, item.ownerId(), original.parent(), now);
            String name = freeName(c, parent.id(), original.name());
            Nodes.move(c, item.nodeId(), parent.id(), name);
            Changes.mark(c, item.nodeId(), Changes.next(c, item.ownerId()));
            Trash.delete(c, id);
            return original.parent().child(name);
        });
    }

    /** Deletes for good the trash of {@code userName}, or every trash when null; returns items removed. */
    public int empty(String userName) throws FsException {
        long now = clock.millis();
        return write(c -> {
            int removed = 0;
            for (User user : users(c, userName)) {
                for (Trash.Item item : Trash.of(c, user.id())) {
                    destroy(c, item, now);
                    removed++;
                }
            }
            return removed;
        });
    }

    /** Deletes for good what has been in a trash longer than the retention. */
    public int purgeExpired() throws FsException {
        if (!enabled()) {
            return 0;
        }
        long now = clock.millis();
        int removed = write(c -> {
            List<Trash.Item> due = Trash.deletedBefore(c, now - retention.toMillis(), 1_000);
            for (Trash.Item item : due) {
                destroy(c, item, now);
            }
            return due.size();
        });
        if (removed > 0) {
            log.info("Emptied {} trash items older than {}", removed, retention);
        }
        return removed;
    }

    /** The item, when it exists and {@code ownerId} (unless null) owns it. */
    private static Trash.Item owned(Connection c, long id, Long ownerId) throws SQLException, FsException {
        Optional<Trash.Item> item = Trash.byId(c, id);
        if (item.isEmpty() || ownerId != null && item.get().ownerId() != ownerId) {
            throw new FsException.NotFound("no trash item " + id);
        }
        return item.get();
    }

    private static void destroy(Connection c, Trash.Item item, long now) throws SQLException {
        Optional<Node> node = Nodes.byId(c, item.nodeId());
        Trash.delete(c, item.id());
        if (node.isPresent()) {
            Users.addUsedBytes(c, item.ownerId(), -Nodes.deleteTree(c, node.get(), now));
        }
    }

    /** The folder at {@code path}, creating missing ones; a file in the way sends the item to the root. */
    private static Node folders(Connection c, long ownerId, DavPath path, long now) throws SQLException {
        Node root = Nodes.root(c, ownerId).orElseThrow();
        Node current = root;
        for (String name : path.names()) {
            Optional<Node> next = Nodes.child(c, current.id(), name);
            if (next.isPresent() && !next.get().isFolder()) {
                return root;
            }
            current = next.isPresent() ? next.get() : Nodes.byId(c, Nodes.insertFolder(c, ownerId, current.id(), name, now)).orElseThrow();
        }
        return current;
    }

    private static String freeName(Connection c, long parentId, String name) throws SQLException {
        if (Nodes.child(c, parentId, name).isEmpty()) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        for (int n = 1; n < 10_000; n++) {
            String candidate = stem + (n == 1 ? " (restored)" : " (restored " + n + ")") + extension;
            if (Nodes.child(c, parentId, candidate).isEmpty()) {
                return candidate;
            }
        }
        throw new SQLException("no free name to restore " + name);
    }

    private static List<User> users(Connection c, String userName) throws SQLException, FsException {
        if (userName == null) {
            return Users.all(c);
        }
        return List.of(Users.byName(c, userName).orElseThrow(() -> new FsException.NotFound("no user " + userName)));
    }

    private <T> T read(FileService.Work<T> work) throws FsException {
        return FileService.inTransaction(db, work, false);
    }

    private <T> T write(FileService.Work<T> work) throws FsException {
        return FileService.inTransaction(db, work, true);
    }
}
