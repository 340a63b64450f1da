package io.attache.dav;

import io.attache.fs.DavPath;
import io.attache.fs.Drive;
import io.attache.fs.Entry;
import io.attache.fs.FsException;
import io.attache.fs.LockInfo;
import io.attache.fs.Quota;
import io.attache.fs.StoredProperty;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PROPFIND with Depth 0, 1 or infinity. The answer is streamed: a folder's children are read a
 * page at a time and written as they come. Depth: infinity (also a missing Depth, RFC 4918
 * section 9.1) walks the tree remembering one name per level, for trees of at most the configured
 * number of entries; larger ones are refused with {@code propfind-finite-depth}.
 */
final class PropfindHandler extends DavHandler {

    static final int INFINITY = Integer.MAX_VALUE;

    @Override
    public String[] getMethods() {
        return new String[]{"PROPFIND"};
    }

    @Override
    void handle(DavExchange ex) throws FsException, DavException, IOException {
        int depth = depth(ex.header("Depth"));
        byte[] body = Xml.readBody(ex.body(), ex.settings().maxXmlBodyBytes());
        PropfindRequest request = PropfindRequest.parse(body.length == 0 || isBlank(body) ? null : Xml.parse(body));
        Drive drive = ex.drive();
        Entry target = drive.get(ex.path());
        if (target.folder()) {
            ex.aboutCollection(target.path());
        }
        if (depth == INFINITY && target.folder()) {
            int limit = ex.settings().propfindInfinityLimit();
            if (limit == 0 || drive.countBelow(target, limit) > limit) {
                throw new DavException(403, "PROPFIND with Depth: infinity answers for at most " + limit
                        + " files and folders; list level by level with Depth: 1", "propfind-finite-depth");
            }
        }

        ex.status(207);
        ex.contentType("application/xml;charset=utf-8");
        Context context = new Context(drive, target.path());
        try (MultistatusWriter out = new MultistatusWriter(ex.output())) {
            writeEntry(out, drive, target, request, context);
            if (depth == 1 && target.folder()) {
                writeChildren(out, drive, target, request, context, ex.settings().propfindPageSize());
            } else if (depth == INFINITY && target.folder()) {
                writeTree(out, drive, target, request, context, ex.settings().propfindPageSize());
            }
        }
    }

    /**
     * Everything below {@code root}, depth first: a folder's children page by page, then its
     * subfolders one at a time, each found by an index seek after the last one visited. Only the
     * folders being walked are remembered, with one name each, so memory grows with the depth of
     * the tree (at most {@link DavPath#MAX_DEPTH}) and one page, never with its size.
     */
    private static void writeTree(MultistatusWriter out, Drive drive, Entry root, PropfindRequest request,
                                  Context context, int pageSize) throws FsException, IOException {
        Deque<Level> open = new ArrayDeque<>();
        writeChildren(out, drive, root, request, context, pageSize);
        open.push(new Level(root));
        while (!open.isEmpty()) {
            Level level = open.peek();
            Optional<Entry> next = drive.nextSubfolder(level.folder, level.after);
            if (next.isEmpty()) {
                open.pop();
                continue;
            }
            level.after = next.get().name();
            writeChildren(out, drive, next.get(), request, context, pageSize);
            open.push(new Level(next.get()));
        }
    }

    /** A folder being walked and the last of its subfolders entered. */
    private static final class Level {
        final Entry folder;
        String after;

        Level(Entry folder) {
            this.folder = folder;
        }
    }

    private static void writeChildren(MultistatusWriter out, Drive drive, Entry folder, PropfindRequest request,
                                      Context quota, int pageSize) throws FsException, IOException {
        String after = null;
        do {
            Drive.Page page = drive.list(folder, after, pageSize, !request.liveOnly());
            for (Entry child : page.entries()) {
                writeEntry(out, child, page.properties().getOrDefault(child.id(), List.of()), request, quota);
            }
            after = page.more() ? page.last() : null;
        } while (after != null);
    }

    private static void writeEntry(MultistatusWriter out, Drive drive, Entry entry, PropfindRequest request,
                                   Context quota) throws FsException, IOException {
        writeEntry(out, entry, request.liveOnly() ? List.of() : drive.properties(entry), request, quota);
    }

    private static void writeEntry(MultistatusWriter out, Entry entry, List<StoredProperty> dead, PropfindRequest request,
                                   Context quota) throws IOException {
        out.startResponse(entry.href());
        switch (request.kind()) {
            case ALLPROP -> allprop(out, entry, dead, request.names(), quota);
            case PROPNAME -> propname(out, entry, dead);
            case PROP -> named(out, entry, dead, request, quota);
        }
        out.endResponse();
    }

    private static void allprop(MultistatusWriter out, Entry entry, List<StoredProperty> dead,
                                List<PropertyName> include, Context quota) throws IOException {
        out.startPropstat();
        for (PropertyName name : LiveProperties.allprop(entry)) {
            LiveProperties.write(out, name, entry, quota);
        }
        for (StoredProperty p : dead) {
            out.propertyXml(p.namespace(), p.name(), p.value());
        }
        for (PropertyName name : include) {
            if (!LiveProperties.allprop(entry).contains(name)) {
                LiveProperties.write(out, name, entry, quota);
            }
        }
        out.endPropstat("200 OK");
    }

    private static void propname(MultistatusWriter out, Entry entry, List<StoredProperty> dead) throws IOException {
        out.startPropstat();
        for (PropertyName name : LiveProperties.names(entry)) {
            if (LiveProperties.has(name, entry)) {
                out.propertyXml(name.namespace(), name.name(), null);
            }
        }
        for (StoredProperty p : dead) {
            out.propertyXml(p.namespace(), p.name(), null);
        }
        out.endPropstat("200 OK");
    }

    private static void named(MultistatusWriter out, Entry entry, List<StoredProperty> dead, PropfindRequest request,
                              Context quota) throws IOException {
        List<PropertyName> names = request.names();
        Map<PropertyName, StoredProperty> byName = Map.of();
        if (!dead.isEmpty()) {
            byName = new HashMap<>();
            for (StoredProperty p : dead) {
                byName.put(new PropertyName(p.namespace(), p.name()), p);
            }
        }
        List<PropertyName> missing = null;
        boolean started = false;
        for (int i = 0; i < names.size(); i++) {
            PropertyName name = names.get(i);
            StoredProperty stored = byName.isEmpty() ? null : byName.get(name);
            if (stored == null && !request.isLive(i, entry)) {
                if (missing == null) {
                    missing = new ArrayList<>();
                }
                missing.add(name);
                continue;
            }
            if (!started) {
                out.startPropstat();
                started = true;
            }
            if (stored != null) {
                out.propertyXml(stored.namespace(), stored.name(), stored.value());
            } else {
                LiveProperties.write(out, name, entry, quota);
            }
        }
        if (started) {
            out.endPropstat("200 OK");
        }
        if (missing != null) {
            out.startPropstat();
            for (PropertyName name : missing) {
                out.propertyXml(name.namespace(), name.name(), null);
            }
            out.endPropstat("404 Not Found");
        }
    }

    static int depth(String header) throws DavException {
        if (header == null || header.trim().equalsIgnoreCase("infinity")) {
            return INFINITY;
        }
        return switch (header.trim()) {
            case "0" -> 0;
            case "1" -> 1;
            default -> throw new DavException(400, "invalid Depth header: " + header);
        };
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** The quota and the locks around the target, each fetched once, when first asked for. */
    private static final class Context implements LiveProperties.Context {
        private final Drive drive;
        private final DavPath target;
        private Quota quota;
        private List<LockInfo> locks;

        Context(Drive drive, DavPath target) {
            this.drive = drive;
            this.target = target;
        }

        @Override
        public Quota quota() throws IOException {
            if (quota == null) {
                try {
                    quota = drive.quota();
                } catch (FsException e) {
                    throw new IOException("cannot read the quota: " + e.getMessage(), e);
                }
            }
            return quota;
        }

        @Override
        public List<LockInfo> locks(Entry entry) throws IOException {
            if (locks == null) {
                try {
                    locks = drive.locking().around(target);
                } catch (FsException e) {
                    throw new IOException("cannot read the locks: " + e.getMessage(), e);
                }
            }
            List<LockInfo> covering = new ArrayList<>();
            for (LockInfo lock : locks) {
                if (lock.covers(entry.path())) {
                    covering.add(lock);
                }
            }
            return covering;
        }
    }
}
