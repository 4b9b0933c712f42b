package io.hubgate.server.auth;

import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.Twin;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSession;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The authentication interceptor in process: the first authenticator that finds a credential
 * decides, a refusal carries its reason as ErrorInfo and never reaches the handler, and the
 * principal is in the handler's Context and recorded for the access log.
 */
class AuthenticationInterceptorTest {

    private final AtomicInteger handlerRuns = new AtomicInteger();
    private final AtomicReference<Principal> seenByHandler = new AtomicReference<>();
    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A stand-in authenticator: a principal for header {@code name: ok}, a refusal for {@code name: bad}. */
    private static CallerAuthenticator byHeader(String name, AuthenticationFailure.Reason reason) {
        Metadata.Key<String> key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
        return new CallerAuthenticator() {
            @Override
            public Principal authenticate(Metadata headers, SSLSession tls) throws AuthenticationFailure {
                String value = headers.get(key);
                if (value == null) {
                    return null;
                }
                if (value.equals("bad")) {
                    throw new AuthenticationFailure(reason, name + " refused");
                }
                return new Principal(name + "-caller", null, null, Set.of(), name);
            }

            @Override
            public String challenge() {
                return name + " please";
            }
        };
    }

    private TwinServiceGrpc.TwinServiceBlockingStub serve(List<CallerAuthenticator> authenticators, AtomicReference<Principal> recorded)
            throws Exception {
        String name = InProcessServerBuilder.generateName();
        TwinServiceGrpc.TwinServiceImplBase twins = new TwinServiceGrpc.TwinServiceImplBase() {
            @Override
            public void getTwin(GetTwinRequest request, StreamObserver<Twin> observer) {
                handlerRuns.incrementAndGet();
                seenByHandler.set(AuthContext.current());
                observer.onNext(Twin.getDefaultInstance());
                observer.onCompleted();
            }
        };
        io.grpc.ServerInterceptor recording = new io.grpc.ServerInterceptor() {
            @Override
            public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata headers,
                                                                      io.grpc.ServerCallHandler<Q, R> next) {
                return io.grpc.Contexts.interceptCall(AuthContext.recording(recorded), call, headers, next);
            }
        };
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(twins, new AuthenticationInterceptor(authenticators), recording))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        return TwinServiceGrpc.newBlockingStub(channel);
    }

    private static final GetTwinRequest GET = GetTwinRequest.newBuilder().setDeviceId("d").build();

    @Test
    void theFirstCredentialFound_decides_andIsRecorded() throws Exception {
        AtomicReference<Principal> recorded = new AtomicReference<>();
        var stub = serve(List.of(byHeader("first", AuthenticationFailure.Reason.TOKEN_INVALID),
                byHeader("second", AuthenticationFailure.Reason.API_KEY_INVALID)), recorded);
        stub.withInterceptors(TestGateway.header("second", "ok"), TestGateway.header("first", "ok")).getTwin(GET);
        assertThat(seenByHandler.get().subject()).isEqualTo("first-caller");
        assertThat(recorded.get().subject()).isEqualTo("first-caller");
        stub.withInterceptors(TestGateway.header("second", "ok")).getTwin(GET);
        assertThat(seenByHandler.get().subject()).isEqualTo("second-caller");
    }

    @Test
    void aRefusedApiKey_isNotToldToFixABearerToken_butWhatIsAccepted() throws Exception {
        AtomicReference<Principal> recorded = new AtomicReference<>();
        var stub = serve(List.of(byHeader("second", AuthenticationFailure.Reason.API_KEY_REVOKED)), recorded);
        StatusRuntimeException refused = Statuses.failureOf(() -> stub.withInterceptors(TestGateway.header("second", "bad"))
                .getTwin(GET));
        assertThat(Statuses.errorInfo(refused).getReason()).isEqualTo("API_KEY_REVOKED");
        assertThat(refused.getStatus().getDescription()).doesNotContain("Bearer").doesNotContain("invalid_token")
                .contains("accepted:");
    }

    @Test
    void aBadCredential_isRefusedWithItsReason_withoutFallingThrough() throws Exception {
        AtomicReference<Principal> recorded = new AtomicReference<>();
        var stub = serve(List.of(byHeader("first", AuthenticationFailure.Reason.TOKEN_EXPIRED),
                byHeader("second", AuthenticationFailure.Reason.API_KEY_INVALID)), recorded);
        StatusRuntimeException refused = Statuses.failureOf(() -> stub.withInterceptors(TestGateway.header("first", "bad"),
                TestGateway.header("second", "ok")).getTwin(GET));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refused.getStatus().getDescription()).startsWith("first refused").contains("WWW-Authenticate: Bearer");
        ErrorInfo info = Statuses.errorInfo(refused);
        assertThat(info.getReason()).isEqualTo("TOKEN_EXPIRED");
        assertThat(info.getDomain()).isEqualTo("hubgate.io");
        assertThat(handlerRuns.get()).isZero();
        assertThat(recorded.get()).isNull();
    }

    @Test
    void noCredential_isCredentialsMissing_namingEveryKind() throws Exception {
        var stub = serve(List.of(byHeader("first", AuthenticationFailure.Reason.TOKEN_INVALID),
                byHeader("second", AuthenticationFailure.Reason.API_KEY_INVALID)), new AtomicReference<>());
        StatusRuntimeException refused = Statuses.failureOf(() -> stub.getTwin(GET));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refused.getStatus().getDescription()).isEqualTo("no credentials; send first please, or second please");
        assertThat(Statuses.errorInfo(refused).getReason()).isEqualTo("CREDENTIALS_MISSING");
        assertThat(handlerRuns.get()).isZero();
    }

    @Test
    void outsideACall_theCallerIsAnonymous() {
        assertThat(AuthContext.current()).isSameAs(Principal.ANONYMOUS);
    }

    @Test
    void withoutAuthenticators_itRefusesToExist() {
        assertThatThrownBy(() -> new AuthenticationInterceptor(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
