package io.attache.server;

import io.attache.config.Limits;
import io.attache.config.Values;
import io.attache.dav.DavEngine;
import io.attache.fs.FileService;
import io.attache.fs.HealthCheck;
import io.attache.fs.LoginDefence;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.net.BindException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The embedded Jetty server: an HTTP connector, optionally an HTTPS one, and one servlet at the
 * root. Jetty is configured for WebDAV rather than for web forms: only POST bodies are parsed as
 * forms (a PUT declared as {@code application/x-www-form-urlencoded} must reach the file intact),
 * and {@code %25} is allowed in paths so that names containing '%' work.
 *
 * <p>In front of the servlet: minimum transfer rates ({@link TransferGuard}), then
 * {@code /health}, authentication and the per-user request limit ({@link Gatekeeper}). The
 * connectors close connections beyond the limit per client address, and stop accepting at the
 * limit for the whole server.
 */
public final class AttacheServer implements AutoCloseable {

    private static final long IDLE_TIMEOUT_MS = 120_000;

    private final Server server;
    private final HttpConfiguration http;
    private ServerConnector plain;
    private ServerConnector secure;

    /** Requests of one user that may wait for one of theirs to end, per request that may run. */
    private static final int WAITING_PER_ACTIVE = 2;
    /** How long such a request waits before it is refused. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final ConnectionsPerAddress perAddress;

    public AttacheServer(DavEngine engine, FileService files, LoginDefence logins, HealthCheck health, Limits limits) {
        this.perAddress = new ConnectionsPerAddress(limits.maxConnectionsPerAddress());
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("attache-http");
        this.server = new Server(threads);

        http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setFormEncodedMethods("POST");
        http.setUriCompliance(UriCompliance.DEFAULT.with("attache", UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        http.setRequestHeaderSize(32 * 1024);

        ServletContextHandler context = new ServletContextHandler("/");
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        context.addServlet(new ServletHolder("attache", new DavServlet(engine, files)), "/*");
        Set<String> authenticated = new HashSet<>(engine.methods());
        authenticated.remove("OPTIONS");
        UserGate gate = new UserGate(limits.maxRequestsPerUser(), WAITING_PER_ACTIVE * limits.maxRequestsPerUser(), MAX_WAIT);
        Handler gatekeeper = new Gatekeeper(context, logins, gate, health, authenticated);
        server.setHandler(new TransferGuard(gatekeeper, limits.minDataRate(), limits.minDataRateGrace()));
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), server));
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

    private ServerConnector connector(Values.Listen listen, org.eclipse.jetty.server.ConnectionFactory... factories) {
        ServerConnector connector = new ServerConnector(server, factories);
        connector.setHost(listen.host());
        connector.setPort(listen.port());
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        connector.addBean(perAddress);
        server.addConnector(connector);
        return connector;
    }

    /**
     * Binds the listeners and starts serving.
     *
     * @throws java.io.IOException naming the setting and the address when one cannot be bound
     *                             (address already in use, permission denied, ...)
     */
    public void start() throws Exception {
        try {
            server.start();
        } catch (java.io.IOException e) {
            BindException bind = bindFailure(e);
            if (bind == null) {
                throw e;
            }
            server.stop();
            boolean tls = secure != null && (plain == null || plain.isOpen());
            String setting = tls ? "tls-listen" : "listen";
            ServerConnector failed = tls ? secure : plain;
            String address = (failed.getHost() == null ? "0.0.0.0" : failed.getHost()) + ":" + failed.getPort();
            String reason = bind.getMessage() == null ? "cannot bind" : bind.getMessage().toLowerCase(java.util.Locale.ROOT);
            throw new java.io.IOException("cannot listen on " + address + " (setting '" + setting + "'): " + reason, e);
        }
    }

    private static BindException bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException bind) {
                return bind;
            }
        }
        return null;
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
