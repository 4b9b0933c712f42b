package io.hubgate.bench;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.microsoft.azure.sdk.iot.service.query.QueryPageOptions;
import com.microsoft.azure.sdk.iot.service.query.TwinQueryResponse;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import io.grpc.stub.StreamObserver;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.DeleteDeviceRequest;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.QueryTwinsRequest;
import io.hubgate.api.v1.UpdateTwinRequest;

import java.util.concurrent.CompletableFuture;

/**
 * The operations measured, each written twice: once as a gRPC call to the gateway, once as the
 * same thing done with the official SDK. Twins are {@code bench-0 … bench-(n-1)}; calls spread
 * over them with a stride prime to n, so consecutive calls touch different twins.
 */
enum Workload {
    GET_TWIN("GetTwin"),
    UPDATE_TWIN("UpdateTwin (patch desired)"),
    CREATE_DELETE_DEVICE("CreateDevice+DeleteDevice"),
    QUERY_TWINS("QueryTwins (page of 100)"),
    MIXED("Mixed 80% GetTwin / 20% UpdateTwin");

    /** The query whose first page QueryTwins fetches. */
    static final String QUERY = "SELECT * FROM devices";
    static final int PAGE_SIZE = 100;
    /** Spreads sequence numbers over the twins. */
    private static final int STRIDE = 7919;

    final String title;

    Workload(String title) {
        this.title = title;
    }

    static String twinId(int sequence, int twins) {
        return "bench-" + Math.floorMod((long) sequence * STRIDE, twins);
    }

    /** One call through the gateway. */
    CompletableFuture<?> viaGateway(GatewayStubs stubs, String run, int sequence, int twins) {
        return switch (this) {
            case GET_TWIN -> getTwin(stubs, sequence, twins);
            case UPDATE_TWIN -> updateTwin(stubs, sequence, twins);
            case MIXED -> sequence % 5 == 0 ? updateTwin(stubs, sequence, twins) : getTwin(stubs, sequence, twins);
            case QUERY_TWINS -> Workload.<io.hubgate.api.v1.QueryTwinsResponse>unary(observer -> stubs.twins(sequence).queryTwins(QueryTwinsRequest.newBuilder()
                    .setQuery(QUERY).setPageSize(PAGE_SIZE).build(), observer));
            case CREATE_DELETE_DEVICE -> {
                String id = "tmp-" + run + "-" + sequence;
                yield Workload.<io.hubgate.api.v1.Device>unary(observer -> stubs.registry(sequence).createDevice(CreateDeviceRequest.newBuilder()
                        .setDevice(io.hubgate.api.v1.Device.newBuilder().setDeviceId(id)).build(), observer))
                        .thenCompose(created -> Workload.<com.google.protobuf.Empty>unary(observer -> stubs.registry(sequence).deleteDevice(
                                DeleteDeviceRequest.newBuilder().setDeviceId(id).build(), observer)));
            }
        };
    }

    /** The same operation with the official SDK, blocking. */
    void direct(DirectClients clients, String run, int sequence, int twins) throws Exception {
        switch (this) {
            case GET_TWIN -> clients.twins().get(twinId(sequence, twins));
            case UPDATE_TWIN -> patchDesired(clients, sequence, twins);
            case MIXED -> {
                if (sequence % 5 == 0) {
                    patchDesired(clients, sequence, twins);
                } else {
                    clients.twins().get(twinId(sequence, twins));
                }
            }
            case QUERY_TWINS -> {
                TwinQueryResponse page = clients.query().queryTwins(QUERY,
                        QueryPageOptions.builder().pageSize(PAGE_SIZE).build());
                // Read exactly one page: hasNext() past it would fetch the next.
                for (int read = 0; read < PAGE_SIZE && page.hasNext(); read++) {
                    page.next();
                }
            }
            case CREATE_DELETE_DEVICE -> {
                String id = "tmp-" + run + "-" + sequence;
                clients.registry().addDevice(new Device(id));
                clients.registry().removeDevice(id);
            }
        }
    }

    private static CompletableFuture<?> getTwin(GatewayStubs stubs, int sequence, int twins) {
        return Workload.<io.hubgate.api.v1.Twin>unary(observer -> stubs.twins(sequence).getTwin(GetTwinRequest.newBuilder()
                .setDeviceId(twinId(sequence, twins)).build(), observer));
    }

    private static CompletableFuture<?> updateTwin(GatewayStubs stubs, int sequence, int twins) {
        Struct desired = Struct.newBuilder().putFields("interval", Value.newBuilder().setNumberValue(sequence % 60).build()).build();
        return Workload.<io.hubgate.api.v1.Twin>unary(observer -> stubs.twins(sequence).updateTwin(UpdateTwinRequest.newBuilder()
                .setDeviceId(twinId(sequence, twins)).setDesired(desired).build(), observer));
    }

    private static void patchDesired(DirectClients clients, int sequence, int twins) throws Exception {
        Twin patch = new Twin(twinId(sequence, twins));
        patch.getDesiredProperties().put("interval", sequence % 60);
        clients.twins().patch(patch);
    }

    /** A unary gRPC call on an async stub as a future. */
    static <T> CompletableFuture<T> unary(java.util.function.Consumer<StreamObserver<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        call.accept(new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                result.complete(null);
            }
        });
        return result;
    }
}
