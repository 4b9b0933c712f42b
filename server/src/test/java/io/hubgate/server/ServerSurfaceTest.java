package io.hubgate.server;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultRule;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the gRPC server offers around the API: reflection in both versions with the error-detail
 * protos reachable, RetryInfo on capacity refusals, and a handler pool that does not grow with load.
 */
class ServerSurfaceTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    /** One reflection request over the v1 or v1alpha service; the response as v1. */
    private static ServerReflectionResponse reflect(boolean alpha, ServerReflectionRequest request) throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        if (alpha) {
            var stub = io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(gateway.channel());
            var requests = stub.serverReflectionInfo(new StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionResponse>() {
                @Override
                public void onNext(io.grpc.reflection.v1alpha.ServerReflectionResponse value) {
                    try {
                        answer.complete(ServerReflectionResponse.parseFrom(value.toByteArray()));
                    } catch (Exception e) {
                        answer.completeExceptionally(e);
                    }
                }

                @Override
                public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                }
            });
            requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.parseFrom(request.toByteArray()));
            requests.onCompleted();
        } else {
            var requests = ServerReflectionGrpc.newStub(gateway.channel()).serverReflectionInfo(new StreamObserver<>() {
                @Override
                public void onNext(ServerReflectionResponse value) {
                    answer.complete(value);
                }

                @Override
                public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                }
            });
            requests.onNext(request);
            requests.onCompleted();
        }
        return answer.get(20, TimeUnit.SECONDS);
    }

    @Test
    void reflection_v1AndV1alpha_listTheApiServices() throws Exception {
        for (boolean alpha : List.of(false, true)) {
            ServerReflectionResponse services = reflect(alpha, ServerReflectionRequest.newBuilder().setListServices("*").build());
            assertThat(services.getListServicesResponse().getServiceList()).extracting(s -> s.getName())
                    .as(alpha ? "v1alpha" : "v1")
                    .contains("hubgate.v1.RegistryService", "hubgate.v1.TwinService", "hubgate.v1.MethodService",
                            "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                            "grpc.reflection.v1alpha.ServerReflection");
        }
    }

    @Test
    void reflection_v1AndV1alpha_serveTheErrorDetailProtos() throws Exception {
        for (boolean alpha : List.of(false, true)) {
            for (String symbol : List.of("google.rpc.ErrorInfo", "google.rpc.BadRequest", "google.rpc.RetryInfo")) {
                ServerReflectionResponse file = reflect(alpha, ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol).build());
                assertThat(file.hasErrorResponse()).as(symbol + (alpha ? " (v1alpha)" : " (v1)")).isFalse();
                List<String> names = new ArrayList<>();
                for (var bytes : file.getFileDescriptorResponse().getFileDescriptorProtoList()) {
                    names.add(FileDescriptorProto.parseFrom(bytes).getName());
                }
                assertThat(names).contains("google/rpc/error_details.proto");
            }
        }
    }

    @Test
    void aCapacityRefusal_carriesRetryInfo() throws Exception {
        FaultRule slow = gateway.hub().faults().add(new FaultSpec(null, FaultKind.LATENCY, 1_500, null, null, 1.0, null, null));
        try (TestGateway small = gateway.sibling(DefaultDirectory.GATEWAY, 1, 1)) {
            var stub = TwinServiceGrpc.newBlockingStub(small.channelWith(TestGateway.bearer(
                    gateway.callerToken("capacity", TestGateway.ALL_ROLES)))).withDeadlineAfter(20, TimeUnit.SECONDS);
            ExecutorService callers = Executors.newFixedThreadPool(6);
            List<Future<Status>> outcomes = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                outcomes.add(callers.submit(() -> {
                    try {
                        stub.getTwin(GetTwinRequest.newBuilder().setDeviceId("capacity-" + System.nanoTime()).build());
                        return Status.OK;
                    } catch (StatusRuntimeException failure) {
                        if (failure.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                            RetryInfo retry = Statuses.retryInfo(failure);
                            assertThat(retry).as("RetryInfo on " + failure.getStatus()).isNotNull();
                            assertThat(retry.getRetryDelay().getSeconds()).isPositive();
                        }
                        return failure.getStatus();
                    }
                }));
            }
            List<Status.Code> codes = new ArrayList<>();
            for (Future<Status> outcome : outcomes) {
                codes.add(outcome.get(60, TimeUnit.SECONDS).getCode());
            }
            callers.shutdown();
            assertThat(codes).contains(Status.Code.RESOURCE_EXHAUSTED);
        } finally {
            gateway.hub().faults().remove(slow.id());
        }
    }

    @Test
    void theHandlerPool_isBoundedByTheUpstreamSlots() {
        var executor = GatewayServer.handlerExecutor(8);
        try {
            assertThat(executor.getMaximumPoolSize()).isEqualTo(8 + GatewayServer.SPARE_HANDLER_THREADS);
            assertThat(executor.getCorePoolSize()).isEqualTo(executor.getMaximumPoolSize());
        } finally {
            executor.shutdown();
        }
    }
}
