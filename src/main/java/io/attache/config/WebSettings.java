package io.attache.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The browser face and the server's vital signs.
 *
 * @param listen        the web app's address, or null when it is off; its own port, so that the
 *                      app and the WebDAV face are different origins
 * @param tlsListen     the web app over HTTPS (with the TLS settings' certificate), or null
 * @param metricsListen an address serving /metrics without a token (keep it private), or null
 * @param metricsToken  a bearer token that opens /metrics on the web address, or null
 * @param requestLog    null (off), {@link #STDERR}, or a file the NCSA combined log is appended to
 */
public record WebSettings(Values.Listen listen, Values.Listen tlsListen, Values.Listen metricsListen,
                          String metricsToken, Path requestLog) {

    public static final Path STDERR = Path.of("-");

    /** Defaults of the keys this record reads; part of {@link Config#DEFAULTS}. */
    static void defaults(Map<String, String> d) {
        d.put("web-listen", "127.0.0.1:8081");
        d.put("web-tls-listen", "");
        d.put("metrics-listen", "");
        d.put("metrics-token", "");
        d.put("request-log", "off");
    }

    static WebSettings from(Map<String, String> v) throws ConfigException {
        String token = v.get("metrics-token");
        if (!token.isEmpty() && token.length() < 16) {
            throw new ConfigException("metrics-token: at least 16 characters, so that it cannot be guessed");
        }
        String log = v.get("request-log");
        Path requestLog = switch (log.toLowerCase(Locale.ROOT)) {
            case "", "off" -> null;
            case "stderr", "-" -> STDERR;
            default -> Path.of(log).toAbsolutePath().normalize();
        };
        return new WebSettings(optionalListen("web-listen", v), optionalListen("web-tls-listen", v),
                optionalListen("metrics-listen", v), token.isEmpty() ? null : token, requestLog);
    }

    private static Values.Listen optionalListen(String key, Map<String, String> v) throws ConfigException {
        String value = v.get(key);
        return value.isEmpty() || value.equalsIgnoreCase("off") ? null : Values.listen(key, value);
    }

    @Override
    public String toString() {
        return "WebSettings[listen=" + listen + ", tlsListen=" + tlsListen + ", metricsListen=" + metricsListen
                + ", metricsToken=" + (metricsToken == null ? "none" : "(set)") + ", requestLog=" + requestLog + "]";
    }
}
