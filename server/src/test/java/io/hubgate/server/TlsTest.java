package io.hubgate.server;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.emulator.tls.EmulatorCertificate;
import io.hubgate.server.auth.AuthSettings;
import io.hubgate.server.config.CredentialMode;
import io.hubgate.server.config.CredentialSettings;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Callers' TLS: with a certificate and key the gateway serves TLS only, and a client that trusts it gets through. */
class TlsTest {

    @TempDir
    Path dir;

    @Test
    void gatewayWithCertificate_servesTls_andRefusesPlaintextClients() throws Exception {
        EmulatorCertificate certificate = EmulatorCertificate.selfSigned(Set.of("localhost"));
        Path cert = dir.resolve("gateway-cert.pem");
        Path key = dir.resolve("gateway-key.pem");
        certificate.writeCertificate(cert);
        certificate.writePrivateKey(key);
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, false, cert, key, null,
                CredentialSettings.of(CredentialMode.CLIENT_SECRET), 8, 100,
                GatewayConfig.DEFAULT_UPSTREAM_TIMEOUT, java.time.Duration.ofSeconds(2), AuthSettings.defaults(),
                io.hubgate.server.auth.AccessPolicy.defaults());

        try (TestGateway gateway = TestGateway.start(config)) {
            ManagedChannel tls = NettyChannelBuilder.forAddress("127.0.0.1", gateway.port())
                    .sslContext(GrpcSslContexts.forClient().trustManager(certificate.certificate()).build())
                    .build();
            try {
                assertThat(RegistryServiceGrpc.newBlockingStub(tls)
                        .withInterceptors(TestGateway.bearer(gateway.callerToken("tls-caller", TestGateway.ALL_ROLES)))
                        .withDeadlineAfter(20, TimeUnit.SECONDS)
                        .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance()).getTotalDeviceCount()).isZero();
            } finally {
                tls.shutdownNow();
            }
            assertThatThrownBy(() -> gateway.registry().withDeadlineAfter(5, TimeUnit.SECONDS)
                    .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isIn(Status.Code.UNAVAILABLE, Status.Code.INTERNAL,
                                    Status.Code.DEADLINE_EXCEEDED));
        }
    }
}
