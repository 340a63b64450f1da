package io.attache.dav;

import io.attache.fs.Drive;
import io.attache.fs.Entry;
import io.attache.fs.FsException;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** The answer to GET on a folder: a plain HTML list of its children, streamed page by page. */
final class FolderIndex {

    private FolderIndex() {
    }

    static void send(DavExchange ex, Drive drive, Entry folder) throws FsException, IOException {
        ex.status(200);
        ex.aboutCollection(folder.path());
        ex.contentType("text/html;charset=utf-8");
        ex.setHeader("Last-Modified", HttpDates.http(folder.modified()));
        if ("HEAD".equals(ex.method())) {
            return;
        }
        Writer out = new BufferedWriter(new OutputStreamWriter(ex.output(), StandardCharsets.UTF_8));
        String title = Xml.escapeText(folder.path().toString());
        out.write("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title
                + "</title></head><body><h1>" + title + "</h1><ul>\n");
        if (!folder.path().isRoot()) {
            // Absolute, like the children's links: "../" from /a/b (no slash) would lead to /.
            out.write("<li><a href=\"" + Xml.escapeText(folder.path().parent().encoded(true)) + "\">../</a></li>\n");
        }
        int pageSize = ex.settings().propfindPageSize();
        String after = null;
        do {
            Drive.Page page = drive.list(folder, after, pageSize, false);
            for (Entry child : page.entries()) {
                String label = Xml.escapeText(child.name() + (child.folder() ? "/" : ""));
                out.write("<li><a href=\"" + Xml.escapeText(child.href()) + "\">" + label + "</a>"
                        + (child.folder() ? "" : " " + child.size() + " bytes") + "</li>\n");
            }
            after = page.more() ? page.last() : null;
        } while (after != null);
        out.write("</ul></body></html>\n");
        out.flush();
    }
}
