package io.attache.dav;

import io.attache.fs.DavPath;
import io.attache.fs.Drive;
import io.attache.fs.FsException;
import io.milton.http.Request;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One request as the handlers see it: the servlet request and response, the authenticated user's
 * drive, and the request path parsed once. Created by the server for every request and carried to
 * the Milton handlers in the Milton request's attributes.
 */
public final class DavExchange {

    private static final String ATTRIBUTE = DavExchange.class.getName();
    /** The most of an unread request body read and dropped to keep a connection open after an early answer. */
    private static final long DRAIN_LIMIT = 64 * 1024;

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private Drive drive;
    private final DavPath path;
    private final boolean trailingSlash;
    private final DavSettings settings;
    private RequestBody body;
    private Throwable abortedBy;

    public DavExchange(HttpServletRequest request, HttpServletResponse response, Drive drive, DavPath path,
                       DavSettings settings) {
        this.request = request;
        this.response = response;
        this.drive = drive;
        this.path = path;
        this.trailingSlash = request.getRequestURI().endsWith("/");
        this.settings = settings;
    }

    /** Parses the request path; a path that is not a valid name sequence is a 400. */
    public static DavPath pathOf(HttpServletRequest request) throws FsException.BadRequest {
        return DavPath.parse(request.getRequestURI());
    }

    public void attachTo(Request miltonRequest) {
        miltonRequest.getAttributes().put(ATTRIBUTE, this);
    }

    static DavExchange of(Request miltonRequest) {
        Object exchange = miltonRequest.getAttributes().get(ATTRIBUTE);
        if (exchange == null) {
            throw new IllegalStateException("request did not come through the Attaché servlet");
        }
        return (DavExchange) exchange;
    }

    public String method() {
        return request.getMethod();
    }

    public Drive drive() {
        if (drive == null) {
            throw new IllegalStateException(method() + " reached a handler without authentication");
        }
        return drive;
    }

    public DavPath path() {
        return path;
    }

    public boolean trailingSlash() {
        return trailingSlash;
    }

    /**
     * Marks the response as one about the collection {@code folder}: when the request named it
     * without its trailing slash, {@code Content-Location} gives the URL with it (RFC 4918 section
     * 5.2), so that a client does not take the folder for a file. No redirect: Windows and Finder
     * do not follow one for PROPFIND.
     */
    void aboutCollection(DavPath folder) {
        if (!trailingSlash) {
            response.setHeader("Content-Location", folder.encoded(true));
        }
    }

    /** From now on the drive acts with these lock tokens, submitted by the request's If header. */
    void submitLockTokens(java.util.Set<String> tokens) {
        drive = drive().withLockTokens(tokens);
    }

    public DavSettings settings() {
        return settings;
    }

    public String header(String name) {
        return request.getHeader(name);
    }

    public HttpServletRequest servletRequest() {
        return request;
    }

    /**
     * The request body. The servlet stream is opened on the first read, not before: opening it is
     * what answers {@code Expect: 100-continue}, and a request refused before its body is needed
     * must not invite the client to send it.
     */
    public InputStream body() {
        if (body == null) {
            body = new RequestBody();
        }
        return body;
    }

    /** True when the request announces a body (a length above zero, or chunked transfer). */
    public boolean hasBody() {
        long length = request.getContentLengthLong();
        return length > 0 || (length < 0 && request.getHeader("Transfer-Encoding") != null);
    }

    public void status(int status) {
        response.setStatus(status);
    }

    public void setHeader(String name, String value) {
        response.setHeader(name, value);
    }

    public void addHeader(String name, String value) {
        response.addHeader(name, value);
    }

    public void contentType(String type) {
        response.setContentType(type);
    }

    public void contentLength(long length) {
        response.setContentLengthLong(length);
    }

    public OutputStream output() throws IOException {
        return response.getOutputStream();
    }

    public boolean committed() {
        return response.isCommitted();
    }

    /** Sends a status with a short plain-text explanation. */
    public void sendText(int status, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        settleUnreadBody();
        response.setStatus(status);
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(body.length);
        if (!"HEAD".equals(method())) {
            response.getOutputStream().write(body);
        }
    }

    /** Sends a status with an RFC 4918 {@code DAV:error} body naming the failed precondition. */
    public void sendCondition(int status, String condition) throws IOException {
        sendError(status, "<D:" + condition + "/>");
    }

    /** Sends a status with a {@code DAV:error} body holding {@code innerXml}. */
    public void sendError(int status, String innerXml) throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:error xmlns:D=\"DAV:\">" + innerXml
                + "</D:error>").getBytes(StandardCharsets.UTF_8);
        settleUnreadBody();
        response.setStatus(status);
        response.setContentType("application/xml;charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * Before an answer that commits while the client may still be sending a body we did not read:
     * a small rest is read and dropped, so the connection stays usable; for a larger one the
     * answer says {@code Connection: close}. Otherwise the end of the exchange would race with
     * the body's arrival: Jetty closes a connection whose body is still incomplete then, without
     * being able to tell a client that already has a complete, keep-alive answer in hand, and the
     * client's next request on it finds the connection gone. A body that was never invited (an
     * {@code Expect: 100-continue} not yet answered) is not coming, and needs neither.
     */
    private void settleUnreadBody() {
        if (!hasBody() || (body != null && body.ended)) {
            return;
        }
        if (body != null && body.broken) {
            response.setHeader("Connection", "close");
            return;
        }
        boolean invited = body != null && body.in != null
                || !"100-continue".equalsIgnoreCase(String.valueOf(request.getHeader("Expect")).trim());
        if (!invited) {
            return;
        }
        long length = request.getContentLengthLong();
        long unread = length < 0 ? -1 : length - (body == null ? 0 : body.read);
        if (unread >= 0 && unread <= DRAIN_LIMIT) {
            try {
                body().transferTo(OutputStream.nullOutputStream());
                return;
            } catch (IOException e) {
                // the client went away or sent garbage: closing below is all that is left
            }
        }
        response.setHeader("Connection", "close");
    }

    /**
     * The request body could not be read: its framing is malformed (a bad chunk) or it ended
     * before its announced length. The client's fault, answered 400 when still possible.
     */
    static final class BrokenBodyException extends IOException {
        BrokenBodyException(IOException cause) {
            super("the request body is malformed or ended early: " + cause.getMessage(), cause);
        }
    }

    /** The servlet request's body, opened on first use; counts what was read and whether it ended. */
    private final class RequestBody extends InputStream {
        private InputStream in;
        private long read;
        private boolean ended;
        private boolean broken;

        private InputStream in() throws IOException {
            if (in == null) {
                in = request.getInputStream();
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            try {
                n = in().read(buffer, offset, length);
            } catch (BrokenBodyException e) {
                throw e;
            } catch (IOException e) {
                broken = true;
                throw new BrokenBodyException(e);
            }
            if (n < 0) {
                ended = true;
            } else {
                read += n;
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return in == null ? 0 : in.available();
        }
    }

    /** Marks the response as broken after it was committed: the server must cut the connection. */
    void abort(Throwable cause) {
        this.abortedBy = cause;
    }

    public Throwable abortedBy() {
        return abortedBy;
    }
}
