package io.attache.dav;

import io.attache.fs.Entry;
import io.attache.fs.FsException;
import io.attache.fs.PropertyPatch;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * PROPPATCH: sets and removes applied in document order, all or nothing. When any instruction is
 * refused (a protected property) none is applied: that one is answered 403 and the others 424.
 * Windows' {@code Win32LastModifiedTime} is stored and also sets the modification time.
 */
final class ProppatchHandler extends DavHandler {

    static final String WINDOWS = "urn:schemas-microsoft-com:";

    @Override
    public String[] getMethods() {
        return new String[]{"PROPPATCH"};
    }

    @Override
    void handle(DavExchange ex) throws FsException, DavException, IOException {
        byte[] body = Xml.readBody(ex.body(), ex.settings().maxXmlBodyBytes());
        if (body.length == 0) {
            throw new DavException(400, "PROPPATCH needs a DAV:propertyupdate body");
        }
        List<PropertyPatch.Operation> operations = operations(Xml.parse(body));
        Entry entry = ex.drive().get(ex.path());
        int condition = Conditions.evaluate(ex, entry);
        if (condition != Conditions.PROCEED) {
            ex.sendText(condition, "precondition failed");
            return;
        }

        if (entry.folder()) {
            ex.aboutCollection(entry.path());
        }
        boolean refused = operations.stream().anyMatch(ProppatchHandler::isProtected);
        if (!refused) {
            ex.drive().patch(ex.path(), new PropertyPatch(operations, newModified(operations)));
        }
        ex.status(207);
        ex.contentType("application/xml;charset=utf-8");
        try (MultistatusWriter out = new MultistatusWriter(ex.output())) {
            out.startResponse(entry.href());
            if (!refused) {
                writePropstat(out, operations, "200 OK");
            } else {
                List<PropertyPatch.Operation> forbidden = new ArrayList<>();
                List<PropertyPatch.Operation> dependent = new ArrayList<>();
                for (PropertyPatch.Operation op : operations) {
                    (isProtected(op) ? forbidden : dependent).add(op);
                }
                writePropstat(out, forbidden, "403 Forbidden");
                writePropstat(out, dependent, "424 Failed Dependency");
            }
            out.endResponse();
        }
    }

    /** The instructions in document order. */
    static List<PropertyPatch.Operation> operations(XmlElement root) throws DavException {
        if (!root.is(Xml.DAV, "propertyupdate")) {
            throw new DavException(400, "PROPPATCH body must be a DAV:propertyupdate element");
        }
        List<PropertyPatch.Operation> operations = new ArrayList<>();
        for (XmlElement instruction : root.elements()) {
            boolean set = instruction.is(Xml.DAV, "set");
            if (!set && !instruction.is(Xml.DAV, "remove")) {
                throw new DavException(400, "unexpected element " + instruction.name() + " in propertyupdate");
            }
            XmlElement prop = instruction.child(Xml.DAV, "prop")
                    .orElseThrow(() -> new DavException(400, "DAV:" + instruction.name() + " without DAV:prop"));
            for (XmlElement property : prop.elements()) {
                operations.add(new PropertyPatch.Operation(property.namespace(), property.name(),
                        set ? property.contentAsXml() : null));
            }
        }
        if (operations.isEmpty()) {
            throw new DavException(400, "propertyupdate names no property");
        }
        return operations;
    }

    private static boolean isProtected(PropertyPatch.Operation op) {
        return LiveProperties.isProtected(new PropertyName(op.namespace(), op.name()));
    }

    /** The last {@code Win32LastModifiedTime} set by the patch, if it is a valid HTTP date. */
    private static Instant newModified(List<PropertyPatch.Operation> operations) {
        Instant modified = null;
        for (PropertyPatch.Operation op : operations) {
            if (!op.isRemove() && WINDOWS.equals(op.namespace()) && "Win32LastModifiedTime".equals(op.name())) {
                Instant parsed = HttpDates.parseHttp(op.value());
                if (parsed != null) {
                    modified = parsed;
                }
            }
        }
        return modified;
    }

    private static void writePropstat(MultistatusWriter out, List<PropertyPatch.Operation> ops, String status)
            throws IOException {
        if (ops.isEmpty()) {
            return;
        }
        out.startPropstat();
        for (PropertyPatch.Operation op : ops) {
            out.propertyXml(op.namespace(), op.name(), null);
        }
        out.endPropstat(status);
    }
}
