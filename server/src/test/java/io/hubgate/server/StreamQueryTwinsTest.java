package io.hubgate.server;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.hubgate.api.v1.QueryResult;
import io.hubgate.api.v1.StreamQueryTwinsRequest;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.server.support.QueryFetchCounter;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import io.hubgate.server.support.TwinSeeding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * StreamQueryTwins end to end over 10,000 twins: completeness, flow control towards a slow reader,
 * cancellation and deadlines. What the gateway fetches upstream is read from the emulator's count
 * of query requests ({@link QueryFetchCounter}), the one thing a client can observe honestly.
 */
class StreamQueryTwinsTest {

    private static final int TWINS = 10_000;
    /** Long enough for the whole stream on a loaded 2-core machine; the tests never wait for it idly. */
    private static final Duration CALL_DEADLINE = Duration.ofMinutes(5);
    /** The count is taken as settled after this long without a new upstream query. */
    private static final Duration QUIET = Duration.ofMillis(1500);

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static String batch;
    private static Set<String> ids;

    @BeforeAll
    static void prepare() {
        batch = TestGateway.uniqueId("big");
        ids = Set.copyOf(new TwinSeeding(gateway.hub().coordinates()).createDevices(batch, TWINS));
    }

    @AfterEach
    void noFaultsLeft() {
        gateway.hub().faults().clearFaults();
    }

    private static StreamQueryTwinsRequest allTwins(int pageSize) {
        return StreamQueryTwinsRequest.newBuilder()
                .setQuery("SELECT * FROM devices WHERE tags.batch = '" + batch + "'").setPageSize(pageSize).build();
    }

    private static int pages(int pageSize) {
        return (TWINS + pageSize - 1) / pageSize;
    }

    @Test
    void tenThousandTwins_streamCompletely_eachOnce_inPagesOf1000() {
        List<String> received = new ArrayList<>();
        try (QueryFetchCounter fetches = QueryFetchCounter.install(gateway.hub().faults(), Duration.ZERO)) {
            Iterator<QueryResult> results = gateway.twins()
                    .withDeadlineAfter(CALL_DEADLINE.toSeconds(), TimeUnit.SECONDS).streamQueryTwins(allTwins(1000));
            results.forEachRemaining(result -> received.add(result.getTwin().getDeviceId()));

            assertThat(received).hasSize(TWINS).doesNotHaveDuplicates();
            assertThat(new HashSet<>(received)).isEqualTo(ids);
            // One upstream request per page of 1000, nothing fetched twice; the first page is read
            // in two (100 items, then the rest) because the twins' size is not known before.
            assertThat(fetches.count()).isEqualTo(pages(1000) + 1);
        }
    }

    /** A client that asks for messages one at a time, with a small HTTP/2 window so that the transport holds little. */
    private static final class SlowReader implements ClientResponseObserver<StreamQueryTwinsRequest, QueryResult> {
        final Set<String> seen = ConcurrentHashMap.newKeySet();
        final AtomicInteger received = new AtomicInteger();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final int initial;
        private volatile boolean reading;
        private ClientCallStreamObserver<StreamQueryTwinsRequest> call;

        SlowReader(int initial) {
            this.initial = initial;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<StreamQueryTwinsRequest> requestStream) {
            call = requestStream;
            requestStream.disableAutoRequestWithInitial(initial);
        }

        /** From now on, ask for the next message as each one arrives. Call only once all initial ones arrived. */
        void readOnByOne() {
            reading = true;
            call.request(1);
        }

        @Override
        public void onNext(QueryResult result) {
            seen.add(result.getTwin().getDeviceId());
            received.incrementAndGet();
            if (reading) {
                call.request(1);
            }
        }

        @Override
        public void onError(Throwable failure) {
            done.completeExceptionally(failure);
        }

        @Override
        public void onCompleted() {
            done.complete(null);
        }
    }

    @Test
    void aSlowReader_getsEverything_whileTheGatewayFetchesOnlyAPageAheadOfTheTransport() throws Exception {
        int pageSize = 100;
        // 64 KB window, no auto-tuning: what the transport can hold is a few hundred twins.
        ManagedChannel smallWindow = NettyChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext()
                .flowControlWindow(64 * 1024).build();
        try (QueryFetchCounter fetches = QueryFetchCounter.install(gateway.hub().faults(), Duration.ZERO)) {
            SlowReader reader = new SlowReader(10);
            TwinServiceGrpc.newStub(smallWindow)
                    .withInterceptors(TestGateway.bearer(gateway.callerToken("small-window", TestGateway.ALL_ROLES)))
                    .withDeadlineAfter(CALL_DEADLINE.toSeconds(), TimeUnit.SECONDS)
                    .streamQueryTwins(allTwins(pageSize), reader);
            await().atMost(CALL_DEADLINE).until(() -> reader.received.get() >= 10 || reader.done.isDone());

            long whilePaused = fetches.awaitSteady(QUIET, Duration.ofSeconds(60));

            // The reader holds 10 twins; the gateway may have filled the transport (window 64 KB
            // plus gRPC's 32 KB ready threshold, well under 1000 twins) and holds at most one more
            // page. Fetching ahead regardless of the reader would take all 100 pages.
            assertThat(whilePaused).isBetween(1L, 10L);
            assertThat(reader.received.get()).isEqualTo(10);

            reader.readOnByOne();
            reader.done.get(CALL_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(reader.received.get()).isEqualTo(TWINS);
            assertThat(reader.seen).isEqualTo(ids);
            assertThat(fetches.count()).isEqualTo(pages(pageSize));
        } finally {
            smallWindow.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void cancellingMidStream_stopsTheGatewayFetching() throws Exception {
        int pageSize = 100;
        // Each upstream page takes at least 100 ms, so the 100-page stream is far from done when cancelled.
        try (QueryFetchCounter fetches = QueryFetchCounter.install(gateway.hub().faults(), Duration.ofMillis(100))) {
            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            AtomicInteger received = new AtomicInteger();
            gateway.twinsAsync().withDeadlineAfter(CALL_DEADLINE.toSeconds(), TimeUnit.SECONDS)
                    .streamQueryTwins(allTwins(pageSize), new ClientResponseObserver<StreamQueryTwinsRequest, QueryResult>() {
                        private ClientCallStreamObserver<StreamQueryTwinsRequest> call;

                        @Override
                        public void beforeStart(ClientCallStreamObserver<StreamQueryTwinsRequest> requestStream) {
                            call = requestStream;
                        }

                        @Override
                        public void onNext(QueryResult result) {
                            if (received.incrementAndGet() == 150) {
                                call.cancel("the client has seen enough", null);
                            }
                        }

                        @Override
                        public void onError(Throwable failure) {
                            ended.complete(failure);
                        }

                        @Override
                        public void onCompleted() {
                            ended.complete(null);
                        }
                    });

            Throwable end = ended.get(CALL_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            long settled = fetches.awaitSteady(QUIET, Duration.ofSeconds(60));

            assertThat(end).isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));
            assertThat(received.get()).isEqualTo(150);
            assertThat(settled).isLessThan(pages(pageSize));
        }
    }

    @Test
    void aDeadline_endsTheStream_andTheGatewayStopsFetching() throws Exception {
        int pageSize = 10;
        // 1000 pages of at least 300 ms each: the 2-second deadline ends the stream long before its end.
        try (QueryFetchCounter fetches = QueryFetchCounter.install(gateway.hub().faults(), Duration.ofMillis(300))) {
            AtomicInteger received = new AtomicInteger();

            assertThatThrownBy(() -> gateway.twins().withDeadlineAfter(2, TimeUnit.SECONDS)
                    .streamQueryTwins(allTwins(pageSize)).forEachRemaining(result -> received.incrementAndGet()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            long settled = fetches.awaitSteady(QUIET, Duration.ofSeconds(60));

            assertThat(received.get()).isLessThan(TWINS);
            assertThat(settled).isLessThan(pages(pageSize));
        }
    }

    @Test
    void anEmptyQuery_orABadPageSize_isInvalid_beforeAnyFetch() {
        try (QueryFetchCounter fetches = QueryFetchCounter.install(gateway.hub().faults(), Duration.ZERO)) {
            assertThatThrownBy(() -> gateway.twins().streamQueryTwins(StreamQueryTwinsRequest.newBuilder().setPageSize(-1).build())
                    .hasNext())
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(Statuses.violatedFields(e)).containsExactlyInAnyOrder("query", "page_size");
                    });
            assertThat(fetches.count()).isZero();
        }
    }

    @Test
    void badSyntax_isTheHubsInvalidArgument() {
        assertThatThrownBy(() -> gateway.twins().streamQueryTwins(StreamQueryTwinsRequest.newBuilder()
                .setQuery("SELECT * FROM devices WHERE").build()).hasNext())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(Statuses.errorInfo(e).getReason()).isEqualTo("ArgumentInvalid");
                });
    }
}
