package io.hubgate.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.DeviceStatus;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.ListDevicesRequest;
import io.hubgate.api.v1.ListDevicesResponse;
import io.hubgate.api.v1.RegistryStatistics;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.hubgate.server.support.Statuses.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ListDevices and GetRegistryStatistics on a gateway of its own whose hub holds exactly the
 * devices this class creates, so pages and counts can be checked exactly: nothing is created or
 * deleted after {@link #start()}.
 */
class ListDevicesTest {

    private static final int DEVICES = 30;
    /** Every fourth device is created disabled. */
    private static final int DISABLED = 8;

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static List<String> ids;

    @BeforeAll
    static void prepare() {
        ids = IntStream.range(0, DEVICES).mapToObj(i -> String.format("list-%02d", i)).toList();
        for (int i = 0; i < DEVICES; i++) {
            gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder()
                    .setDeviceId(ids.get(i)).setIotEdge(i == 5)
                    .setStatus(i % 4 == 0 ? DeviceStatus.DEVICE_STATUS_DISABLED : DeviceStatus.DEVICE_STATUS_ENABLED)).build());
        }
    }

    /** Every page of a listing with this page size, following next_page_token until it is empty. */
    private static List<ListDevicesResponse> allPages(int pageSize) {
        List<ListDevicesResponse> pages = new ArrayList<>();
        String token = "";
        do {
            ListDevicesResponse page = gateway.registry().listDevices(ListDevicesRequest.newBuilder()
                    .setPageSize(pageSize).setPageToken(token).build());
            pages.add(page);
            token = page.getNextPageToken();
        } while (!token.isEmpty() && pages.size() <= DEVICES + 1);
        return pages;
    }

    @Test
    void pagesOfSeven_listEveryDeviceOnce_inIdOrder_andTheLastPageHasNoToken() {
        List<ListDevicesResponse> pages = allPages(7);

        List<String> listed = pages.stream().flatMap(p -> p.getDevicesList().stream()).map(Device::getDeviceId).toList();
        assertThat(listed).containsExactlyElementsOf(ids);
        assertThat(pages).hasSizeGreaterThanOrEqualTo(5);
        assertThat(pages).allSatisfy(page -> assertThat(page.getDevicesCount()).isLessThanOrEqualTo(7));
        assertThat(pages.subList(0, 4)).allSatisfy(page -> assertThat(page.getDevicesCount()).isEqualTo(7));
        assertThat(pages.get(pages.size() - 1).getNextPageToken()).isEmpty();
        assertThat(pages.subList(0, pages.size() - 1)).allSatisfy(page -> assertThat(page.getNextPageToken()).isNotEmpty());
    }

    @Test
    void pagesThatDivideTheRegistryExactly_stillEndWithAnEmptyToken() {
        List<ListDevicesResponse> pages = allPages(10);

        List<String> listed = pages.stream().flatMap(p -> p.getDevicesList().stream()).map(Device::getDeviceId).toList();
        assertThat(listed).containsExactlyElementsOf(ids);
        assertThat(pages.get(pages.size() - 1).getNextPageToken()).isEmpty();
    }

    @Test
    void theDefaultPageSize_listsAllThirtyInOnePage() {
        ListDevicesResponse page = gateway.registry().listDevices(ListDevicesRequest.getDefaultInstance());

        assertThat(page.getDevicesList()).extracting(Device::getDeviceId).containsExactlyElementsOf(ids);
        assertThat(page.getNextPageToken()).isEmpty();
    }

    @Test
    void listedDevices_carryStatusEtagAndEdge_butNeverKeys() {
        Map<String, Device> listed = allPages(7).stream().flatMap(p -> p.getDevicesList().stream())
                .collect(Collectors.toMap(Device::getDeviceId, Function.identity()));

        assertThat(listed.values()).allSatisfy(device -> assertThat(device.hasSymmetricKeys()).isFalse());
        assertThat(listed.values().stream().filter(d -> d.getStatus() == DeviceStatus.DEVICE_STATUS_DISABLED))
                .extracting(Device::getDeviceId)
                .containsExactlyInAnyOrder("list-00", "list-04", "list-08", "list-12", "list-16", "list-20", "list-24", "list-28");
        assertThat(listed.get("list-05").getIotEdge()).isTrue();
        assertThat(listed.get("list-06").getIotEdge()).isFalse();
        Device read = gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId("list-07").build());
        assertThat(listed.get("list-07").getEtag()).isEqualTo(read.getEtag());
    }

    @Test
    void aGarbageOrForeignPageToken_isInvalidArgumentOnPageToken() {
        String foreign = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"q\":\"SELECT * FROM devices.modules\",\"s\":0}".getBytes(StandardCharsets.UTF_8));

        StatusRuntimeException garbage = failureOf(() -> gateway.registry().listDevices(ListDevicesRequest.newBuilder()
                .setPageToken("not a token at all").build()));
        StatusRuntimeException wrongQuery = failureOf(() -> gateway.registry().listDevices(ListDevicesRequest.newBuilder()
                .setPageToken(foreign).build()));

        assertThat(garbage.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(garbage)).containsExactly("page_token");
        assertThat(wrongQuery.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(wrongQuery)).containsExactly("page_token");
    }

    @Test
    void aPageSizeOutside0To1000_isInvalidArgumentOnPageSize() {
        StatusRuntimeException tooLarge = failureOf(() -> gateway.registry().listDevices(ListDevicesRequest.newBuilder()
                .setPageSize(1001).build()));
        StatusRuntimeException negative = failureOf(() -> gateway.registry().listDevices(ListDevicesRequest.newBuilder()
                .setPageSize(-1).build()));
        ListDevicesResponse largest = gateway.registry().listDevices(ListDevicesRequest.newBuilder().setPageSize(1000).build());

        assertThat(tooLarge.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(tooLarge)).containsExactly("page_size");
        assertThat(Statuses.violatedFields(negative)).containsExactly("page_size");
        assertThat(largest.getDevicesCount()).isEqualTo(DEVICES);
    }

    @Test
    void statistics_countExactlyTheDevicesOfThisHub() {
        RegistryStatistics statistics = gateway.registry().getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance());

        assertThat(statistics.getTotalDeviceCount()).isEqualTo(DEVICES);
        assertThat(statistics.getDisabledDeviceCount()).isEqualTo(DISABLED);
        assertThat(statistics.getEnabledDeviceCount()).isEqualTo(DEVICES - DISABLED);
    }
}
