package io.attache.server;

import io.attache.config.Values;
import io.attache.dav.DavEngine;
import io.attache.fs.FileService;
import io.attache.fs.UserService;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The embedded Jetty server: one HTTP connector and one servlet at the root. Jetty is configured
 * for WebDAV rather than for web forms: only POST bodies are parsed as forms (a PUT declared as
 * {@code application/x-www-form-urlencoded} must reach the file intact), and {@code %25} is
 * allowed in paths so that names containing '%' work.
 */
public final class AttacheServer implements AutoCloseable {

    private static final long IDLE_TIMEOUT_MS = 120_000;

    private final Server server;
    private final ServerConnector connector;

    public AttacheServer(Values.Listen listen, DavEngine engine, FileService files, UserService users) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("attache-http");
        this.server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setFormEncodedMethods("POST");
        http.setUriCompliance(UriCompliance.DEFAULT.with("attache", UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        http.setRequestHeaderSize(32 * 1024);

        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(listen.host());
        connector.setPort(listen.port());
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        context.addServlet(new ServletHolder("attache", new DavServlet(engine, files, users)), "/*");
        server.setHandler(context);
        server.setStopTimeout(10_000);
    }

    public void start() throws Exception {
        server.start();
    }

    /** The port actually bound (useful when the configured port is 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
