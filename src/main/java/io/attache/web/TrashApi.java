package io.attache.web;

import io.attache.fs.FsException;
import io.attache.fs.TrashBin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The signed-in user's trash: list, restore, delete one item for good, empty. */
final class TrashApi {

    private final TrashBin trash;

    TrashApi(TrashBin trash) {
        this.trash = trash;
    }

    void list(Exchange ex) throws FsException, IOException {
        List<Map<String, Object>> items = new ArrayList<>();
        for (TrashBin.Entry e : trash.listOwn(ex.session().userId())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("path", e.originalPath());
            m.put("folder", e.folder());
            m.put("size", e.sizeBytes());
            m.put("deleted", e.deletedAt().toEpochMilli());
            items.add(m);
        }
        ex.ok(Map.of("enabled", trash.enabled(), "items", items));
    }

    void restore(Exchange ex) throws FsException, IOException, WebException {
        long id = id(ex);
        ex.ok(Map.of("path", trash.restoreOwn(ex.session().userId(), id).toString()));
    }

    void delete(Exchange ex) throws FsException, IOException, WebException {
        trash.deleteOwn(ex.session().userId(), id(ex));
        ex.ok(Map.of());
    }

    void empty(Exchange ex) throws FsException, IOException {
        ex.ok(Map.of("removed", trash.emptyOwn(ex.session().userId())));
    }

    private static long id(Exchange ex) throws WebException, IOException {
        var node = ex.body().get("id");
        if (node == null || !node.canConvertToLong()) {
            throw new WebException(400, "\"id\" is missing");
        }
        return node.longValue();
    }
}
