package io.attache.server;

import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** HTTPS with a self-signed certificate made on first start and kept across restarts. */
class TlsTest {

    @TempDir
    Path dir;

    @Test
    void servesHttpsWithAStableSelfSignedCertificate() throws Exception {
        Map<String, String> tls = Map.of("tls-listen", "127.0.0.1:0");
        Certificate first;
        try (TestServer server = TestServer.start(dir, tls).user("t")) {
            first = certificate();
            HttpClient client = trusting(first);
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.tlsPort() + "/"))
                    .method("PROPFIND", HttpRequest.BodyPublishers.noBody()).header("Depth", "0")
                    .header("Authorization", TestServer.basic("t")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(207, r.statusCode());
            HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.tlsPort() + "/s.txt"))
                    .PUT(HttpRequest.BodyPublishers.ofString("over tls")).header("Authorization", TestServer.basic("t")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, put.statusCode());

            HttpClient untrusting = HttpClient.newHttpClient();
            assertThrows(SSLHandshakeException.class, () -> untrusting.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + server.tlsPort() + "/")).build(), HttpResponse.BodyHandlers.discarding()));
        }
        try (TestServer again = TestServer.start(dir, tls)) {
            assertArrayEquals(first.getEncoded(), certificate().getEncoded(), "the certificate survives a restart");
            HttpResponse<byte[]> get = trusting(first).send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + again.tlsPort() + "/s.txt"))
                    .header("Authorization", TestServer.basic("t")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals("over tls".getBytes(StandardCharsets.UTF_8), get.body());
        }
    }

    private Certificate certificate() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        String password = Files.readString(dir.resolve("tls-self-signed.password")).strip();
        try (InputStream in = Files.newInputStream(dir.resolve("tls-self-signed.p12"))) {
            store.load(in, password.toCharArray());
        }
        return store.getCertificate(store.aliases().nextElement());
    }

    private static HttpClient trusting(Certificate certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).build();
    }
}
