package io.attache.server;

import io.attache.config.Limits;
import io.attache.config.Values;
import io.attache.dav.DavEngine;
import io.attache.fs.FileService;
import io.attache.fs.StagedBlobs;
import io.attache.fs.UserService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.jetty12.server.TimedHandler;
import jakarta.servlet.http.HttpServlet;
import io.attache.fs.HealthCheck;
import io.attache.fs.LoginDefence;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.RequestLogWriter;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.EnumSet;
import java.util.function.Supplier;

import java.net.BindException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The embedded Jetty server: an HTTP connector, optionally an HTTPS one, and one servlet at the
 * root. Jetty is configured for WebDAV rather than for web forms: only POST bodies are parsed as
 * forms (a PUT declared as {@code application/x-www-form-urlencoded} must reach the file intact),
 * request paths reach the servlet as sent (see {@link #PATHS_AS_SENT}), and what Jetty itself
 * refuses is answered in plain text.
 *
 * <p>The web app and /metrics have connectors of their own; each connector's name picks its
 * context ({@code @dav}, {@code @web}, {@code @metrics}), so the web app never answers on the
 * WebDAV address and the other way round.
 *
 * <p>In front of every context: minimum transfer rates ({@link TransferGuard}); in front of the
 * WebDAV servlet: {@code /health}, authentication and the per-user request limit
 * ({@link Gatekeeper}). The connectors close connections beyond the limit per client address,
 * and stop accepting at the limit for the whole server.
 */
public final class AttacheServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AttacheServer.class);
    private static final long IDLE_TIMEOUT_MS = 120_000;
    private static final String DAV = "dav";
    private static final String WEB = "web";
    private static final String METRICS = "metrics";
    private static final String CLUSTER = "cluster";

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
    private final ContextHandlerCollection contexts = new ContextHandlerCollection();
    private ServerConnector plain;
    private ServerConnector secure;
    private ServerConnector web;
    private ServletContextHandler webContext;
    private MeterRegistry metrics;
    private long startedAt;
    private Runnable beforeStop = () -> { };
    private final ClusterHandler cluster;
    private ServerConnector clusterConnector;

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
        http.setUriCompliance(PATHS_AS_SENT);
        http.setRequestHeaderSize(32 * 1024);

        ServletContextHandler context = new ServletContextHandler("/");
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        context.addServlet(new ServletHolder("attache", new DavServlet(engine, files)), "/*");
        Set<String> authenticated = new HashSet<>(engine.methods());
        authenticated.remove("OPTIONS");
        UserGate gate = new UserGate(limits.maxRequestsPerUser(), WAITING_PER_ACTIVE * limits.maxRequestsPerUser(), MAX_WAIT);
        context.insertHandler(new Gatekeeper(null, logins, gate, health, authenticated));
        context.setVirtualHosts(List.of("@" + DAV));
        contexts.addHandler(context);
        cluster = new ClusterHandler(contexts);
        server.setHandler(new TransferGuard(cluster, limits.minDataRate(), limits.minDataRateGrace()));
        server.setErrorHandler(new PlainErrorHandler());
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), server));
        server.setStopTimeout(10_000);
    }

    /** Serves the web app on {@code listen} (plain HTTP), and over HTTPS on {@code tlsListen} when not null. */
    public AttacheServer web(Values.Listen listen, Values.Listen tlsListen, TlsKeys keys, HttpServlet app,
                             Runnable beforeStop) {
        this.beforeStop = beforeStop;
        webContext = new ServletContextHandler("/");
        webContext.addServlet(new ServletHolder("web", app), "/*");
        webContext.setVirtualHosts(List.of("@" + WEB));
        contexts.addHandler(webContext);
        if (listen != null) {
            web = connector(listen, WEB, new HttpConnectionFactory(http));
        }
        if (tlsListen != null) {
            connector(tlsListen, WEB, tls(keys), new HttpConnectionFactory(httpsConfiguration()));
        }
        return this;
    }

    /**
     * Instruments the server into {@code registry} (requests by method, status and outcome with a
     * latency histogram; the thread pool) and serves the registry's Prometheus text as /metrics: on
     * the web app's address to requests bearing {@code token} (when not null), and to anyone on
     * {@code metricsListen} (when not null), an address meant for the monitoring system only.
     */
    public AttacheServer metrics(MeterRegistry registry, Supplier<String> scrape, String token,
                                 Values.Listen metricsListen) {
        this.metrics = registry;
        new JettyServerThreadPoolMetrics(server.getThreadPool(), List.of()).bindTo(registry);
        if (token != null && webContext != null) {
            webContext.addServlet(new ServletHolder("metrics", new MetricsServlet(scrape, token)), "/metrics");
        }
        if (metricsListen != null) {
            ServletContextHandler context = new ServletContextHandler("/");
            context.addServlet(new ServletHolder("metrics", new MetricsServlet(scrape, null)), "/metrics");
            context.setVirtualHosts(List.of("@" + METRICS));
            contexts.addHandler(context);
            connector(metricsListen, METRICS, new HttpConnectionFactory(http));
        }
        return this;
    }

    /** Writes an NCSA combined log line per request to {@code file}, or to stderr for {@link io.attache.config.WebSettings#STDERR}. */
    public AttacheServer requestLog(Path file, boolean stderr) {
        RequestLogWriter writer = stderr ? new RequestLogWriter() : new RequestLogWriter(file.toString());
        writer.setAppend(true);
        writer.setRetainDays(0);
        server.setRequestLog(new CustomRequestLog(writer, CustomRequestLog.EXTENDED_NCSA_FORMAT));
        return this;
    }

    /** Serves plain HTTP on {@code listen}. */
    public AttacheServer http(Values.Listen listen) {
        plain = connector(listen, DAV, new HttpConnectionFactory(http));
        return this;
    }

    /**
     * Serves HTTPS on {@code listen}. The host name a client asks for is not checked against the
     * certificate (SNI host check off): clients reach a home server by IP address as often as by name.
     */
    public AttacheServer https(Values.Listen listen, TlsKeys keys) {
        secure = connector(listen, DAV, tls(keys), new HttpConnectionFactory(httpsConfiguration()));
        return this;
    }

    /** Serves this node's staged blobs to the other nodes of its cluster on {@code listen} (see {@link ClusterHandler}). */
    public AttacheServer cluster(Values.Listen listen, StagedBlobs blobs) {
        clusterConnector = connector(listen, CLUSTER, new HttpConnectionFactory(new HttpConfiguration()));
        cluster.serve(clusterConnector, blobs);
        return this;
    }

    /** The cluster listener's port actually bound, or -1 without one. */
    public int clusterPort() {
        return clusterConnector == null ? -1 : clusterConnector.getLocalPort();
    }

    private static SslConnectionFactory tls(TlsKeys keys) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keys.keyStore());
        tls.setKeyStorePassword(keys.password());
        return new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString());
    }

    private HttpConfiguration httpsConfiguration() {
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer(false));
        return https;
    }

    private ServerConnector connector(Values.Listen listen, String name, org.eclipse.jetty.server.ConnectionFactory... factories) {
        ServerConnector connector = new ServerConnector(server, factories);
        connector.setName(name);
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
        if (metrics != null) {
            // Outermost, so that every request is timed, whichever context answers it.
            TimedHandler timed = new TimedHandler(metrics, List.of(), new RequestTags());
            timed.setHandler(server.getHandler());
            server.setHandler(timed);
        }
        startServer();
        startedAt = System.nanoTime();
        List<String> bound = new ArrayList<>();
        for (org.eclipse.jetty.server.Connector c : server.getConnectors()) {
            if (c instanceof ServerConnector sc) {
                String scheme = sc.getConnectionFactory(SslConnectionFactory.class) != null ? "https" : "http";
                String host = sc.getHost() == null ? "0.0.0.0" : sc.getHost();
                bound.add(sc.getName() + " " + scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                        + sc.getLocalPort() + "/");
            }
        }
        log.info("Attaché started: {}", String.join(", ", bound));
    }

    private void startServer() throws Exception {
        try {
            server.start();
        } catch (java.io.IOException e) {
            BindException bind = bindFailure(e);
            if (bind == null) {
                throw e;
            }
            server.stop();
            // Stopped, every connector is closed: the one to name is the one whose address is taken.
            ServerConnector failed = plain;
            for (org.eclipse.jetty.server.Connector c : server.getConnectors()) {
                if (c instanceof ServerConnector sc && sc.getPort() > 0 && !canBind(sc.getHost(), sc.getPort())) {
                    failed = sc;
                    break;
                }
            }
            String setting = settingOf(failed);
            String address = (failed.getHost() == null ? "0.0.0.0" : failed.getHost()) + ":" + failed.getPort();
            String reason = bind.getMessage() == null ? "cannot bind" : bind.getMessage().toLowerCase(java.util.Locale.ROOT);
            throw new java.io.IOException("cannot listen on " + address + " (setting '" + setting + "'): " + reason, e);
        }
    }

    /** True when {@code host:port} can be listened on now, as Jetty would (reusing the address). */
    private static boolean canBind(String host, int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(host == null ? new java.net.InetSocketAddress(port) : new java.net.InetSocketAddress(host, port));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The setting that configured a connector, for error messages. */
    private static String settingOf(ServerConnector connector) {
        boolean tls = connector.getConnectionFactory(SslConnectionFactory.class) != null;
        return switch (connector.getName()) {
            case WEB -> tls ? "web-tls-listen" : "web-listen";
            case METRICS -> "metrics-listen";
            case CLUSTER -> "cluster-listen";
            default -> tls ? "tls-listen" : "listen";
        };
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

    /** The web app's port actually bound, or -1 without it. */
    public int webPort() {
        return web == null ? -1 : web.getLocalPort();
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
        beforeStop.run();
        server.stop();
        if (startedAt != 0) {
            log.info("Attaché stopped after {} s", (System.nanoTime() - startedAt) / 1_000_000_000);
            startedAt = 0;
        }
    }
}
