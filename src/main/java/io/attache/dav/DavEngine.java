package io.attache.dav;

import io.attache.fs.DavPath;
import io.attache.fs.Drive;
import io.milton.http.AuthenticationService;
import io.milton.http.HttpManager;
import io.milton.http.ProtocolHandlers;
import io.milton.http.ResourceFactory;
import io.milton.http.StandardFilter;
import io.milton.http.entity.DefaultEntityTransport;
import io.milton.http.http11.DefaultETagGenerator;
import io.milton.http.http11.DefaultHttp11ResponseHandler;
import io.milton.http.http11.SimpleContentGenerator;
import io.milton.http.values.ValueWriters;
import io.milton.http.webdav.DefaultUserAgentHelper;
import io.milton.http.webdav.DefaultWebDavResponseHandler;
import io.milton.http.webdav.PropFindXmlGenerator;
import io.milton.http.webdav.WebDavResourceTypeHelper;
import io.milton.servlet.ServletRequest;
import io.milton.servlet.ServletResponse;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.util.List;
import java.util.Set;

/**
 * The Milton {@link HttpManager}, wired by hand with only what Attaché uses: its request model,
 * filter chain and per-method dispatch, with {@link DavProtocol}'s handlers for every method.
 * Milton's authentication, resource factories and property machinery are left out: the server
 * authenticates before a request gets here, and the handlers resolve paths through the user's
 * {@link Drive}, so the resource factory Milton requires never resolves anything.
 */
public final class DavEngine {

    private static final ResourceFactory NO_RESOURCES = (host, path) -> null;

    private final HttpManager manager;
    private final DavSettings settings;

    public DavEngine(DavSettings settings) {
        this.settings = settings;
        AuthenticationService noAuthentication = new AuthenticationService(List.of());
        DefaultHttp11ResponseHandler http11 = new DefaultHttp11ResponseHandler(noAuthentication,
                new DefaultETagGenerator(), new SimpleContentGenerator());
        DefaultWebDavResponseHandler responses = new DefaultWebDavResponseHandler(http11,
                new WebDavResourceTypeHelper(), new PropFindXmlGenerator(new ValueWriters()));
        this.manager = new HttpManager(NO_RESOURCES, responses, new ProtocolHandlers(List.of(new DavProtocol())),
                new DefaultEntityTransport(new DefaultUserAgentHelper()), List.of(new StandardFilter()), null, List.of());
    }

    /** The methods this engine answers; anything else is refused before it reaches Milton. */
    public Set<String> methods() {
        return DavProtocol.methods();
    }

    /**
     * Handles one request for {@code drive} (null only for OPTIONS).
     *
     * @return the failure that broke a response after it was committed, or null; the caller must
     *         then cut the connection instead of completing the response
     */
    public Throwable process(HttpServletRequest request, HttpServletResponse response, ServletContext context,
                             Drive drive, DavPath path) {
        DavExchange exchange = new DavExchange(request, response, drive, path, settings);
        ServletRequest miltonRequest = new ServletRequest(request, context);
        exchange.attachTo(miltonRequest);
        manager.process(miltonRequest, new ServletResponse(response));
        return exchange.abortedBy();
    }
}
