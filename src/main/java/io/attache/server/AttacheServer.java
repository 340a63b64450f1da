package io.attache.server;

import io.attache.config.Values;
import io.attache.dav.DavEngine;
import io.attache.fs.FileService;
import io.attache.fs.StagedBlobs;
import io.attache.fs.UserService;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.util.EnumSet;

/**
 * The embedded Jetty server: an HTTP connector, optionally an HTTPS one, and one servlet at the
 * root. Jetty is configured for WebDAV rather than for web forms: only POST bodies are parsed as
 * forms (a PUT declared as {@code application/x-www-form-urlencoded} must reach the file intact),
 * request paths reach the servlet as sent (see {@link #PATHS_AS_SENT}), and what Jetty itself
 * refuses is answered in plain text.
 */
public final class AttacheServer implements AutoCloseable {

    private static final long IDLE_TIMEOUT_MS = 120_000;

    /**
     * Every path violation Jetty knows is allowed, so that request paths reach the servlet as
     * sent. Jetty's default refuses with an empty 400 what a file name may hold on Linux and macOS
     * ({@code %5C}, {@code %01}-{@code %1F}, {@code %7F}) and what clients send by mistake
     * ({@code //}). The servlet never uses Jetty's decoded path: it parses the raw one once with
     * {@link io.attache.fs.DavPath}, the parser of the Destination header too, which refuses what
     * no name may be ({@code %2F}, {@code ..}, bad UTF-8) with a 400 that says why. Only
     * {@code %00} and broken {@code %} escapes Jetty's URI parser refuses itself, answered by
     * {@link PlainErrorHandler}.
     */
    static final UriCompliance PATHS_AS_SENT = UriCompliance.from(EnumSet.of(
            UriCompliance.Violation.AMBIGUOUS_PATH_SEGMENT,
            UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT,
            UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
            UriCompliance.Violation.AMBIGUOUS_PATH_PARAMETER,
            UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
            UriCompliance.Violation.UTF16_ENCODINGS,
            UriCompliance.Violation.BAD_UTF8_ENCODING,
            UriCompliance.Violation.TRUNCATED_UTF8_ENCODING,
            UriCompliance.Violation.BAD_PERCENT_ENCODING,
            UriCompliance.Violation.SUSPICIOUS_PATH_CHARACTERS,
            UriCompliance.Violation.ILLEGAL_PATH_CHARACTERS));

    private final Server server;
    private final HttpConfiguration http;
    private final ClusterHandler cluster;
    private ServerConnector plain;
    private ServerConnector secure;
    private ServerConnector clusterConnector;

    public AttacheServer(DavEngine engine, FileService files, UserService users) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("attache-http");
        this.server = new Server(threads);

        http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setFormEncodedMethods("POST");
        http.setUriCompliance(PATHS_AS_SENT);
        http.setRequestHeaderSize(32 * 1024);

        ServletContextHandler context = new ServletContextHandler("/");
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        context.addServlet(new ServletHolder("attache", new DavServlet(engine, files, users)), "/*");
        cluster = new ClusterHandler(context);
        server.setHandler(cluster);
        server.setErrorHandler(new PlainErrorHandler());
        server.setStopTimeout(10_000);
    }

    /** Serves plain HTTP on {@code listen}. */
    public AttacheServer http(Values.Listen listen) {
        plain = connector(listen, new HttpConnectionFactory(http));
        return this;
    }

    /**
     * Serves HTTPS on {@code listen}. The host name a client asks for is not checked against the
     * certificate (SNI host check off): clients reach a home server by IP address as often as by name.
     */
    public AttacheServer https(Values.Listen listen, TlsKeys keys) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keys.keyStore());
        tls.setKeyStorePassword(keys.password());
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer(false));
        secure = connector(listen, new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(https));
        return this;
    }

    /** Serves this node's staged blobs to the other nodes of its cluster on {@code listen} (see {@link ClusterHandler}). */
    public AttacheServer cluster(Values.Listen listen, StagedBlobs blobs) {
        clusterConnector = connector(listen, new HttpConnectionFactory(new HttpConfiguration()));
        cluster.serve(clusterConnector, blobs);
        return this;
    }

    /** The cluster listener's port actually bound, or -1 without one. */
    public int clusterPort() {
        return clusterConnector == null ? -1 : clusterConnector.getLocalPort();
    }

    private ServerConnector connector(Values.Listen listen, org.eclipse.jetty.server.ConnectionFactory... factories) {
        ServerConnector connector = new ServerConnector(server, factories);
        connector.setHost(listen.host());
        connector.setPort(listen.port());
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        server.addConnector(connector);
        return connector;
    }

    public void start() throws Exception {
        server.start();
    }

    /** The HTTP port actually bound (useful when the configured port is 0). */
    public int port() {
        return plain.getLocalPort();
    }

    /** The HTTPS port actually bound, or -1 without HTTPS. */
    public int tlsPort() {
        return secure == null ? -1 : secure.getLocalPort();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
