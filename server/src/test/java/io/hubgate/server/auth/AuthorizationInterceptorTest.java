package io.hubgate.server.auth;

import com.google.rpc.ErrorInfo;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.QueryResult;
import io.hubgate.api.v1.StreamQueryTwinsRequest;
import io.hubgate.api.v1.Twin;
import io.hubgate.api.v1.TwinServiceGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The interceptor alone, in-process: a stand-in TwinService that counts how often its handlers
 * run, behind a test interceptor that sets the principal and then the interceptor under test.
 * Proves the decision and the status shape, and that a denied call never reaches a handler.
 */
class AuthorizationInterceptorTest {

    private final AtomicInteger handlerRuns = new AtomicInteger();
    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private TwinServiceGrpc.TwinServiceBlockingStub serve(AccessPolicy policy, Principal principal) throws Exception {
        String name = InProcessServerBuilder.generateName();
        TwinServiceGrpc.TwinServiceImplBase twins = new TwinServiceGrpc.TwinServiceImplBase() {
            @Override
            public void getTwin(GetTwinRequest request, StreamObserver<Twin> observer) {
                handlerRuns.incrementAndGet();
                observer.onNext(Twin.newBuilder().setDeviceId(request.getDeviceId()).build());
                observer.onCompleted();
            }

            @Override
            public void streamQueryTwins(StreamQueryTwinsRequest request, StreamObserver<QueryResult> observer) {
                handlerRuns.incrementAndGet();
                observer.onNext(QueryResult.newBuilder().setTwin(Twin.newBuilder().setDeviceId("d1")).build());
                observer.onCompleted();
            }
        };
        ServerInterceptor setPrincipal = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                Context context = principal == null ? Context.current() : Context.current().withValue(AuthContext.PRINCIPAL, principal);
                return Contexts.interceptCall(context, call, headers, next);
            }
        };
        // intercept() makes the last interceptor the outermost: the principal is set first.
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(twins, new AuthorizationInterceptor(policy), setPrincipal))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        return TwinServiceGrpc.newBlockingStub(channel);
    }

    private static Principal caller(String... roles) {
        return new Principal("caller", "app", "tenant", Set.of(roles), "test");
    }

    /** The default policy with GetTwin's entry replaced. */
    private static AccessPolicy withGetTwin(String rolesJson) throws Exception {
        String methods = AccessPolicy.apiMethods().stream()
                .map(m -> "\"" + m + "\": " + (m.equals("hubgate.v1.TwinService/GetTwin") ? rolesJson : "[\"Twin.Read\"]"))
                .collect(Collectors.joining(","));
        return AccessPolicy.parse(new ByteArrayInputStream(("{\"methods\": {" + methods + "}}").getBytes(StandardCharsets.UTF_8)), "test");
    }

    private static final GetTwinRequest GET = GetTwinRequest.newBuilder().setDeviceId("d1").build();

    @Test
    void permittedRole_reachesTheHandler() throws Exception {
        assertThat(serve(AccessPolicy.defaults(), caller(Roles.TWIN_READ)).getTwin(GET).getDeviceId()).isEqualTo("d1");
        assertThat(handlerRuns).hasValue(1);
    }

    @Test
    void missingRole_isPermissionDenied_namingTheRole_withErrorInfo_andNoHandlerRun() throws Exception {
        TwinServiceGrpc.TwinServiceBlockingStub stub = serve(AccessPolicy.defaults(), caller(Roles.TWIN_WRITE, Roles.KEYS_READ));

        StatusRuntimeException failure = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, () -> stub.getTwin(GET));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(failure.getStatus().getDescription()).isEqualTo("hubgate.v1.TwinService/GetTwin needs the role Twin.Read");
        ErrorInfo info = StatusProto.fromThrowable(failure).getDetails(0).unpack(ErrorInfo.class);
        assertThat(info.getReason()).isEqualTo("MISSING_ROLE");
        assertThat(info.getDomain()).isEqualTo("hubgate.io");
        assertThat(info.getMetadataMap()).containsEntry("requiredRoles", "Twin.Read")
                .containsEntry("method", "hubgate.v1.TwinService/GetTwin");
        assertThat(handlerRuns).hasValue(0);
    }

    @Test
    void noPrincipal_isAnonymous_andDenied() throws Exception {
        TwinServiceGrpc.TwinServiceBlockingStub stub = serve(AccessPolicy.defaults(), null);
        assertThatThrownBy(() -> stub.getTwin(GET)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThat(handlerRuns).hasValue(0);
    }

    @Test
    void anyOneOfSeveralRoles_suffices_andTheDenialListsThemAll() throws Exception {
        AccessPolicy policy = withGetTwin("[\"Twin.Write\", \"Auditor\"]");
        assertThat(serve(policy, caller("Auditor")).getTwin(GET).getDeviceId()).isEqualTo("d1");
        stop();
        TwinServiceGrpc.TwinServiceBlockingStub reader = serve(policy, caller(Roles.TWIN_READ));
        assertThatThrownBy(() -> reader.getTwin(GET)).isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                assertThat(e.getStatus().getDescription()).isEqualTo("hubgate.v1.TwinService/GetTwin needs one of the roles Auditor, Twin.Write"));
        assertThat(handlerRuns).hasValue(1);
    }

    @Test
    void emptyRoleList_deniesEveryone() throws Exception {
        TwinServiceGrpc.TwinServiceBlockingStub stub = serve(withGetTwin("[]"), caller(Roles.BUILT_IN.toArray(String[]::new)));
        assertThatThrownBy(() -> stub.getTwin(GET)).isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                assertThat(e.getStatus().getDescription()).isEqualTo("hubgate.v1.TwinService/GetTwin may not be called by anyone under the access policy"));
        assertThat(handlerRuns).hasValue(0);
    }

    @Test
    void streamingCall_isDeniedLikeAUnaryOne_andStreamsWhenPermitted() throws Exception {
        StreamQueryTwinsRequest query = StreamQueryTwinsRequest.newBuilder().setQuery("SELECT * FROM devices").build();
        TwinServiceGrpc.TwinServiceBlockingStub writer = serve(AccessPolicy.defaults(), caller(Roles.TWIN_WRITE));
        assertThatThrownBy(() -> writer.streamQueryTwins(query).hasNext()).isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                assertThat(e.getStatus().getDescription()).isEqualTo("hubgate.v1.TwinService/StreamQueryTwins needs the role Twin.Read"));
        assertThat(handlerRuns).hasValue(0);
        stop();

        assertThat(serve(AccessPolicy.defaults(), caller(Roles.TWIN_READ)).streamQueryTwins(query).next().getTwin().getDeviceId())
                .isEqualTo("d1");
        assertThat(handlerRuns).hasValue(1);
    }

    @Test
    void keyAccess_followsKeysRead() throws Exception {
        RoleKeyAccess keys = new RoleKeyAccess();
        assertThat(keys.mayReadKeys()).as("anonymous outside a call").isFalse();
        assertThat(Context.current().withValue(AuthContext.PRINCIPAL, caller(Roles.REGISTRY_READ)).call(keys::mayReadKeys)).isFalse();
        assertThat(Context.current().withValue(AuthContext.PRINCIPAL, caller(Roles.REGISTRY_READ, Roles.KEYS_READ)).call(keys::mayReadKeys)).isTrue();
    }
}
