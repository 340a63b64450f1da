package io.attache.bench;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import java.nio.charset.StandardCharsets;

/**
 * The platform's floor for small uploads: Jetty 12 alone on 127.0.0.1, with the same defaults
 * Attaché starts from, and one handler that reads each request's body whole, keeps nothing and
 * answers 201 (207 with an empty multistatus to PROPFIND, so the benchmark sees it is up). No
 * authentication, no WebDAV, no encryption, no disk, no database: what any Jetty-based server
 * pays per request before it does its own work, measured with the same load client.
 *
 * <pre>JettyFloor PORT</pre>
 */
public final class JettyFloor {

    private static final byte[] EMPTY_MULTISTATUS = ("<?xml version=\"1.0\" encoding=\"utf-8\"?>"
            + "<D:multistatus xmlns:D=\"DAV:\"/>").getBytes(StandardCharsets.UTF_8);

    private JettyFloor() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Content.Source.asByteBuffer(request);
                boolean propfind = request.getMethod().equals("PROPFIND");
                byte[] body = propfind ? EMPTY_MULTISTATUS : new byte[0];
                response.setStatus(propfind ? 207 : 201);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                response.write(true, java.nio.ByteBuffer.wrap(body), callback);
                return true;
            }
        });
        server.start();
        server.join();
    }
}
