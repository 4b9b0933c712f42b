package io.hubgate.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateModuleRequest;
import io.hubgate.api.v1.Module;
import io.hubgate.api.v1.QueryResult;
import io.hubgate.api.v1.QueryTwinsRequest;
import io.hubgate.api.v1.QueryTwinsResponse;
import io.hubgate.server.support.QueryFetchCounter;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import io.hubgate.server.support.TwinSeeding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** QueryTwins end to end: one page per call, page tokens that carry the query, twins and rows. */
class QueryTwinsTest {

    private static final int DEVICES = 15;

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static String batch;
    private static List<String> ids;

    @BeforeAll
    static void prepare() {
        batch = TestGateway.uniqueId("q");
        ids = new TwinSeeding(gateway.hub().coordinates()).createDevices(batch, DEVICES);
    }

    private static String inBatch(String select) {
        return select + " FROM devices WHERE tags.batch = '" + batch + "'";
    }

    private static QueryTwinsResponse query(String query, int pageSize) {
        return gateway.twins().queryTwins(QueryTwinsRequest.newBuilder().setQuery(query).setPageSize(pageSize).build());
    }

    private static QueryTwinsResponse next(String pageToken, int pageSize) {
        return gateway.twins().queryTwins(QueryTwinsRequest.newBuilder().setPageToken(pageToken).setPageSize(pageSize).build());
    }

    private static void assertInvalid(QueryTwinsRequest request, String field) {
        assertThatThrownBy(() -> gateway.twins().queryTwins(request)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(Statuses.violatedFields(e)).containsExactly(field);
        });
    }

    @Test
    void pagesOfFour_coverEveryMatchingTwinOnce_andTheLastPageHasNoToken() {
        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        try (QueryFetchCounter fetches = QueryFetchCounter.install(gateway.hub().faults(), Duration.ZERO)) {
            QueryTwinsResponse page = query(inBatch("SELECT *"), 4);
            while (true) {
                pageSizes.add(page.getResultsCount());
                page.getResultsList().forEach(result -> seen.add(result.getTwin().getDeviceId()));
                if (page.getNextPageToken().isEmpty()) {
                    break;
                }
                page = next(page.getNextPageToken(), 4);
            }

            assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
            assertThat(pageSizes).containsExactly(4, 4, 4, 3);
            // One IoT Hub query per page: a page token never makes the gateway re-read a used-up page.
            assertThat(fetches.count()).isEqualTo(4);
        }
    }

    @Test
    void aPageToken_aloneReadsTheSamePageAgain() {
        QueryTwinsResponse first = query(inBatch("SELECT *"), 4);

        QueryTwinsResponse second = next(first.getNextPageToken(), 4);
        QueryTwinsResponse again = next(first.getNextPageToken(), 4);

        assertThat(second.getResultsCount()).isEqualTo(4);
        assertThat(again.getResultsList()).extracting(r -> r.getTwin().getDeviceId())
                .containsExactlyElementsOf(second.getResultsList().stream().map(r -> r.getTwin().getDeviceId()).toList());
        assertThat(second.getResultsList()).extracting(r -> r.getTwin().getDeviceId())
                .doesNotContainAnyElementsOf(first.getResultsList().stream().map(r -> r.getTwin().getDeviceId()).toList());
    }

    @Test
    void selectStar_returnsWholeTwins() {
        QueryTwinsResponse page = query(inBatch("SELECT *"), 100);

        assertThat(page.getResultsList()).hasSize(DEVICES).allSatisfy(result -> {
            assertThat(result.getResultCase()).isEqualTo(QueryResult.ResultCase.TWIN);
            assertThat(result.getTwin().getEtag()).isNotEmpty();
            assertThat(result.getTwin().getTags().getFieldsOrThrow("batch").getStringValue()).isEqualTo(batch);
        });
        assertThat(page.getNextPageToken()).isEmpty();
    }

    @Test
    void aProjection_returnsRowsWithTheAliases() {
        QueryTwinsResponse page = query(inBatch("SELECT deviceId, tags.n AS number"), 100);

        assertThat(page.getResultsList()).hasSize(DEVICES).allSatisfy(result -> {
            assertThat(result.getResultCase()).isEqualTo(QueryResult.ResultCase.ROW);
            assertThat(result.getRow().getFieldsMap()).containsOnlyKeys("deviceId", "number");
        });
        assertThat(page.getResultsList()).extracting(r -> r.getRow().getFieldsOrThrow("number").getNumberValue())
                .containsExactlyInAnyOrder(0d, 1d, 2d, 3d, 4d, 5d, 6d, 7d, 8d, 9d, 10d, 11d, 12d, 13d, 14d);
    }

    @Test
    void count_returnsOneRow() {
        QueryTwinsResponse page = query(inBatch("SELECT COUNT() AS n"), 0);

        assertThat(page.getResultsList()).singleElement().satisfies(result ->
                assertThat(result.getRow().getFieldsOrThrow("n").getNumberValue()).isEqualTo(DEVICES));
    }

    @Test
    void moduleTwins_comeFromDevicesModules() {
        String device = ids.get(0);
        for (String module : List.of("left", "right")) {
            gateway.registry().createModule(CreateModuleRequest.newBuilder()
                    .setModule(Module.newBuilder().setDeviceId(device).setModuleId(module)).build());
        }

        QueryTwinsResponse page = query("SELECT * FROM devices.modules WHERE deviceId = '" + device + "'", 10);

        assertThat(page.getResultsList()).extracting(r -> r.getTwin().getModuleId()).containsExactlyInAnyOrder("left", "right");
        assertThat(page.getResultsList()).extracting(r -> r.getTwin().getDeviceId()).containsOnly(device);
    }

    @Test
    void badSyntax_isTheHubsInvalidArgument() {
        assertThatThrownBy(() -> query("SELECT * FROM devices WHERE tags.site =", 10))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(Statuses.errorInfo(e).getReason()).isEqualTo("ArgumentInvalid");
                    assertThat(Statuses.errorInfo(e).getMetadataMap()).containsEntry("iotHubErrorCode", "400004");
                });
    }

    @Test
    void anEmptyQuery_isInvalid_onFieldQuery() {
        assertInvalid(QueryTwinsRequest.newBuilder().build(), "query");
        assertInvalid(QueryTwinsRequest.newBuilder().setQuery("   ").build(), "query");
    }

    @Test
    void aGarbagePageToken_isInvalid_onFieldPageToken() {
        assertInvalid(QueryTwinsRequest.newBuilder().setPageToken("not-a-token").build(), "page_token");
        assertInvalid(QueryTwinsRequest.newBuilder().setPageToken("e30").build(), "page_token"); // "{}"
    }

    @Test
    void aPageSizeAbove1000_isInvalid_onFieldPageSize() {
        assertInvalid(QueryTwinsRequest.newBuilder().setQuery(inBatch("SELECT *")).setPageSize(1001).build(), "page_size");
    }
}
