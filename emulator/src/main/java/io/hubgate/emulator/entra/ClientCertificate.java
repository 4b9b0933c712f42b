package io.hubgate.emulator.entra;

import com.nimbusds.jose.util.Base64URL;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * A certificate credential of an application: the public key that client assertions must be
 * signed with, and its SHA-1 thumbprint (what MSAL puts in the assertion's {@code x5t}). Entra
 * stores no more than this, and neither does the emulator: the private key stays with the client.
 *
 * @param thumbprint the SHA-1 thumbprint as upper-case hex, as the portal shows it
 */
public record ClientCertificate(String thumbprint, PublicKey publicKey) {

    public ClientCertificate {
        Objects.requireNonNull(thumbprint, "thumbprint");
        Objects.requireNonNull(publicKey, "publicKey");
        thumbprint = thumbprint.replace(":", "").toUpperCase(Locale.ROOT);
    }

    public static ClientCertificate of(X509Certificate certificate) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded());
            return new ClientCertificate(HexFormat.of().withUpperCase().formatHex(sha1), certificate.getPublicKey());
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("cannot read the certificate: " + e.getMessage(), e);
        }
    }

    /** Whether an assertion's {@code x5t} header (base64url of the SHA-1 thumbprint) names this certificate. */
    boolean matchesX5t(Base64URL x5t) {
        return x5t != null && HexFormat.of().withUpperCase().formatHex(x5t.decode()).equals(thumbprint);
    }
}
