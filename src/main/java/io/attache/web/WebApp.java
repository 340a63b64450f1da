package io.attache.web;

import io.attache.fs.FileService;
import io.attache.fs.LoginDefence;
import io.attache.fs.ShareLinks;
import io.attache.fs.TrashBin;
import io.attache.fs.UploadQueue;
import io.attache.fs.UserService;
import io.attache.fs.WebSessions;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServlet;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The browser face of Attaché, built from the file system's services: a file manager for
 * signed-in users, share links for anyone who has one, live transfers and the admin pages. The
 * server mounts {@link #servlet()} on its own listen address, so that the app and the WebDAV face
 * (whose files a browser might render) are different origins.
 */
public final class WebApp {

    /** Failed share-link attempts one address may make per window before it must wait. */
    static final int SHARE_GUESS_BUDGET = 20;
    static final long SHARE_GUESS_WINDOW_MILLIS = TimeUnit.MINUTES.toMillis(5);

    private final WebServlet servlet;
    private final TransfersApi transfers;

    /**
     * @param storeStatus the store's health for the admin pages, as name/value pairs
     * @param metrics     where share-link traffic is counted
     */
    public WebApp(FileService files, UserService users, LoginDefence logins, TrashBin trash, ShareLinks shares, WebSessions sessions,
                  UploadQueue queue,
                  Supplier<Map<String, Object>> storeStatus, ErrorLog errors, MeterRegistry metrics, Clock clock) {
        AddressThrottle throttle = new AddressThrottle(clock, SHARE_GUESS_BUDGET, SHARE_GUESS_WINDOW_MILLIS);
        this.servlet = new WebServlet(users, logins, sessions, new Assets(), new FilesApi(files), new TrashApi(trash),
                new ShareApi(shares), new SharedAccess(shares, files, throttle, clock, metrics),
                transfers = new TransfersApi(files.transfers(), queue),
                new AdminApi(users, sessions, queue, files.transfers(), storeStatus, errors));
    }

    public HttpServlet servlet() {
        return servlet;
    }

    /** Ends the live views' event streams; the server calls it first when it stops. */
    public void stop() {
        transfers.close();
    }
}
