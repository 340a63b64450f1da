package io.attache.store.discord.emulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A strict reader of multipart/form-data bodies, enough for Discord's uploads. */
final class Multipart {

    record Part(String name, String filename, String contentType, byte[] body, int offset, int length) {
        byte[] bytes() {
            return java.util.Arrays.copyOfRange(body, offset, offset + length);
        }

        String text() {
            return new String(body, offset, length, StandardCharsets.UTF_8);
        }
    }

    static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message);
        }
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]{1,70})\"?");
    private static final Pattern NAME = Pattern.compile("[; ]name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("[; ]filename=\"([^\"]*)\"");

    private Multipart() {
    }

    static String boundary(String contentType) throws MalformedException {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new MalformedException("not multipart/form-data: " + contentType);
        }
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            throw new MalformedException("no boundary in " + contentType);
        }
        return m.group(1);
    }

    static List<Part> parse(byte[] body, String boundary) throws MalformedException {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        byte[] separator = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        if (!startsWith(body, 0, delimiter)) {
            throw new MalformedException("body does not start with the boundary");
        }
        List<Part> parts = new ArrayList<>();
        int pos = delimiter.length;
        while (true) {
            if (startsWith(body, pos, "--".getBytes(StandardCharsets.US_ASCII))) {
                return parts;
            }
            if (!startsWith(body, pos, "\r\n".getBytes(StandardCharsets.US_ASCII))) {
                throw new MalformedException("boundary not followed by CRLF at " + pos);
            }
            pos += 2;
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), pos);
            if (headersEnd < 0) {
                throw new MalformedException("part headers do not end");
            }
            String headers = new String(body, pos, headersEnd - pos, StandardCharsets.UTF_8);
            int dataStart = headersEnd + 4;
            int dataEnd = indexOf(body, separator, dataStart);
            if (dataEnd < 0) {
                throw new MalformedException("part does not end with the boundary");
            }
            parts.add(part(headers, body, dataStart, dataEnd - dataStart));
            pos = dataEnd + separator.length;
        }
    }

    private static Part part(String headers, byte[] body, int offset, int length) throws MalformedException {
        String disposition = null;
        String contentType = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new MalformedException("bad part header: " + line);
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("content-disposition")) {
                disposition = value;
            } else if (name.equals("content-type")) {
                contentType = value;
            }
        }
        if (disposition == null || !disposition.startsWith("form-data")) {
            throw new MalformedException("part without form-data disposition");
        }
        Matcher name = NAME.matcher(disposition);
        if (!name.find()) {
            throw new MalformedException("part without a name");
        }
        Matcher filename = FILENAME.matcher(disposition);
        return new Part(name.group(1), filename.find() ? filename.group(1) : null, contentType, body, offset, length);
    }

    private static boolean startsWith(byte[] body, int at, byte[] prefix) {
        if (at + prefix.length > body.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] body, byte[] needle, int from) {
        byte first = needle[0];
        int last = body.length - needle.length;
        for (int i = from; i <= last; i++) {
            if (body[i] == first && startsWith(body, i, needle)) {
                return i;
            }
        }
        return -1;
    }
}
