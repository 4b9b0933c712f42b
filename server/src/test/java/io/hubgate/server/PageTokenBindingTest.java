package io.hubgate.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.ListDevicesRequest;
import io.hubgate.api.v1.QueryTwinsRequest;
import io.hubgate.api.v1.QueryTwinsResponse;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import io.hubgate.server.support.TwinSeeding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Page tokens are bound to the request they continue (AIP-158): query, page size and caller. A
 * token sent with anything else, altered, oversized or forged is INVALID_ARGUMENT on page_token.
 */
class PageTokenBindingTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static String batchA;
    private static String batchB;

    @BeforeAll
    static void prepare() {
        batchA = TestGateway.uniqueId("pa");
        batchB = TestGateway.uniqueId("pb");
        TwinSeeding seeding = new TwinSeeding(gateway.hub().coordinates());
        seeding.createDevices(batchA, 6);
        seeding.createDevices(batchB, 6);
    }

    private static String query(String batch) {
        return "SELECT * FROM devices WHERE tags.batch = '" + batch + "'";
    }

    private static String firstPageToken(String batch, int pageSize) {
        QueryTwinsResponse first = gateway.twins().queryTwins(QueryTwinsRequest.newBuilder()
                .setQuery(query(batch)).setPageSize(pageSize).build());
        assertThat(first.getNextPageToken()).isNotEmpty();
        return first.getNextPageToken();
    }

    private static void assertInvalidToken(StatusRuntimeException failure) {
        assertThat(failure.getStatus().getCode()).as(failure.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(failure)).containsExactly("page_token");
    }

    @Test
    void aTokenForQueryA_sentWithQueryB_isInvalidArgument_notAsRows() {
        String tokenA = firstPageToken(batchA, 2);
        assertInvalidToken(Statuses.failureOf(() -> gateway.twins().queryTwins(QueryTwinsRequest.newBuilder()
                .setQuery(query(batchB)).setPageSize(2).setPageToken(tokenA).build())));
    }

    @Test
    void aToken_sentWithItsOwnQuery_orWithoutOne_readsTheNextPage() {
        String token = firstPageToken(batchA, 2);
        QueryTwinsResponse withQuery = gateway.twins().queryTwins(QueryTwinsRequest.newBuilder()
                .setQuery(query(batchA)).setPageSize(2).setPageToken(token).build());
        QueryTwinsResponse alone = gateway.twins().queryTwins(QueryTwinsRequest.newBuilder()
                .setPageSize(2).setPageToken(token).build());
        assertThat(withQuery.getResultsList()).hasSize(2).isEqualTo(alone.getResultsList());
    }

    @Test
    void aToken_sentWithAnotherPageSize_isInvalidArgument() {
        String token = firstPageToken(batchA, 2);
        assertInvalidToken(Statuses.failureOf(() -> gateway.twins().queryTwins(QueryTwinsRequest.newBuilder()
                .setPageSize(3).setPageToken(token).build())));
    }

    @Test
    void aToken_sentByAnotherCaller_isInvalidArgument() {
        String token = firstPageToken(batchA, 2);
        TwinServiceGrpc.TwinServiceBlockingStub other = TwinServiceGrpc.newBlockingStub(gateway.channelWith(
                TestGateway.bearer(gateway.callerToken("another-caller", TestGateway.ALL_ROLES))));
        assertInvalidToken(Statuses.failureOf(() -> other.queryTwins(QueryTwinsRequest.newBuilder()
                .setPageSize(2).setPageToken(token).build())));
    }

    @Test
    void anAlteredToken_isInvalidArgument() {
        String token = firstPageToken(batchA, 2);
        char[] chars = token.toCharArray();
        chars[chars.length / 2] = chars[chars.length / 2] == 'A' ? 'B' : 'A';
        assertInvalidToken(Statuses.failureOf(() -> gateway.twins().queryTwins(QueryTwinsRequest.newBuilder()
                .setPageSize(2).setPageToken(new String(chars)).build())));
    }

    @Test
    void aTokenOfBracketsNested12000Deep_isInvalidArgument_notUnknown() {
        String nested = Base64.getUrlEncoder().withoutPadding().encodeToString("[".repeat(12_000).getBytes(StandardCharsets.UTF_8));
        assertInvalidToken(Statuses.failureOf(() -> gateway.twins().queryTwins(QueryTwinsRequest.newBuilder()
                .setPageToken(nested).build())));
        assertInvalidToken(Statuses.failureOf(() -> gateway.registry().listDevices(ListDevicesRequest.newBuilder()
                .setPageToken(nested).build())));
    }

    @Test
    void aTokenLongerThanAnyTheGatewayMints_isInvalidArgument() {
        String huge = "A".repeat(70 * 1024); // longer than any token, within what QueryTwins takes
        assertInvalidToken(Statuses.failureOf(() -> gateway.twins().queryTwins(QueryTwinsRequest.newBuilder()
                .setPageToken(huge).build())));
    }

    @Test
    void aTokenOfAMegabyte_isRefusedUnparsed_asLargerThanQueryTwinsTakes() {
        String huge = "A".repeat(1 << 20);
        StatusRuntimeException failure = Statuses.failureOf(() -> gateway.twins().queryTwins(QueryTwinsRequest.newBuilder()
                .setPageToken(huge).build()));
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }

    @Test
    void aForgedTokenInTheOldFormat_isInvalidArgument() {
        String json = "{\"q\":\"" + query(batchB) + "\",\"s\":0}";
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        assertInvalidToken(Statuses.failureOf(() -> gateway.twins().queryTwins(QueryTwinsRequest.newBuilder()
                .setPageToken(forged).build())));
    }

    @Test
    void aToken_fromOneReplica_isHonouredByAnotherWithTheSameKey_andRefusedByOneWithout() throws Exception {
        io.hubgate.server.config.PageTokenKey shared = io.hubgate.server.config.PageTokenKey.of("a-shared-secret-of-more-than-32-bytes!");
        String caller = gateway.callerToken("replica-caller", TestGateway.ALL_ROLES);
        try (TestGateway first = gateway.sibling(io.hubgate.emulator.entra.DefaultDirectory.GATEWAY, 8, 100, c -> c.withPageTokenKey(shared));
             TestGateway second = gateway.sibling(io.hubgate.emulator.entra.DefaultDirectory.GATEWAY, 8, 100, c -> c.withPageTokenKey(shared));
             TestGateway stranger = gateway.sibling(io.hubgate.emulator.entra.DefaultDirectory.GATEWAY, 8, 100, c -> c)) {
            QueryTwinsRequest firstPage = QueryTwinsRequest.newBuilder().setQuery(query(batchA)).setPageSize(2).build();
            String token = TwinServiceGrpc.newBlockingStub(first.channelWith(TestGateway.bearer(caller)))
                    .queryTwins(firstPage).getNextPageToken();
            QueryTwinsRequest next = firstPage.toBuilder().setPageToken(token).build();
            assertThat(TwinServiceGrpc.newBlockingStub(second.channelWith(TestGateway.bearer(caller))).queryTwins(next)
                    .getResultsList()).hasSize(2);
            assertInvalidToken(Statuses.failureOf(() -> TwinServiceGrpc.newBlockingStub(stranger.channelWith(TestGateway.bearer(caller)))
                    .queryTwins(next)));
        }
    }

    @Test
    void aPageTokenKey_shorterThan32Bytes_isRefusedAtStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.hubgate.server.config.GatewayOptions.parse("--page-token-key", "short"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--page-token-key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("short"));
        assertThat(io.hubgate.server.config.GatewayOptions.parse("--page-token-key", "x".repeat(32)).pageTokenKey())
                .hasToString("PageTokenKey(configured)");
        assertThat(io.hubgate.server.config.GatewayOptions.parse().pageTokenKey()).isNull();
    }

    @Test
    void aListDevicesToken_sentToQueryTwins_isInvalidArgument() {
        String token = gateway.registry().listDevices(ListDevicesRequest.newBuilder().setPageSize(1).build()).getNextPageToken();
        assertThat(token).isNotEmpty();
        assertInvalidToken(Statuses.failureOf(() -> gateway.twins().queryTwins(QueryTwinsRequest.newBuilder()
                .setPageSize(1).setPageToken(token).build())));
    }
}
