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

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private Drive drive;
    private final DavPath path;
    private final boolean trailingSlash;
    private final DavSettings settings;
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

    public InputStream body() throws IOException {
        return request.getInputStream();
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
        response.setStatus(status);
        response.setContentType("application/xml;charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Marks the response as broken after it was committed: the server must cut the connection. */
    void abort(Throwable cause) {
        this.abortedBy = cause;
    }

    public Throwable abortedBy() {
        return abortedBy;
    }
}
