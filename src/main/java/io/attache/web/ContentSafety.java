package io.attache.web;

import jakarta.servlet.http.HttpServletResponse;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * The headers every piece of user content leaves with, through the app or a share link: the
 * browser must take the declared type as it is ({@code nosniff}), and a type that can run script
 * in a browser (HTML, SVG, XML, JavaScript; PDF unless it is shown in the app's preview) is sent
 * as a download inside a sandbox, so that it can never act in this origin even when a browser
 * renders it anyway.
 */
final class ContentSafety {

    /** Types a browser renders as active documents; a parameter such as charset is ignored. */
    private static final Set<String> ACTIVE = Set.of("text/html", "application/xhtml+xml", "image/svg+xml",
            "text/xml", "application/xml", "text/javascript", "application/javascript", "application/x-javascript",
            "text/ecmascript", "application/ecmascript", "application/pdf", "text/xsl", "application/xslt+xml",
            "multipart/x-mixed-replace");

    private ContentSafety() {
    }

    static boolean isActive(String contentType) {
        String base = baseType(contentType);
        return ACTIVE.contains(base) || base.endsWith("+xml");
    }

    /**
     * Sets the safety headers for a response carrying {@code contentType} named {@code fileName}.
     *
     * @param preview true when the app shows it inline (image, audio, video, text as text, PDF in
     *                its viewer); false for a download
     */
    static void apply(HttpServletResponse response, String contentType, String fileName, boolean preview) {
        response.setHeader("X-Content-Type-Options", "nosniff");
        boolean pdfPreview = preview && "application/pdf".equals(baseType(contentType));
        if (isActive(contentType) && !pdfPreview) {
            response.setHeader("Content-Security-Policy", "sandbox");
            response.setHeader("Content-Disposition", disposition("attachment", fileName));
        } else {
            // A previewed PDF goes to the browser's own viewer, which does not open in a sandbox
            // and runs no script of the document in this origin.
            response.setHeader("Content-Disposition", disposition(preview ? "inline" : "attachment", fileName));
        }
    }

    /** RFC 6266 with an RFC 8187 UTF-8 name, and a plain ASCII fallback for old clients. */
    static String disposition(String kind, String fileName) {
        String name = fileName == null || fileName.isEmpty() ? "download" : fileName;
        StringBuilder ascii = new StringBuilder();
        for (char c : name.toCharArray()) {
            ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
        }
        StringBuilder encoded = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (Character.isLetterOrDigit(c) && c < 0x80 || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(String.format("%02X", c));
            }
        }
        return kind + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }

    private static String baseType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
