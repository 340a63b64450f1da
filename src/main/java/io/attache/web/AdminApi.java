package io.attache.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.attache.config.ConfigException;
import io.attache.config.Values;
import io.attache.fs.Account;
import io.attache.fs.FsException;
import io.attache.fs.Transfers;
import io.attache.fs.UploadQueue;
import io.attache.fs.UserService;
import io.attache.fs.WebSessions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The admin pages' API, for administrators only: users and quotas with the command line's rules
 * (the same {@link UserService}), store health, pending uploads and recent errors.
 */
final class AdminApi {

    private final UserService users;
    private final WebSessions sessions;
    private final UploadQueue queue;
    private final Transfers transfers;
    private final Supplier<Map<String, Object>> storeStatus;
    private final ErrorLog errors;

    AdminApi(UserService users, WebSessions sessions, UploadQueue queue, Transfers transfers,
             Supplier<Map<String, Object>> storeStatus, ErrorLog errors) {
        this.users = users;
        this.sessions = sessions;
        this.queue = queue;
        this.transfers = transfers;
        this.storeStatus = storeStatus;
        this.errors = errors;
    }

    void listUsers(Exchange ex) throws FsException, IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Account a : users.list()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", a.name());
            m.put("used", a.storedBytes());
            m.put("quota", a.quotaBytes());
            m.put("admin", a.admin());
            out.add(m);
        }
        ex.ok(Map.of("users", out));
    }

    /** {@code POST /api/admin/users {name, password, quota?, admin?}}. */
    void addUser(Exchange ex) throws FsException, IOException, WebException {
        JsonNode body = ex.body();
        char[] password = Exchange.text(body, "password").toCharArray();
        try {
            Account a = users.add(Exchange.text(body, "name"), password, quota(Exchange.optText(body, "quota")),
                    body.path("admin").booleanValue());
            ex.json(201, Map.of("name", a.name()));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * {@code POST /api/admin/users/remove {name}}: removes the user as the command line does: the
     * login stops at once, their files stay restorable for the trash retention.
     */
    void removeUser(Exchange ex) throws FsException, IOException, WebException {
        String name = Exchange.text(ex.body(), "name");
        if (name.equals(ex.session().userName())) {
            throw new WebException(409, "you cannot remove yourself");
        }
        if (users.remove(name, false) == UserService.Removal.NO_SUCH_USER) {
            throw new FsException.NotFound("no user " + name);
        }
        sessions.closeAllOf(name);
        ex.ok(Map.of());
    }

    /** {@code POST /api/admin/users/password {name, password}}: signs the user out everywhere. */
    void setPassword(Exchange ex) throws FsException, IOException, WebException {
        JsonNode body = ex.body();
        String name = Exchange.text(body, "name");
        char[] password = Exchange.text(body, "password").toCharArray();
        try {
            if (!users.setPassword(name, password)) {
                throw new FsException.NotFound("no user " + name);
            }
        } finally {
            Arrays.fill(password, '\0');
        }
        if (!name.equals(ex.session().userName())) {
            sessions.closeAllOf(name);
        }
        ex.ok(Map.of());
    }

    /** {@code POST /api/admin/users/quota {name, quota}}: a size such as 50GiB, or none. */
    void setQuota(Exchange ex) throws FsException, IOException, WebException {
        JsonNode body = ex.body();
        String name = Exchange.text(body, "name");
        if (!users.setQuota(name, quota(Exchange.optText(body, "quota")))) {
            throw new FsException.NotFound("no user " + name);
        }
        ex.ok(Map.of());
    }

    /** {@code GET /api/admin/status}: the store's health, uploads and the write-back queue. */
    void status(Exchange ex) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", storeStatus.get());
        out.put("uploadsReceiving", transfers.activeCount());
        out.put("writeBack", queue.writeBack());
        out.put("queue", queue.snapshot(null));
        ex.ok(out);
    }

    void errors(Exchange ex) throws IOException {
        ex.ok(Map.of("events", errors.recent()));
    }

    private static Long quota(String value) throws WebException {
        if (value == null || value.equalsIgnoreCase("none")) {
            return null;
        }
        try {
            return Values.size("quota", value);
        } catch (ConfigException e) {
            throw new WebException(400, e.getMessage());
        }
    }
}
