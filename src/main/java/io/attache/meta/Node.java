package io.attache.meta;

import java.util.HexFormat;

/**
 * A folder or a file as the database holds it, with its current version's size, content tag and
 * checksums (ownCloud notation, null when none were asked for) for files. Immutable: a snapshot of
 * one row at one moment.
 */
public record Node(long id, long ownerId, Long parentId, String name, Kind kind, Long versionId,
                   String contentType, long createdAt, long modifiedAt, long size, String contentTag, long changeSeq,
                   String checksums) {

    public enum Kind {
        FOLDER("folder"), FILE("file");

        final String sql;

        Kind(String sql) {
            this.sql = sql;
        }

        static Kind of(String sql) {
            return sql.equals("folder") ? FOLDER : FILE;
        }
    }

    public boolean isFolder() {
        return kind == Kind.FOLDER;
    }

    public boolean isRoot() {
        return parentId == null;
    }

    /**
     * A strong entity tag. A file's: the first 64 bits of the random content id (read as hex by the
     * query), so it changes with every write of the content and is shared by copies, which hold
     * the same bytes. A folder's: its id and the number of the last change at or below it
     * ({@link Changes}), so it changes whenever anything in the folder's tree changes.
     */
    /** A file's entity tag: the first 8 bytes of its version's content id, in hex, quoted. */
    public static String fileEtag(byte[] contentId) {
        return '"' + HexFormat.of().formatHex(contentId, 0, Math.min(8, contentId.length)) + '"';
    }

    public String etag() {
        if (kind == Kind.FOLDER) {
            return "\"" + Long.toHexString(id) + "." + Long.toHexString(changeSeq) + '"';
        }
        return contentTag == null ? null : '"' + contentTag + '"';
    }
}
