package io.hubgate.server;

import static io.hubgate.server.support.Statuses.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.DeleteDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.Twin;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.emulator.store.DeviceEntry;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * Ids that are nothing but one punctuation character, a lone {@code %}, or 128 characters of
 * punctuation, exactly as given (no random tail, unlike {@code ExactUpstreamTest}): each either
 * works end to end on exactly that id — create, get, twin write and read, delete — or is refused
 * INVALID_ARGUMENT naming the field, and never reaches another identity. Such ids are where an
 * encoder's special cases hide ({@code *} as a wildcard, {@code %} as the start of an escape,
 * {@code '} inside a query literal, {@code $} as a reserved prefix).
 *
 * <p>The gateway gets its own emulator: single-character ids are global names, and the test
 * compares the whole registry before and after each id.
 */
class OddIdsTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();
    private static Twin canaryTwin;
    private static final String CANARY = "odd-ids-canary";

    @BeforeAll
    static void createTheCanary() {
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(CANARY)).build());
        canaryTwin = gateway.twins().updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(CANARY).setTags(tag("canary")).build());
    }

    private static Struct tag(String value) {
        return Struct.newBuilder().putFields("who", Value.newBuilder().setStringValue(value).build()).build();
    }

    private static Set<String> registry() {
        Set<String> ids = new TreeSet<>();
        for (DeviceEntry entry : gateway.hub().store().after(null)) {
            ids.add(entry.deviceId());
        }
        return ids;
    }

    /**
     * Every character of IoT Hub's id punctuation alone, a few doubled or escape-like, 128
     * characters of the riskiest ones (the longest id allowed), and 129 (one too many).
     */
    static List<String> oddIds() {
        List<String> ids = new ArrayList<>();
        for (char c : "-'$*!()=@,:%.+_#?;".toCharArray()) {
            ids.add(String.valueOf(c));
        }
        ids.addAll(List.of("%%", "%2", "%25", "%2F", "''", "$$", "**", "?x=1", "#x"));
        for (String repeated : List.of("-", "'", "%", "*", "$")) {
            ids.add(repeated.repeat(128));
        }
        String punctuation = "-:.+%_#*?!(),=@;$'";
        ids.add(punctuation.repeat(8).substring(0, 128));
        ids.add("-".repeat(129));
        return ids;
    }

    @ParameterizedTest
    @MethodSource("oddIds")
    void anOddId_worksEndToEndOnExactlyThatId_orIsInvalidArgumentNamingTheField(String id) {
        Set<String> before = registry();
        assertThat(before).doesNotContain(id);

        StatusRuntimeException refused = refusal(() -> gateway.registry().createDevice(
                CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build()));
        if (refused != null) {
            assertInvalid(refused, "device.device_id", id);
            // Refused at creation, so refused (not NOT_FOUND, not another device) on every other RPC too.
            assertInvalid(failureOf(() -> gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build())),
                    "device_id", id);
            assertInvalid(failureOf(() -> gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build())),
                    "device_id", id);
            assertInvalid(failureOf(() -> gateway.registry().deleteDevice(DeleteDeviceRequest.newBuilder().setDeviceId(id).build())),
                    "device_id", id);
        } else {
            assertThat(registry()).as("created exactly " + id).isEqualTo(with(before, id));
            assertThat(gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build()).getDeviceId()).isEqualTo(id);

            Twin written = gateway.twins().updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id).setTags(tag(id)).build());
            assertThat(written.getDeviceId()).isEqualTo(id);
            Twin read = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
            assertThat(read.getDeviceId()).isEqualTo(id);
            assertThat(read.getTags()).isEqualTo(tag(id));
            assertThat(gateway.hub().store().get(id).twin().tags().path("who").asText()).as("the hub's own record").isEqualTo(id);

            gateway.registry().deleteDevice(DeleteDeviceRequest.newBuilder().setDeviceId(id).build());
        }
        assertThat(registry()).as("nothing but " + id + " was created or deleted").isEqualTo(before);
        assertThat(gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(CANARY).build()))
                .as("the canary's twin").isEqualTo(canaryTwin);
    }

    private static Set<String> with(Set<String> ids, String id) {
        Set<String> more = new TreeSet<>(ids);
        more.add(id);
        return more;
    }

    /** The call's INVALID_ARGUMENT failure, or null when it succeeded; any other failure fails the test. */
    private static StatusRuntimeException refusal(Callable<?> call) {
        try {
            call.call();
            return null;
        } catch (StatusRuntimeException failure) {
            assertThat(failure.getStatus().getCode()).as(failure.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            return failure;
        } catch (Exception unexpected) {
            throw new AssertionError(unexpected);
        }
    }

    private static void assertInvalid(StatusRuntimeException failure, String field, String id) {
        assertThat(failure.getStatus().getCode()).as(id + ": " + failure.getStatus()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(failure)).as(id).isEqualTo(List.of(field));
    }
}
