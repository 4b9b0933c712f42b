package io.hubgate.server.auth;

import io.grpc.Metadata;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Authenticates the caller by its TLS client certificate. The TLS layer has already verified the
 * certificate against the configured CA bundle (chain, validity, proof of possession): a
 * connection with an untrusted or expired certificate never gets here. This class only names the
 * caller: {@code uri:<SAN URI>}, else {@code dns:<SAN DNS name>}, else {@code cn:<subject CN>},
 * with the roles configured for that name ({@code --mtls-roles "cn:billing=Registry.Read,Twin.Read"}).
 * Immutable and thread-safe.
 */
final class MtlsAuthenticator implements CallerAuthenticator {

    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;

    private final Map<String, Set<String>> rolesByIdentity;

    public MtlsAuthenticator(Map<String, Set<String>> rolesByIdentity) {
        this.rolesByIdentity = Map.copyOf(rolesByIdentity);
    }

    @Override
    public Principal authenticate(Metadata headers, SSLSession tls) throws AuthenticationFailure {
        if (tls == null) {
            return null;
        }
        Certificate[] peer;
        try {
            peer = tls.getPeerCertificates();
        } catch (SSLPeerUnverifiedException noCertificate) {
            return null;
        }
        if (peer.length == 0 || !(peer[0] instanceof X509Certificate leaf)) {
            return null;
        }
        String identity = identity(leaf);
        return new Principal(identity, null, null, rolesByIdentity.getOrDefault(identity, Set.of()), "mtls");
    }

    /** The certificate's name for role mapping and logs. */
    static String identity(X509Certificate certificate) throws AuthenticationFailure {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (int type : new int[] {SAN_URI, SAN_DNS}) {
                    for (List<?> name : names) {
                        if (((Integer) name.get(0)) == type) {
                            return (type == SAN_URI ? "uri:" : "dns:") + name.get(1);
                        }
                    }
                }
            }
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return "cn:" + rdn.getValue();
                }
            }
        } catch (CertificateParsingException | InvalidNameException e) {
            throw new AuthenticationFailure(AuthenticationFailure.Reason.CLIENT_CERTIFICATE_INVALID, "the client certificate's names cannot be read", e);
        }
        throw new AuthenticationFailure(AuthenticationFailure.Reason.CLIENT_CERTIFICATE_INVALID, "the client certificate has no SAN URI, SAN DNS name or subject CN");
    }

    @Override
    public String challenge() {
        return "a client certificate from a trusted CA";
    }
}
