package io.hubgate.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.QueryResult;
import io.hubgate.api.v1.QueryTwinsRequest;
import io.hubgate.api.v1.StreamQueryTwinsRequest;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Query text is UTF-8: non-ASCII characters in string literals find what they name, through
 * QueryTwins and StreamQueryTwins alike. (The Java SDK refuses any query whose UTF-8 length
 * differs from its length in chars, which was the cause of the INTERNAL answers.)
 */
class QueryTextTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static String city;
    private static String deviceId;

    @BeforeAll
    static void prepare() {
        city = TestGateway.uniqueId("Zürich") + "-東京-😀";
        deviceId = TestGateway.uniqueId("unicode");
        gateway.registry().createDevice(io.hubgate.api.v1.CreateDeviceRequest.newBuilder()
                .setDevice(io.hubgate.api.v1.Device.newBuilder().setDeviceId(deviceId)).build());
        gateway.twins().updateTwin(io.hubgate.api.v1.UpdateTwinRequest.newBuilder().setDeviceId(deviceId)
                .setTags(com.google.protobuf.Struct.newBuilder().putFields("city",
                        com.google.protobuf.Value.newBuilder().setStringValue(city).build())).build());
    }

    @Test
    void queryTwins_nonAsciiInAStringLiteral_findsTheTwin() {
        var page = gateway.twins().queryTwins(QueryTwinsRequest.newBuilder()
                .setQuery("SELECT * FROM devices WHERE tags.city = '" + city + "'").build());
        assertThat(page.getResultsList()).extracting(r -> r.getTwin().getDeviceId()).containsExactly(deviceId);
        assertThat(page.getResults(0).getTwin().getTags().getFieldsOrThrow("city").getStringValue()).isEqualTo(city);
    }

    @Test
    void queryTwins_theIssuesOwnExample_isAnsweredNotInternal() {
        var page = gateway.twins().queryTwins(QueryTwinsRequest.newBuilder()
                .setQuery("SELECT * FROM devices WHERE tags.city = 'Zürich'").build());
        assertThat(page.getResultsList()).isEmpty();
    }

    @Test
    void streamQueryTwins_nonAsciiInADoubleQuotedLiteral_findsTheTwin() {
        List<QueryResult> results = new ArrayList<>();
        gateway.twins().streamQueryTwins(StreamQueryTwinsRequest.newBuilder()
                .setQuery("SELECT deviceId FROM devices WHERE tags.city = \"" + city + "\"").build()).forEachRemaining(results::add);
        assertThat(results).extracting(r -> r.getRow().getFieldsOrThrow("deviceId").getStringValue()).containsExactly(deviceId);
    }

    @Test
    void queryTwins_nonAsciiOutsideAStringLiteral_isInvalidArgumentOnQuery() {
        StatusRuntimeException failure = Statuses.failureOf(() -> gateway.twins().queryTwins(QueryTwinsRequest.newBuilder()
                .setQuery("SELECT * FROM devices WHERE tags.städte = 'x'").build()));
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(failure)).containsExactly("query");
        StatusRuntimeException streamed = Statuses.failureOf(() -> gateway.twins().streamQueryTwins(StreamQueryTwinsRequest.newBuilder()
                .setQuery("SELECT * FROM devices WHERE tags.städte = 'x'").build()).hasNext());
        assertThat(streamed.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
}
