package io.attache.server;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/** A user name and password from an {@code Authorization: Basic} header (RFC 7617, UTF-8). */
record BasicCredentials(String user, char[] password) {

    static Optional<BasicCredentials> parse(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded));
            int colon = -1;
            for (int i = 0; i < chars.length(); i++) {
                if (chars.charAt(i) == ':') {
                    colon = i;
                    break;
                }
            }
            if (colon <= 0) {
                return Optional.empty();
            }
            char[] all = new char[chars.remaining()];
            chars.get(all);
            String user = new String(all, 0, colon);
            char[] password = Arrays.copyOfRange(all, colon + 1, all.length);
            Arrays.fill(all, '\0');
            return Optional.of(new BasicCredentials(user, password));
        } catch (CharacterCodingException e) {
            return Optional.empty();
        } finally {
            Arrays.fill(decoded, (byte) 0);
        }
    }
}
