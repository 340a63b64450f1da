package io.attache.fs;

/**
 * Text a client chose (a user name, a path, a header, a message that quotes one) made safe for a
 * log line: control characters, line and paragraph separators and the bidirectional overrides
 * are escaped, so that a value can neither start a forged line (which tools such as fail2ban
 * would believe) nor disguise itself, and long values are cut.
 */
public final class ClientText {

    /** Characters of a value kept in a log line; the rest is summarised. */
    static final int MAX_LENGTH = 256;

    private ClientText() {
    }

    /** {@code text} with {@code \} and every character that could break or disguise a line escaped. */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        if (plain(text)) {
            return text;
        }
        int cut = Math.min(text.length(), MAX_LENGTH);
        StringBuilder out = new StringBuilder(cut + 16);
        for (int i = 0; i < cut; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (unsafe(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (cut < text.length()) {
            out.append("…(").append(text.length() - cut).append(" more)");
        }
        return out.toString();
    }

    private static boolean plain(String text) {
        if (text.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || unsafe(c)) {
                return false;
            }
        }
        return true;
    }

    /** C0 and C1 controls, DEL, U+2028/U+2029, and the bidirectional embeddings, overrides and isolates. */
    private static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f';
    }
}
