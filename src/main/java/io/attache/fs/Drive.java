package io.attache.fs;

import io.attache.meta.Changes;
import io.attache.meta.Locks;
import io.attache.meta.Node;
import io.attache.meta.Nodes;
import io.attache.meta.Properties;
import io.attache.meta.Property;
import io.attache.meta.User;
import io.attache.meta.Users;
import io.attache.meta.Versions;
import io.attache.pipeline.Content;
import io.attache.pipeline.SizeLimitExceededException;
import io.attache.store.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One user's tree. Every operation resolves paths from this user's root only, and every change is
 * one database transaction: a concurrent reader sees the tree before or after it, never between.
 */
public final class Drive {

    private final FileService fs;
    private final long userId;
    private final LockTable locks;

    Drive(FileService fs, long userId, Set<String> lockTokens) {
        this.fs = fs;
        this.userId = userId;
        this.locks = new LockTable(userId, Set.copyOf(lockTokens));
    }

    public long userId() {
        return userId;
    }

    /** This drive acting for a request that submitted {@code tokens} (in its If header). */
    public Drive withLockTokens(Set<String> tokens) {
        return new Drive(fs, userId, tokens);
    }

    public Optional<Entry> find(DavPath path) throws FsException {
        return fs.read(c -> resolve(c, path).map(node -> FileService.entry(node, path)));
    }

    public Entry get(DavPath path) throws FsException {
        return find(path).orElseThrow(() -> notFound(path));
    }

    /**
     * A page of a folder's children in name order, so that very large folders are listed without
     * holding them whole.
     *
     * @param entries    at most the asked-for number of children
     * @param properties each child's dead properties by node id, when asked for (else empty)
     * @param more       whether further children follow the last one
     */
    public record Page(List<Entry> entries, Map<Long, List<StoredProperty>> properties, boolean more) {
        public String last() {
            return entries.get(entries.size() - 1).name();
        }
    }

    /**
     * A page of {@code folder}'s children: at most {@code limit} after {@code afterName} (null for
     * the first page), with their dead properties read in the same transaction by one query when
     * {@code withProperties}. One row more than the page is read to learn whether another follows,
     * so a listing takes one query per page and never a last, empty one.
     */
    public Page list(Entry folder, String afterName, int limit, boolean withProperties) throws FsException {
        if (!folder.folder()) {
            throw new FsException.NotAllowed(folder.path() + " is not a folder");
        }
        return fs.read(c -> {
            List<Entry> entries = new ArrayList<>();
            for (Node child : Nodes.children(c, userId, folder.id(), afterName, limit + 1)) {
                entries.add(FileService.entry(child, childPath(folder.path(), child.name())));
            }
            boolean more = entries.size() > limit;
            if (more) {
                entries.remove(limit);
            }
            Map<Long, List<StoredProperty>> properties = new HashMap<>();
            if (withProperties && !entries.isEmpty()) {
                Properties.Batch batch = Properties.ofChildren(c, folder.id(), afterName, entries.get(entries.size() - 1).name(),
                        ResourceLimits.LISTING_PROPERTY_BUDGET);
                if (batch.cut()) {
                    // The page ends where the properties read reached the budget; the next page goes on from there.
                    entries.removeIf(e -> e.name().compareTo(batch.lastName()) > 0);
                    more = true;
                }
                batch.byNode().forEach((id, list) -> properties.put(id, list.stream()
                        .map(p -> new StoredProperty(p.namespace(), p.name(), p.value())).toList()));
            }
            return new Page(entries, properties, more);
        });
    }

    /**
     * The first subfolder of {@code folder} after {@code afterName} in name order ({@code null}:
     * the first of all), found by one index seek however many files lie between: a tree is walked
     * by remembering one name per level.
     */
    public Optional<Entry> nextSubfolder(Entry folder, String afterName) throws FsException {
        return fs.read(c -> {
            List<Node> next = Nodes.subfolders(c, userId, folder.id(), afterName, 1);
            return next.isEmpty() ? Optional.empty()
                    : Optional.of(FileService.entry(next.get(0), childPath(folder.path(), next.get(0).name())));
        });
    }

    /** How many files and folders are below {@code folder}; a tree larger than {@code limit} is counted only up to {@code limit + 1}. */
    public long countBelow(Entry folder, long limit) throws FsException {
        if (!folder.folder()) {
            return 0;
        }
        return fs.read(c -> Nodes.countBelow(c, folder.id(), limit + 1));
    }

    public Entry mkdir(DavPath path) throws FsException {
        long now = fs.now();
        return fs.write(c -> {
            if (path.isRoot()) {
                throw new FsException.AlreadyExists("the root exists");
            }
            Node parent = parentFolder(c, path);
            if (Nodes.child(c, parent.id(), path.name()).isPresent()) {
                throw new FsException.AlreadyExists(path + " already exists");
            }
            locks.requireForMembership(c, path, now);
            long id = Nodes.insertFolder(c, userId, parent.id(), path.name(), now);
            Changes.mark(c, id, Changes.next(c, userId));
            requireWithinLimits(c, false);
            return FileService.entry(Nodes.byId(c, id).orElseThrow(), path);
        });
    }

    /** {@link #upload} of a body with nothing but a content type (or null). */
    public WriteResult write(DavPath path, InputStream body, String contentType) throws FsException, IOException {
        return upload(path, body, Upload.of(contentType));
    }

    /**
     * Stores {@code body} as the content of the file at {@code path}, creating or replacing it. The
     * content is stored completely first; then one transaction makes it the file's version. A
     * failure at any point leaves the file as it was.
     *
     * <p>When the upload announces checksums, SHA1, MD5 and the announced ones are computed as the
     * body streams into the pipeline, with no second pass; content whose checksums differ is
     * refused (400) and its chunks abandoned like those of any failed write. The checksums are
     * kept with the version. The modification time is the upload's, if it names one. The bytes
     * received are counted into the live transfers view.
     */
    public WriteResult upload(DavPath path, InputStream body, Upload upload) throws FsException, IOException {
        return upload(path, body, upload, null);
    }

    /**
     * {@link #upload(DavPath, InputStream, Upload)} to a target found just before by
     * {@link #uploadTarget} (null: look at the target first). A refusal it holds counts as a failed
     * transfer, as one found here would.
     */
    public WriteResult upload(DavPath path, InputStream body, Upload upload, UploadTarget target)
            throws FsException, IOException {
        Transfers.Transfer transfer = fs.transfers().begin(userId, path, upload.length());
        try {
            WriteResult result = store(path, transfer.count(body), upload, target);
            transfer.done();
            return result;
        } catch (FsException | IOException | RuntimeException e) {
            transfer.failed(e.getMessage());
            throw e;
        }
    }

    /**
     * What a PUT needs to know before it reads a body, found in one transaction: the file there now
     * (empty when there is none), and either why a new version cannot be stored there (a missing
     * parent, a lock, a folder) or how much room the quota leaves for it. The caller evaluates its
     * conditions against {@link UploadTarget#current} first, then hands the target to
     * {@link #upload(DavPath, InputStream, Upload, UploadTarget)}, which refuses as the target says;
     * the commit checks everything again in its own transaction.
     */
    public UploadTarget uploadTarget(DavPath path) throws FsException {
        long now = fs.now();
        return fs.read(c -> {
            if (path.isRoot()) {
                Optional<Entry> root = resolve(c, path).map(node -> FileService.entry(node, path));
                return new UploadTarget(root, 0, new FsException.NotAllowed("cannot write content to the root folder"));
            }
            Node parent;
            try {
                parent = parentFolder(c, path);
            } catch (FsException refused) {
                return new UploadTarget(Optional.empty(), 0, refused);
            }
            Optional<Node> existing = Nodes.child(c, parent.id(), path.name());
            Optional<Entry> current = existing.map(node -> FileService.entry(node, path));
            try {
                requireWritable(c, path, existing, now);
            } catch (FsException refused) {
                return new UploadTarget(current, 0, refused);
            }
            return new UploadTarget(current, roomFor(c, existing.map(Node::size).orElse(0L)), null);
        });
    }

    /**
     * See {@link #uploadTarget}.
     *
     * @param current the file at the path when it was looked at, if there was one
     * @param room    the bytes a new version there may have
     * @param refusal why no version can be stored there, or null
     */
    public record UploadTarget(Optional<Entry> current, long room, FsException refusal) {
    }

    /** {@link #upload} with a content type and the length the client announced (-1 when it did not). */
    public WriteResult write(DavPath path, InputStream body, String contentType, long expectedLength)
            throws FsException, IOException {
        return upload(path, body, new Upload(contentType, null, null, expectedLength));
    }

    private WriteResult store(DavPath path, InputStream body, Upload upload, UploadTarget target)
            throws FsException, IOException {
        if (target != null && target.refusal() != null) {
            throw target.refusal();
        }
        if (path.isRoot()) {
            throw new FsException.NotAllowed("cannot write content to the root folder");
        }
        long started = fs.now();
        long room = target != null ? target.room() : fs.read(c -> {
            Node parent = parentFolder(c, path);
            Optional<Node> existing = Nodes.child(c, parent.id(), path.name());
            requireWritable(c, path, existing, started);
            return roomFor(c, existing.map(Node::size).orElse(0L));
        });
        if (upload.length() > room) {
            throw new FsException.InsufficientStorage("the file (" + upload.length() + " bytes announced) does not fit in the quota");
        }
        Map<String, MessageDigest> digests = upload.checksums() == null ? Map.of() : upload.checksums().newDigests();
        Content content;
        try {
            content = fs.writer().write(digests.isEmpty() ? body : new DigestingInputStream(body, digests.values()), room,
                    upload.length());
        } catch (SizeLimitExceededException e) {
            throw new FsException.InsufficientStorage("the file does not fit in the quota");
        } catch (StoreException e) {
            throw new FsException.Unavailable("the chunk store failed: " + e.getMessage(), e);
        }
        Checksums checksums = digests.isEmpty() ? null : Checksums.of(digests);
        String type = ContentTypes.fromRequest(upload.contentType());
        long now = fs.now();
        long modified = upload.modified() == null ? now : upload.modified().toEpochMilli();
        fs.gate().enter();
        try {
            String mismatches = checksums == null ? "" : checksums.mismatches(upload.checksums());
            if (!mismatches.isEmpty()) {
                throw new FsException.BadRequest("the body does not have the " + mismatches + " that OC-Checksum announces; "
                        + "received " + content.size() + " bytes with " + checksums);
            }
            WriteResult result = fs.write(c -> commit(c, path, content, new Stored(type, modified, checksums), now,
                    upload.onlyIf()));
            fs.committed();
            return result;
        } catch (FsException | RuntimeException e) {
            fs.abandon(content.contentId());
            throw e;
        } finally {
            fs.gate().exit();
        }
    }

    /** What a new version records besides its content. */
    record Stored(String contentType, long modified, Checksums checksums) {
    }

    private WriteResult commit(Connection c, DavPath path, Content content, Stored stored, long now, String onlyIf)
            throws SQLException, FsException {
        Node parent = parentFolder(c, path);
        Optional<Node> existing = Nodes.child(c, parent.id(), path.name());
        if (onlyIf != null && !onlyIf.equals(existing.map(n -> FileService.entry(n, path).etag()).orElse(Upload.ABSENT))) {
            throw new FsException.PreconditionFailed(path + " changed while the body was uploaded; its conditions were "
                    + "checked against what it was before");
        }
        requireWritable(c, path, existing, now);
        return storeVersion(c, path, parent, existing, content, stored, now);
    }

    /** Writing a file needs the locks of the file when it exists, of its folder's membership when not. */
    private void requireWritable(Connection c, DavPath path, Optional<Node> existing, long now)
            throws SQLException, FsException {
        if (existing.isPresent() && existing.get().isFolder()) {
            throw new FsException.NotAllowed(path + " is a folder");
        }
        if (existing.isPresent()) {
            locks.requireForResource(c, path, now);
        } else {
            locks.requireForMembership(c, path, now);
        }
    }

    /**
     * Makes {@code content} the file's new version. The owner's counters change in one statement
     * that returns them ({@link Users#account}); a version that breaks the quota or, for a new
     * file, a limit is refused after it, and the transaction rolled back. The entry returned is
     * built from what was written, as {@link Nodes#byId} would read it back.
     */
    WriteResult storeVersion(Connection c, DavPath path, Node parent, Optional<Node> existing, Content content,
                             Stored stored, long now) throws SQLException, FsException {
        long replaced = existing.map(Node::size).orElse(0L);
        String checksums = stored.checksums() == null ? null : stored.checksums().toString();
        long versionId = Versions.insert(c, content.contentId(), content.size(), content.chunkSize(),
                content.wrappedKey(), content.chunks().size(), checksums, now);
        long nodeId;
        long created;
        if (existing.isPresent()) {
            nodeId = existing.get().id();
            created = existing.get().createdAt();
            Nodes.setVersion(c, nodeId, versionId, stored.contentType(), stored.modified());
            Versions.release(c, existing.get().versionId(), now);
        } else {
            nodeId = Nodes.insertFile(c, userId, parent.id(), path.name(), versionId, stored.contentType(), now,
                    stored.modified());
            created = now;
        }
        Users.Accounted owner = Users.account(c, userId, content.size() - replaced);
        User user = owner.user();
        if (roomFor(user, user.storedBytes() - (content.size() - replaced), replaced) < content.size()) {
            throw new FsException.InsufficientStorage("the file does not fit in the quota");
        }
        if (existing.isEmpty()) {
            requireWithinLimits(user, false);
        }
        Changes.mark(c, nodeId, owner.change());
        Entry entry = new Entry(nodeId, path, false, content.size(), Node.fileEtag(content.contentId()),
                stored.contentType(), FileService.instant(created), FileService.instant(stored.modified()), checksums);
        return new WriteResult(entry, existing.isEmpty());
    }

    /**
     * Opens a file for reading: its entry and the chunks of the version it has now, resolved
     * together, so the bytes sent always match the entry's length and entity tag.
     */
    public OpenFile open(DavPath path) throws FsException {
        return fs.read(c -> {
            Node node = resolve(c, path).orElseThrow(() -> notFound(path));
            if (node.isFolder()) {
                throw new FsException.NotAllowed(path + " is a folder");
            }
            Content content = fs.content(Versions.byId(c, node.versionId()).orElseThrow());
            return new OpenFile(FileService.entry(node, path), content, fs.reader());
        });
    }

    /** Deletes a file, or a folder with everything in it: into the trash when it is enabled. */
    public void delete(DavPath path) throws FsException {
        long now = fs.now();
        fs.write(c -> {
            Node node = resolve(c, path).orElseThrow(() -> notFound(path));
            if (node.isRoot()) {
                throw new FsException.Forbidden("the root folder cannot be deleted");
            }
            locks.requireForTree(c, path, now);
            Changes.mark(c, node.parentId(), Changes.next(c, userId));
            if (fs.trash().enabled()) {
                fs.trash().put(c, userId, node, path, now);
            } else {
                deleteTree(c, node, path, now);
            }
            return null;
        });
    }

    /**
     * Copies a file, or a folder with ({@code recursive}) or without its contents. Content is not
     * copied: the copy points at the same versions, whose reference counts go up.
     *
     * @return true when the destination was created, false when it replaced something
     */
    public boolean copy(DavPath from, DavPath to, boolean recursive, boolean overwrite) throws FsException {
        long now = fs.now();
        return fs.write(c -> {
            Node source = resolve(c, from).orElseThrow(() -> notFound(from));
            checkDistinct(from, to);
            Node parent = parentFolder(c, to);
            boolean created = clearDestination(c, parent, to, overwrite, now);
            long copied = copyTree(c, source, parent.id(), to.name(), recursive, now);
            if (roomFor(c, 0) < copied) {
                throw new FsException.InsufficientStorage("the copy does not fit in the quota");
            }
            Users.addUsedBytes(c, userId, copied);
            long copy = Nodes.child(c, parent.id(), to.name()).orElseThrow().id();
            long change = Changes.next(c, userId);
            Changes.markBelow(c, copy, change);
            Changes.mark(c, copy, change);
            requireWithinLimits(c, true);
            return created;
        });
    }

    /** Moves (renames) a file or folder. */
    public boolean move(DavPath from, DavPath to, boolean overwrite) throws FsException {
        long now = fs.now();
        return fs.write(c -> {
            Node source = resolve(c, from).orElseThrow(() -> notFound(from));
            if (source.isRoot()) {
                throw new FsException.Forbidden("the root folder cannot be moved");
            }
            checkDistinct(from, to);
            Node parent = parentFolder(c, to);
            locks.requireForTree(c, from, now);
            boolean created = clearDestination(c, parent, to, overwrite, now);
            long change = Changes.next(c, userId);
            Changes.mark(c, source.parentId(), change);
            Nodes.move(c, source.id(), parent.id(), to.name());
            Changes.mark(c, source.id(), change);
            Locks.deleteTree(c, userId, from.toString());
            return created;
        });
    }

    public List<StoredProperty> properties(Entry entry) throws FsException {
        return fs.read(c -> {
            List<StoredProperty> out = new ArrayList<>();
            for (Property p : Properties.of(c, entry.id())) {
                out.add(new StoredProperty(p.namespace(), p.name(), p.value()));
            }
            return out;
        });
    }

    /**
     * Applies a property patch in document order, all or nothing: refused when the resource or
     * the user would hold more properties or property bytes than allowed, or than the quota.
     */
    public void patch(DavPath path, PropertyPatch patch) throws FsException {
        fs.write(c -> {
            Node node = resolve(c, path).orElseThrow(() -> notFound(path));
            locks.requireForResource(c, path, fs.now());
            long count = 0;
            long bytes = 0;
            for (PropertyPatch.Operation op : patch.operations()) {
                Properties.Delta delta = op.isRemove()
                        ? Properties.remove(c, node.id(), op.namespace(), op.name())
                        : Properties.set(c, node.id(), new Property(op.namespace(), op.name(), op.value()));
                count += delta.count();
                bytes += delta.bytes();
            }
            Users.addProperties(c, userId, count, bytes);
            ResourceLimits limits = fs.limits();
            Properties.Delta held = Properties.totals(c, node.id());
            if (held.count() > limits.maxPropertiesPerResource()) {
                throw new FsException.InsufficientStorage("a resource holds at most " + limits.maxPropertiesPerResource()
                        + " dead properties (max-properties-per-resource)");
            }
            if (held.bytes() > limits.maxPropertyBytesPerResource()) {
                throw new FsException.InsufficientStorage("a resource holds at most " + limits.maxPropertyBytesPerResource()
                        + " bytes of dead properties (max-property-bytes-per-resource)");
            }
            requireWithinLimits(c, bytes > 0);
            if (patch.newModified() != null) {
                Nodes.setModified(c, node.id(), patch.newModified().toEpochMilli());
            }
            Changes.mark(c, node.id(), Changes.next(c, userId));
            return null;
        });
    }

    /**
     * One step of a search by name through this user's tree (the trash excluded): at most
     * {@code limit} hits, looking at no more than {@link #SEARCH_SCAN} nodes past {@code cursor}
     * (0 to start). The answer's cursor continues the search; it is done when the cursor has
     * passed every node.
     */
    public SearchPage search(String needle, long cursor, int limit) throws FsException {
        if (needle == null || needle.isBlank()) {
            throw new FsException.BadRequest("search for what?");
        }
        return fs.read(c -> {
            long last = Nodes.maxId(c);
            long until = Math.min(last, cursor + SEARCH_SCAN);
            List<Entry> hits = new ArrayList<>();
            long next = until;
            for (Node n : Nodes.search(c, userId, needle.strip(), cursor, until, limit)) {
                DavPath path = pathOf(c, n);
                if (path != null) {
                    hits.add(FileService.entry(n, path));
                }
                next = n.id();
            }
            boolean full = hits.size() >= limit;
            return new SearchPage(hits, full ? next : until, !full && until >= last);
        });
    }

    /** Nodes one search step looks at. */
    public static final int SEARCH_SCAN = 50_000;

    /** Hits of a search step; {@code cursor} continues it unless {@code done}. */
    public record SearchPage(List<Entry> hits, long cursor, boolean done) {
    }

    /** The path of a node of this user in their tree, or null when it is in the trash. */
    private DavPath pathOf(Connection c, Node node) throws SQLException {
        return ShareLinks.pathIn(c, userId, node);
    }

    /** Locking of this user's resources, with this drive's submitted lock tokens. */
    public DriveLocks locking() {
        return new DriveLocks(this, fs, userId, locks);
    }

    /** The user's storage: content and dead properties together, as the quota counts them. */
    public Quota quota() throws FsException {
        return fs.read(c -> {
            User user = Users.byId(c, userId).orElseThrow(() -> new FsException.NotFound("no such user"));
            Long available = user.quotaBytes() == null ? null : Math.max(0, user.quotaBytes() - user.storedBytes());
            return new Quota(user.storedBytes(), available);
        });
    }

    /** Bytes a write may store when it replaces {@code replacing} bytes. */
    private long roomFor(Connection c, long replacing) throws SQLException, FsException {
        User user = Users.byId(c, userId).orElseThrow(() -> new FsException.NotFound("no such user"));
        return roomFor(user, user.storedBytes(), replacing);
    }

    /** The bytes a version replacing {@code replacing} bytes may have, while the user stores {@code stored}. */
    private static long roomFor(User user, long stored, long replacing) {
        if (user.quotaBytes() == null) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, user.quotaBytes() - stored + replacing);
    }

    /**
     * Refuses a change that took the user beyond a limit on entries or dead properties, or (when
     * it {@code grew} the bytes stored) beyond the quota; the transaction is then rolled back.
     */
    void requireWithinLimits(Connection c, boolean grew) throws SQLException, FsException {
        requireWithinLimits(Users.byId(c, userId).orElseThrow(() -> new FsException.NotFound("no such user")), grew);
    }

    private void requireWithinLimits(User user, boolean grew) throws FsException {
        ResourceLimits limits = fs.limits();
        if (user.entryCount() > limits.maxEntriesPerUser()) {
            throw new FsException.InsufficientStorage("a user holds at most " + limits.maxEntriesPerUser()
                    + " files and folders, trash included (max-entries-per-user)");
        }
        if (user.propertyCount() > limits.maxPropertiesPerUser()) {
            throw new FsException.InsufficientStorage("a user holds at most " + limits.maxPropertiesPerUser()
                    + " dead properties (max-properties-per-user)");
        }
        if (user.propertyBytes() > limits.maxPropertyBytesPerUser()) {
            throw new FsException.InsufficientStorage("a user holds at most " + limits.maxPropertyBytesPerUser()
                    + " bytes of dead properties (max-property-bytes-per-user)");
        }
        if (grew && user.quotaBytes() != null && user.storedBytes() > user.quotaBytes()) {
            throw new FsException.InsufficientStorage("the quota of " + user.quotaBytes()
                    + " bytes (files and their properties) is full");
        }
    }

    private static void checkDistinct(DavPath from, DavPath to) throws FsException {
        if (to.isRoot()) {
            throw new FsException.Forbidden("the root folder cannot be replaced");
        }
        if (to.isSelfOrDescendantOf(from)) {
            throw new FsException.Forbidden("cannot copy or move " + from + " onto or into itself");
        }
        if (from.isSelfOrDescendantOf(to)) {
            throw new FsException.Forbidden("cannot replace " + to + ", which contains the source " + from);
        }
    }

    /** Makes room at {@code to}; returns true when nothing was there. */
    private boolean clearDestination(Connection c, Node parent, DavPath to, boolean overwrite, long now)
            throws SQLException, FsException {
        Optional<Node> existing = Nodes.child(c, parent.id(), to.name());
        if (existing.isEmpty()) {
            locks.requireForMembership(c, to, now);
            return true;
        }
        if (!overwrite) {
            throw new FsException.PreconditionFailed(to + " exists and Overwrite is F");
        }
        locks.requireForTree(c, to, now);
        deleteTree(c, existing.get(), to, now);
        return false;
    }

    /** Deletes {@code node} (at {@code path}) with its subtree and the locks on them. */
    private void deleteTree(Connection c, Node node, DavPath path, long now) throws SQLException {
        Users.addUsedBytes(c, userId, -Nodes.deleteTree(c, node, now));
        Locks.deleteTree(c, userId, path.toString());
    }

    /**
     * Copies {@code source} (and its subtree when recursive) under {@code parentId}; returns the
     * bytes copied. The subtree is read through a cursor; only the folders' new ids are held.
     */
    private long copyTree(Connection c, Node source, long parentId, String name, boolean recursive, long now)
            throws SQLException {
        FolderIds copies = new FolderIds();
        long[] bytes = {copyNode(c, source, parentId, name, now, copies)};
        if (source.isFolder() && recursive) {
            Nodes.forEachDescendant(c, source.id(), n -> bytes[0] += copyNode(c, n, copies.get(n.parentId()), n.name(), now, copies));
        }
        return bytes[0];
    }

    private long copyNode(Connection c, Node n, long parentId, String name, long now, FolderIds copies)
            throws SQLException {
        long id;
        // A copy is a new resource (created now) with the same content, modified when the original was.
        if (n.isFolder()) {
            id = Nodes.insertFolder(c, userId, parentId, name, now);
            Nodes.setModified(c, id, n.modifiedAt());
            copies.put(n.id(), id);
        } else {
            Versions.addReference(c, n.versionId());
            id = Nodes.insertFile(c, userId, parentId, name, n.versionId(), n.contentType(), now, n.modifiedAt());
        }
        Properties.Delta properties = Properties.copyAll(c, n.id(), id);
        Users.addProperties(c, userId, properties.count(), properties.bytes());
        return n.isFolder() ? 0 : n.size();
    }

    /** Source folder id to copy id, in open-addressed arrays: 16 bytes (or so) a folder, no boxing. */
    private static final class FolderIds {
        private long[] keys = new long[64];
        private long[] values = new long[64];
        private int size;

        void put(long key, long value) {
            if (2 * (size + 1) > keys.length) {
                long[] oldKeys = keys;
                long[] oldValues = values;
                keys = new long[oldKeys.length * 2];
                values = new long[oldKeys.length * 2];
                size = 0;
                for (int i = 0; i < oldKeys.length; i++) {
                    if (oldKeys[i] != 0) {
                        put(oldKeys[i], oldValues[i]);
                    }
                }
            }
            int i = slot(key);
            if (keys[i] == 0) {
                size++;
            }
            keys[i] = key;
            values[i] = value;
        }

        long get(long key) {
            int i = slot(key);
            if (keys[i] != key) {
                throw new IllegalStateException("no copy of folder " + key);
            }
            return values[i];
        }

        /** Node ids start at 1, so 0 marks a free slot. */
        private int slot(long key) {
            int mask = keys.length - 1;
            int i = (int) (Long.hashCode(key * 0x9E3779B97F4A7C15L) & mask);
            while (keys[i] != 0 && keys[i] != key) {
                i = (i + 1) & mask;
            }
            return i;
        }
    }

    Node parentFolder(Connection c, DavPath path) throws SQLException, FsException {
        Node parent = resolve(c, path.parent())
                .orElseThrow(() -> new FsException.Conflict("the parent folder of " + path + " does not exist"));
        if (!parent.isFolder()) {
            throw new FsException.Conflict("the parent of " + path + " is a file");
        }
        return parent;
    }

    Optional<Node> resolve(Connection c, DavPath path) throws SQLException {
        Optional<Node> node = Nodes.root(c, userId);
        for (String name : path.names()) {
            if (node.isEmpty() || !node.get().isFolder()) {
                return Optional.empty();
            }
            node = Nodes.child(c, node.get().id(), name);
        }
        return node;
    }

    private static DavPath childPath(DavPath folder, String name) {
        return folder.childTrusted(name);
    }

    private static FsException.NotFound notFound(DavPath path) {
        return new FsException.NotFound(path + " does not exist");
    }
}
