package io.hubgate.emulator.support;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * A self-signed RSA client certificate with its key, as an app registration's certificate
 * credential, written in the forms credentials read: the certificate's PEM (for the local
 * Entra's directory), one PEM file holding the PKCS#8 private key and the certificate, or a
 * password-protected PKCS#12 file (the two forms {@code AZURE_CLIENT_CERTIFICATE_PATH} accepts).
 * For the emulator's tests, {@code emulator/sdks} and the gateway's (the emulator's test-jar).
 */
public record TestClientCertificate(X509Certificate certificate, KeyPair keys) {

    public static TestClientCertificate generate(String commonName) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=" + commonName);
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                    name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            return new TestClientCertificate(certificate, keys);
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate a client certificate", e);
        }
    }

    public String certificatePem() {
        return pem("CERTIFICATE", encoded());
    }

    /** Private key (PKCS#8) and certificate in one PEM file, as ClientCertificateCredentialBuilder.pemCertificate reads it. */
    public Path writeKeyAndCertificate(Path file) throws IOException {
        Files.writeString(file, pem("PRIVATE KEY", keys.getPrivate().getEncoded()) + certificatePem(), StandardCharsets.US_ASCII);
        return file;
    }

    /** Key and certificate in a PKCS#12 file protected by {@code password}. */
    public Path writePkcs12(Path file, String password) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", keys.getPrivate(), password.toCharArray(), new Certificate[] {certificate});
            store.store(out, password.toCharArray());
            return file;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private byte[] encoded() {
        try {
            return certificate.getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
