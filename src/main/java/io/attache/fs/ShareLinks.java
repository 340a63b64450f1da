package io.attache.fs;

import io.attache.crypto.PasswordHash;
import io.attache.meta.Database;
import io.attache.meta.Node;
import io.attache.meta.Nodes;
import io.attache.meta.Shares;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Read-only share links to a file or folder. A link is a random 256-bit token, shown once to its
 * owner; the database keeps only its SHA-256, so a copy of the database does not open the links.
 * A link may carry a password (Argon2id) and an expiry. It points at the node, not the path: it
 * follows renames and moves, stops answering while the node is in the trash, and is deleted with
 * it.
 */
public final class ShareLinks {


    private final Database db;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ShareLinks(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * A link as its owner sees it.
     *
     * @param path the shared node's path now, or null while it is in the trash
     */
    public record Link(long id, DavPath path, boolean folder, boolean hasPassword, Instant expiresAt, Instant createdAt,
                       long bytesServed) {
    }

    /** A new link and its token, which is never shown again. */
    public record Created(Link link, String token) {
    }

    /**
     * What a live link gives access to: a file or folder at {@code root} of its owner's tree.
     *
     * @param passwordProtected whether it must be opened with a password
     */
    public record Shared(long linkId, long ownerId, DavPath root, boolean folder, boolean passwordProtected) {
    }

    /**
     * Shares the file or folder at {@code path} of {@code ownerId}'s tree.
     *
     * @param password  null or empty for none
     * @param expiresAt null for never
     */
    public Created create(long ownerId, DavPath path, char[] password, Instant expiresAt) throws FsException {
        if (path.isRoot()) {
            throw new FsException.Forbidden("the root folder cannot be shared; share a folder in it");
        }
        long now = clock.millis();
        if (expiresAt != null && expiresAt.toEpochMilli() <= now) {
            throw new FsException.BadRequest("the expiry is in the past");
        }
        String passwordHash = password == null || password.length == 0 ? null : PasswordHash.hash(password, random);
        String token = SecretTokens.next(random);
        Long expiry = expiresAt == null ? null : expiresAt.toEpochMilli();
        Link link = FileService.inTransaction(db, c -> {
            Node node = resolve(c, ownerId, path);
            long id = Shares.insert(c, SecretTokens.hash(token), ownerId, node.id(), passwordHash, expiry, now);
            return new Link(id, path, node.isFolder(), passwordHash != null, instant(expiry), Instant.ofEpochMilli(now), 0);
        }, true);
        return new Created(link, token);
    }

    /** The links of {@code ownerId}, newest first. */
    public List<Link> list(long ownerId) throws FsException {
        return FileService.inTransaction(db, c -> {
            List<Link> out = new ArrayList<>();
            for (Shares.Link s : Shares.ofOwner(c, ownerId)) {
                Node node = Nodes.byId(c, s.nodeId()).orElse(null);
                if (node != null) {
                    out.add(new Link(s.id(), pathIn(c, ownerId, node), node.isFolder(), s.passwordHash() != null,
                            instant(s.expiresAt()), Instant.ofEpochMilli(s.createdAt()), s.bytesServed()));
                }
            }
            return out;
        }, false);
    }

    /** Revokes a link of {@code ownerId}; another user's link is not found. */
    public void revoke(long ownerId, long linkId) throws FsException {
        boolean deleted = FileService.inTransaction(db, c -> Shares.delete(c, ownerId, linkId), true);
        if (!deleted) {
            throw new FsException.NotFound("no share link " + linkId);
        }
    }

    /**
     * The live link {@code token}, password or not; empty when there is no such link, it expired,
     * or what it shares is in the trash. A caller that serves it must have checked the password
     * ({@link #open}) when the link has one.
     */
    public Optional<Shared> find(String token) throws FsException {
        return FileService.inTransaction(db, c -> live(c, token), false).map(ShareLinks::shared);
    }

    /**
     * Opens the link {@code token} with {@code password} (null when the caller has none).
     *
     * @throws FsException.NotFound  no live link has this token
     * @throws FsException.Forbidden the link has a password and this is not it
     */
    public Shared open(String token, char[] password) throws FsException {
        Found found = FileService.inTransaction(db, c -> live(c, token), false)
                .orElseThrow(() -> new FsException.NotFound("no such share link"));
        String stored = found.link().passwordHash();
        if (stored != null && (password == null || !PasswordHash.verify(password, stored))) {
            throw new FsException.Forbidden(password == null ? "this link needs a password" : "wrong password");
        }
        return shared(found);
    }

    private static Shared shared(Found found) {
        return new Shared(found.link().id(), found.link().ownerId(), found.path(), found.folder(),
                found.link().passwordHash() != null);
    }

    /** Counts bytes served through a link: they are its owner's traffic. */
    public void served(long linkId, long bytes) throws FsException {
        if (bytes > 0) {
            FileService.inTransaction(db, c -> {
                Shares.addBytesServed(c, linkId, bytes);
                return null;
            }, true);
        }
    }

    private record Found(Shares.Link link, DavPath path, boolean folder) {
    }

    private Optional<Found> live(Connection c, String token) throws SQLException {
        if (!SecretTokens.wellFormed(token)) {
            return Optional.empty();
        }
        Optional<Shares.Link> link = Shares.byTokenHash(c, SecretTokens.hash(token));
        if (link.isEmpty() || link.get().expiresAt() != null && link.get().expiresAt() <= clock.millis()) {
            return Optional.empty();
        }
        Optional<Node> node = Nodes.byId(c, link.get().nodeId());
        if (node.isEmpty()) {
            return Optional.empty();
        }
        DavPath path = pathIn(c, link.get().ownerId(), node.get());
        return path == null ? Optional.empty() : Optional.of(new Found(link.get(), path, node.get().isFolder()));
    }

    private static Node resolve(Connection c, long ownerId, DavPath path) throws SQLException, FsException {
        Optional<Node> node = Nodes.root(c, ownerId);
        for (String name : path.names()) {
            if (node.isEmpty() || !node.get().isFolder()) {
                break;
            }
            node = Nodes.child(c, node.get().id(), name);
        }
        return node.orElseThrow(() -> new FsException.NotFound(path + " does not exist"));
    }

    /** The node's path in its owner's tree, or null when it is in the trash. */
    static DavPath pathIn(Connection c, long ownerId, Node node) throws SQLException {
        List<Node> up = Nodes.ancestry(c, node.id());
        if (up.isEmpty() || !Nodes.ROOT.equals(up.get(0).name()) || up.get(0).ownerId() != ownerId) {
            return null;
        }
        DavPath path = DavPath.ROOT;
        for (int i = 1; i < up.size(); i++) {
            path = path.childTrusted(up.get(i).name());
        }
        return path;
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
