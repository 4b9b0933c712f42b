package io.hubgate.emulator.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The emulator's TLS identity: a certificate with its private key, either made at start
 * (self-signed, ECDSA P-256, SANs for 127.0.0.1, ::1, localhost and the hub host name) or loaded
 * from PEM files the user supplies. It builds the server's {@link SSLContext}, writes the
 * certificate as PEM for clients to trust, and builds a client context that trusts it.
 *
 * <p>It does not manage a CA or rotate certificates.
 */
public final class EmulatorCertificate {

    /** A generated certificate is valid this long; a persistent data directory keeps reusing it. */
    public static final Duration GENERATED_VALIDITY = Duration.ofDays(825);

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    private EmulatorCertificate(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /** Makes a self-signed certificate valid for loopback and the given extra host names. */
    public static EmulatorCertificate selfSigned(Set<String> hostNames) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keyPair = generator.generateKeyPair();

            Set<String> dnsNames = new LinkedHashSet<>();
            dnsNames.add("localhost");
            hostNames.stream().filter(h -> h != null && !h.isBlank() && !isIpLiteral(h)).forEach(dnsNames::add);
            List<GeneralName> names = new ArrayList<>();
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            names.add(new GeneralName(GeneralName.iPAddress, "::1"));
            dnsNames.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));

            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=hubgate IoT Hub emulator,O=hubgate");
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(GENERATED_VALIDITY)),
                    subject, keyPair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
            return new EmulatorCertificate(certificate, keyPair.getPrivate());
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("could not generate the emulator's TLS certificate", e);
        }
    }

    /** Loads a PEM certificate and a PEM private key (PKCS#8, or PKCS#1 / SEC1 key pairs). */
    public static EmulatorCertificate fromPem(Path certificatePem, Path privateKeyPem) throws IOException {
        X509Certificate certificate;
        try (var in = Files.newInputStream(certificatePem)) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException e) {
            throw new IOException(certificatePem + " does not hold a PEM X.509 certificate: " + e.getMessage(), e);
        }
        try (Reader reader = Files.newBufferedReader(privateKeyPem, StandardCharsets.UTF_8);
             PEMParser parser = new PEMParser(reader)) {
            Object parsed = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            PrivateKey key;
            if (parsed instanceof PEMKeyPair pair) {
                key = converter.getPrivateKey(pair.getPrivateKeyInfo()); // the public half may be absent (SEC1)
            } else if (parsed instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
                key = converter.getPrivateKey(info);
            } else {
                throw new IOException(privateKeyPem + " does not hold an unencrypted PEM private key");
            }
            return new EmulatorCertificate(certificate, key);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The certificate in PEM, for clients to trust. */
    public String certificatePem() {
        return toPem(certificate);
    }

    /** Writes the certificate (public) as PEM. */
    public void writeCertificate(Path path) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        Files.writeString(path, certificatePem(), StandardCharsets.UTF_8);
    }

    /** Writes a PKCS#12 trust store holding the certificate, for JVM clients. */
    public void writeTrustStore(Path path, String password) throws IOException {
        try (var out = Files.newOutputStream(path)) {
            trustStore().store(out, password.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IOException("could not write the trust store " + path, e);
        }
    }

    /** Writes the private key as PKCS#8 PEM, readable by the owner only. */
    public void writePrivateKey(Path path) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        Files.deleteIfExists(path);
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(path);
        }
        // PKCS#8 ("PRIVATE KEY"), the form every TLS stack reads; the default writer would give SEC1.
        Files.writeString(path, toPem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(privateKey, null)),
                StandardCharsets.UTF_8);
    }

    /** The server side: presents this certificate. */
    public SSLContext serverContext() {
        try {
            char[] password = new char[0];
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("emulator", privateKey, password, new Certificate[]{certificate});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keyStore, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not build the emulator's TLS context", e);
        }
    }

    /** A client context that trusts exactly this certificate (for tests and the embedded gateway). */
    public SSLContext trustingClientContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers().getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not build a client TLS context", e);
        }
    }

    /** A trust store holding this certificate. */
    public KeyStore trustStore() {
        try {
            KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            trustStore.setCertificateEntry("hubgate-emulator", certificate);
            return trustStore;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not build a trust store", e);
        }
    }

    private TrustManagerFactory trustManagers() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trustStore());
        return factory;
    }

    private static boolean isIpLiteral(String host) {
        return host.chars().allMatch(c -> Character.isDigit(c) || c == '.') || host.contains(":");
    }

    private static String toPem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException("PEM encoding into memory cannot fail", e);
        }
        return out.toString();
    }

    /** True when the address is a loopback one; used to warn when binding elsewhere. */
    public static boolean isLoopback(String bindAddress) {
        try {
            return InetAddress.getByName(bindAddress).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
