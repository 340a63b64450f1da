package io.attache.server;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/**
 * The server's TLS key and certificate: a PKCS#12 key store the operator provides, or a
 * self-signed one generated on first start (ECDSA P-256, valid for localhost, the host name and
 * its loopback addresses) and reused afterwards, so that clients which pinned it keep working.
 */
public final class TlsKeys {

    private static final Logger log = LoggerFactory.getLogger(TlsKeys.class);
    private static final String ALIAS = "attache";

    private final KeyStore keyStore;
    private final String password;

    private TlsKeys(KeyStore keyStore, String password) {
        this.keyStore = keyStore;
        this.password = password;
    }

    /** Loads an operator's PKCS#12 key store. */
    public static TlsKeys load(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return new TlsKeys(store, password);
    }

    /** Loads the self-signed key store in {@code dir}, generating it the first time. */
    public static TlsKeys selfSigned(Path dir) throws IOException, GeneralSecurityException {
        Path file = dir.resolve("tls-self-signed.p12");
        Path passwordFile = dir.resolve("tls-self-signed.password");
        if (Files.exists(file) && Files.exists(passwordFile)) {
            return load(file, Files.readString(passwordFile, StandardCharsets.US_ASCII).strip());
        }
        SecureRandom random = new SecureRandom();
        String password = HexFormat.of().formatHex(randomBytes(random));
        KeyStore store = generate(random, password);
        writePrivate(passwordFile, password.getBytes(StandardCharsets.US_ASCII));
        Path temp = dir.resolve("tls-self-signed.p12.tmp");
        try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            store.store(out, password.toCharArray());
        }
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        TlsKeys keys = new TlsKeys(store, password);
        log.info("Generated a self-signed TLS certificate in {}; SHA-256 fingerprint {}", file, keys.fingerprint());
        return keys;
    }

    public KeyStore keyStore() {
        return keyStore;
    }

    public String password() {
        return password;
    }

    /** The SHA-256 fingerprint of the certificate, as clients show it (AA:BB:…). */
    public String fingerprint() throws GeneralSecurityException {
        Certificate certificate = keyStore.getCertificate(keyStore.aliases().nextElement());
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    private static KeyStore generate(SecureRandom random, String password) throws GeneralSecurityException, IOException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256, random);
        KeyPair pair = generator.generateKeyPair();
        String host = hostName();
        List<GeneralName> names = new ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.iPAddress, "::1")));
        if (!host.equals("localhost")) {
            names.add(new GeneralName(GeneralName.dNSName, host));
        }
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + host + ",O=Attache self-signed");
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(127, random),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(825))), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, pair.getPrivate(), password.toCharArray(), new Certificate[]{certificate});
            return store;
        } catch (org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.cert.CertIOException e) {
            throw new GeneralSecurityException("cannot create a self-signed certificate", e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static byte[] randomBytes(SecureRandom random) {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return b;
    }

    private static void writePrivate(Path file, byte[] content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, content);
    }
}
