package io.hubgate.server.auth;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.StreamQueryTwinsRequest;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultRule;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.tls.EmulatorCertificate;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.support.TestGateway;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * mTLS: a client certificate from the configured CA authenticates a caller without a token (on
 * unary and streaming calls). With certificates required, an untrusted, expired or missing
 * certificate is refused in the TLS handshake, before any call exists (so the status is the
 * transport's UNAVAILABLE, not UNAUTHENTICATED), and the hub sees nothing.
 */
class ClientCertificateTest {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    @TempDir
    static Path dir;
    private static EmulatorCertificate server;
    private static Path serverCert;
    private static Path serverKey;
    private static Path caPem;
    private static Issued trusted;
    private static Issued expired;
    private static Issued untrusted;

    private TestGateway gateway;

    /** A certificate and its key pair. */
    record Issued(X509Certificate certificate, KeyPair keys) {
    }

    @BeforeAll
    static void certificates() throws Exception {
        server = EmulatorCertificate.selfSigned(Set.of("localhost"));
        serverCert = dir.resolve("server.pem");
        serverKey = dir.resolve("server-key.pem");
        server.writeCertificate(serverCert);
        server.writePrivateKey(serverKey);
        Issued ca = issue("CN=hubgate test client CA", null, null, true, Duration.ZERO);
        caPem = Files.writeString(dir.resolve("client-ca.pem"), pem(ca.certificate()), StandardCharsets.US_ASCII);
        trusted = issue("CN=billing", "spiffe://hubgate/billing", ca, false, Duration.ZERO);
        expired = issue("CN=billing", "spiffe://hubgate/billing", ca, false, Duration.ofDays(30));
        Issued otherCa = issue("CN=another CA", null, null, true, Duration.ZERO);
        untrusted = issue("CN=billing", "spiffe://hubgate/billing", otherCa, false, Duration.ZERO);
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aCertificateFromTheTrustedCa_authenticatesWithoutAToken_onUnaryAndStreamingCalls() throws Exception {
        gateway = start(false);
        ManagedChannel channel = channel(trusted);
        try {
            assertThat(RegistryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance())).isNotNull();
            TwinServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .streamQueryTwins(StreamQueryTwinsRequest.newBuilder().setQuery("SELECT * FROM devices").build())
                    .forEachRemaining(row -> { });
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void withOptionalCertificates_aCallerWithNeitherCertificateNorToken_isUnauthenticated_andATokenAloneWorks() throws Exception {
        gateway = start(false);
        ManagedChannel channel = channel(null);
        try {
            assertThatThrownBy(() -> RegistryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                        assertThat(e.getStatus().getDescription()).contains("client certificate");
                    });
            assertThat(RegistryServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(TestGateway.bearer(gateway.callerToken("jwt-caller", TestGateway.ALL_ROLES)))
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance())).isNotNull();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void withRequiredCertificates_untrustedExpiredOrMissingCertificates_failTheHandshake_andNeverReachTheHub() throws Exception {
        gateway = start(true);
        FaultRule upstream = gateway.hub().faults().add(new FaultSpec(null, FaultKind.LATENCY, 0, null, null, 1.0, null, null));
        try {
            for (Issued bad : new Issued[] {untrusted, expired, null}) {
                ManagedChannel channel = channel(bad);
                try {
                    assertThatThrownBy(() -> RegistryServiceGrpc.newBlockingStub(channel)
                            .withInterceptors(TestGateway.bearer(gateway.callerToken("jwt-caller", TestGateway.ALL_ROLES)))
                            .withDeadlineAfter(20, TimeUnit.SECONDS)
                            .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance()))
                            .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
                } finally {
                    channel.shutdownNow();
                }
            }
            assertThat(upstream.fired()).as("requests that reached the hub").isZero();

            ManagedChannel good = channel(trusted);
            try {
                assertThat(RegistryServiceGrpc.newBlockingStub(good).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance())).isNotNull();
            } finally {
                good.shutdownNow();
            }
            assertThat(upstream.fired()).as("the counter counts hub requests").isPositive();
        } finally {
            gateway.hub().faults().remove(upstream.id());
        }
    }

    private static TestGateway start(boolean required) {
        GatewayConfig config = GatewayConfig.localDevelopment(0).withTls(serverCert, serverKey).withAuth(
                AuthSettings.defaults().withClientCertificates(caPem, required,
                        Map.of("uri:spiffe://hubgate/billing", Set.of("Registry.Read", "Twin.Read"))));
        return TestGateway.start(config);
    }

    private ManagedChannel channel(Issued client) throws Exception {
        SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(server.certificate());
        if (client != null) {
            ssl.keyManager(client.keys().getPrivate(), client.certificate());
        }
        return NettyChannelBuilder.forAddress("127.0.0.1", gateway.port()).sslContext(ssl.build()).build();
    }

    /** A certificate for {@code subject}, signed by {@code issuer} (null: self-signed), expired {@code expiredFor} ago. */
    static Issued issue(String subject, String uri, Issued issuer, boolean ca, Duration expiredFor) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Instant end = expiredFor.isZero() ? Instant.now().plus(Duration.ofDays(1)) : Instant.now().minus(expiredFor);
        X500Name issuerName = issuer == null ? new X500Name(subject)
                : new X500Name(issuer.certificate().getSubjectX500Principal().getName());
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(end.minus(Duration.ofDays(60))), Date.from(end),
                new X500Name(subject), keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (uri != null) {
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
        }
        KeyPair signer = issuer == null ? keys : issuer.keys();
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
        return new Issued(certificate, keys);
    }

    private static String pem(X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }
}
