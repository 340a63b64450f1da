package io.attache.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.attache.fs.DavPath;
import io.attache.fs.FsException;
import io.attache.fs.ShareLinks;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The signed-in user's share links: create, list, revoke. Opening a link is {@link SharedAccess}. */
final class ShareApi {

    private final ShareLinks links;

    ShareApi(ShareLinks links) {
        this.links = links;
    }

    /** {@code POST /api/shares {path, password?, expires? (epoch ms)}}: the answer holds the link, shown once. */
    void create(Exchange ex) throws FsException, IOException, WebException {
        JsonNode body = ex.body();
        DavPath path = DavPath.ofDecoded(Exchange.text(body, "path"));
        String password = Exchange.optText(body, "password");
        JsonNode expires = body.get("expires");
        Instant expiresAt = expires == null || expires.isNull() ? null : Instant.ofEpochMilli(expires.asLong());
        ShareLinks.Created created = links.create(ex.session().userId(), path,
                password == null ? null : password.toCharArray(), expiresAt);
        Map<String, Object> out = view(created.link());
        out.put("url", "/s/" + created.token());
        ex.json(201, out);
    }

    void list(Exchange ex) throws FsException, IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ShareLinks.Link link : links.list(ex.session().userId())) {
            out.add(view(link));
        }
        ex.ok(Map.of("links", out));
    }

    /** {@code POST /api/shares/revoke {id}}. */
    void revoke(Exchange ex) throws FsException, IOException, WebException {
        JsonNode id = ex.body().get("id");
        if (id == null || !id.canConvertToLong()) {
            throw new WebException(400, "\"id\" is missing");
        }
        links.revoke(ex.session().userId(), id.longValue());
        ex.ok(Map.of());
    }

    private static Map<String, Object> view(ShareLinks.Link link) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", link.id());
        m.put("path", link.path() == null ? null : link.path().toString());
        m.put("trashed", link.path() == null);
        m.put("folder", link.folder());
        m.put("password", link.hasPassword());
        m.put("expires", link.expiresAt() == null ? null : link.expiresAt().toEpochMilli());
        m.put("created", link.createdAt().toEpochMilli());
        m.put("bytesServed", link.bytesServed());
        return m;
    }
}
