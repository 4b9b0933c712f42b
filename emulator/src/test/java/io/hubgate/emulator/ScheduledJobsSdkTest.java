package io.hubgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.jobs.DirectMethodsJobOptions;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJob;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobStatus;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobType;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobsClient;
import com.microsoft.azure.sdk.iot.service.query.JobQueryResponse;
import com.microsoft.azure.sdk.iot.service.query.QueryPageOptions;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.hubgate.emulator.devices.MethodBehaviour;
import io.hubgate.emulator.devices.SimulatedDevices;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.SdkErrors;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Scheduled jobs through the official Java SDK's {@link ScheduledJobsClient}: twin-update and
 * method jobs over the devices a condition selects, cancel, the job listing, device job entries
 * ({@code devices.jobs}) and the service's refusals.
 */
class ScheduledJobsSdkTest {

    private static RegistryClient registry;
    private static TwinClient twins;
    private static ScheduledJobsClient jobs;
    private static RawHub raw;

    @BeforeAll
    static void connect() {
        String host = TestHub.coordinates().hostWithPort();
        registry = new RegistryClient(host, TestHub.sas("iothubowner"));
        twins = new TwinClient(host, TestHub.sas("iothubowner"));
        jobs = new ScheduledJobsClient(host, TestHub.sas("iothubowner"));
        raw = new RawHub(TestHub.coordinates());
    }

    /** Devices tagged {@code site = <site>}. */
    private static List<String> devicesAtSite(String site, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = registry.addDevice(new Device(TestHub.uniqueId("job"))).getDeviceId();
            Twin twin = new Twin(id);
            twin.getTags().put("site", site);
            twins.patch(twin);
            ids.add(id);
        }
        return ids;
    }

    private static ScheduledJob awaitStatus(String jobId, ScheduledJobStatus status) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> jobs.get(jobId), job -> job.getJobStatus() == status);
    }

    private static List<JsonNode> deviceEntries(String jobId) {
        RawHub.Response response = raw.call("POST", "/devices/query",
                "{\"query\":\"SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '" + jobId + "'\"}");
        assertThat(response.status()).isEqualTo(200);
        List<JsonNode> entries = new ArrayList<>();
        response.json().forEach(entries::add);
        return entries;
    }

    @Test
    void twinJob_patchesEveryDeviceTheConditionSelects_andCompletes() throws Exception {
        String site = TestHub.uniqueId("site");
        List<String> tagged = devicesAtSite(site, 2);
        String untagged = registry.addDevice(new Device(TestHub.uniqueId("job-other"))).getDeviceId();
        String jobId = TestHub.uniqueId("twinjob");
        Twin patch = new Twin();
        patch.getDesiredProperties().put("firmware", "2.4");
        patch.getTags().put("rollout", "wave1");

        ScheduledJob accepted = jobs.scheduleUpdateTwin(jobId, "tags.site = '" + site + "'", patch, new Date(), 60);

        assertThat(accepted.getJobId()).isEqualTo(jobId);
        assertThat(accepted.getJobType()).isEqualTo(ScheduledJobType.scheduleUpdateTwin);
        ScheduledJob done = awaitStatus(jobId, ScheduledJobStatus.completed);
        assertThat(done.getJobStatistics().getDeviceCount()).isEqualTo(2);
        assertThat(done.getJobStatistics().getSucceededCount()).isEqualTo(2);
        assertThat(done.getJobStatistics().getFailedCount()).isZero();
        assertThat(done.getQueryCondition()).isEqualTo("tags.site = '" + site + "'");
        assertThat(done.getEndTime()).isNotNull();
        for (String id : tagged) {
            Twin twin = twins.get(id);
            assertThat(twin.getDesiredProperties().get("firmware")).isEqualTo("2.4");
            assertThat(twin.getTags().get("rollout")).isEqualTo("wave1");
            assertThat(twin.getTags().get("site")).isEqualTo(site);
        }
        assertThat(twins.get(untagged).getDesiredProperties().get("firmware")).isNull();
    }

    @Test
    void twinJobEntries_areQueryableAsDevicesJobs_throughTheSdk() throws Exception {
        String site = TestHub.uniqueId("site");
        List<String> tagged = devicesAtSite(site, 2);
        String jobId = TestHub.uniqueId("entries");
        Twin patch = new Twin();
        patch.getDesiredProperties().put("mode", "eco");
        jobs.scheduleUpdateTwin(jobId, "tags.site = '" + site + "'", patch, new Date(), 60);
        awaitStatus(jobId, ScheduledJobStatus.completed);

        JobQueryResponse entries = jobs.query("SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '" + jobId + "'",
                QueryPageOptions.builder().pageSize(1).build());
        Set<String> devices = new HashSet<>();
        while (entries.hasNext()) {
            ScheduledJob entry = entries.next(QueryPageOptions.builder().pageSize(1).build());
            assertThat(entry.getJobId()).isEqualTo(jobId);
            assertThat(entry.getJobType()).isEqualTo(ScheduledJobType.scheduleUpdateTwin);
            assertThat(entry.getJobStatus()).isEqualTo(ScheduledJobStatus.completed);
            assertThat(entry.getEndTime()).isNotNull();
            devices.add(entry.getDeviceId());
        }
        assertThat(devices).containsExactlyInAnyOrderElementsOf(tagged);
    }

    @Test
    void methodJob_callsConnectedDevices_andADisconnectedDeviceFailsItsEntry() throws Exception {
        String site = TestHub.uniqueId("site");
        List<String> ids = devicesAtSite(site, 2);
        String online = ids.get(0);
        String offline = ids.get(1);
        SimulatedDevices devices = TestHub.emulator().devices();
        SimulatedDevices.Target target = new SimulatedDevices.Target(online, null);
        devices.setConnected(target, true);
        devices.onMethod(target, "reboot", new MethodBehaviour(200, IntNode.valueOf(7), Duration.ZERO, true, false));
        String jobId = TestHub.uniqueId("methodjob");

        jobs.scheduleDirectMethod(jobId, "tags.site = '" + site + "'", "reboot", new Date(),
                DirectMethodsJobOptions.builder().payload(Map.of("delay", 5)).methodResponseTimeoutSeconds(10)
                        .methodConnectTimeoutSeconds(0).maxExecutionTimeSeconds(60).build());

        ScheduledJob done = awaitStatus(jobId, ScheduledJobStatus.completed);
        assertThat(done.getJobStatistics().getSucceededCount()).isEqualTo(1);
        assertThat(done.getJobStatistics().getFailedCount()).isEqualTo(1);
        assertThat(devices.receivedCalls(target)).singleElement()
                .satisfies(call -> assertThat(call.payload().get("delay").intValue()).isEqualTo(5));
        Map<String, JsonNode> byDevice = new java.util.HashMap<>();
        deviceEntries(jobId).forEach(entry -> byDevice.put(entry.get("deviceId").textValue(), entry));
        assertThat(byDevice.get(online).get("status").textValue()).isEqualTo("completed");
        assertThat(byDevice.get(online).at("/outcome/deviceMethodResponse/status").intValue()).isEqualTo(200);
        assertThat(byDevice.get(online).at("/outcome/deviceMethodResponse/payload").intValue()).isEqualTo(7);
        assertThat(byDevice.get(offline).get("status").textValue()).isEqualTo("failed");
        assertThat(byDevice.get(offline).at("/error/code").textValue()).isEqualTo("DeviceNotOnline");

        // The SDK reads a failed entry (it has no outcome) …
        JobQueryResponse failed = jobs.query("SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '" + jobId
                + "' AND devices.jobs.status = 'failed'");
        assertThat(failed.next().getDeviceId()).isEqualTo(offline);
        assertThat(failed.hasNext()).isFalse();
    }

    @Test
    void cancelMidRun_endsEveryUnfinishedEntryAsCanceled_andTheCancelledJobsStatisticsAreFinal() throws Exception {
        String site = TestHub.uniqueId("site");
        List<String> ids = devicesAtSite(site, 2); // neither connects: both wait out their connect timeout
        String jobId = TestHub.uniqueId("cancelrun");
        jobs.scheduleDirectMethod(jobId, "tags.site = '" + site + "'", "reboot", new Date(),
                DirectMethodsJobOptions.builder().methodResponseTimeoutSeconds(5).methodConnectTimeoutSeconds(60)
                        .maxExecutionTimeSeconds(120).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> jobs.get(jobId).getJobStatistics().getRunningCount() == 2);

        ScheduledJob cancelled = jobs.cancel(jobId);

        // The answer to the cancel already holds the final counts: nothing runs on in a cancelled job.
        assertThat(cancelled.getJobStatus()).isEqualTo(ScheduledJobStatus.cancelled);
        assertThat(cancelled.getJobStatistics().getRunningCount()).isZero();
        assertThat(cancelled.getJobStatistics().getPendingCount()).isZero();
        assertThat(cancelled.getJobStatistics().getFailedCount()).isEqualTo(2);
        // … and they stay so: a device's connect retry after the cancel is not recorded as a device fault.
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> deviceEntries(jobId),
                entries -> entries.stream().allMatch(entry -> "canceled".equals(entry.get("status").textValue())
                        && "JobCancelled".equals(entry.at("/error/code").textValue())));
        assertThat(deviceEntries(jobId)).extracting(entry -> entry.get("deviceId").textValue())
                .containsExactlyInAnyOrderElementsOf(ids);
        assertThat(jobs.get(jobId).getJobStatistics().getFailedCount()).isEqualTo(2);
    }

    @Test
    void futureJob_isScheduled_andCancelLeavesItsDevicesUntouched() throws Exception {
        String site = TestHub.uniqueId("site");
        String id = devicesAtSite(site, 1).get(0);
        String jobId = TestHub.uniqueId("future");
        Twin patch = new Twin();
        patch.getDesiredProperties().put("late", true);

        jobs.scheduleUpdateTwin(jobId, "tags.site = '" + site + "'", patch,
                new Date(System.currentTimeMillis() + Duration.ofHours(1).toMillis()), 60);

        awaitStatus(jobId, ScheduledJobStatus.scheduled);
        ScheduledJob cancelled = jobs.cancel(jobId);
        assertThat(cancelled.getJobStatus()).isEqualTo(ScheduledJobStatus.cancelled);
        assertThat(jobs.get(jobId).getJobStatus()).isEqualTo(ScheduledJobStatus.cancelled);
        assertThat(jobs.cancel(jobId).getJobStatus()).as("cancelling again").isEqualTo(ScheduledJobStatus.cancelled);
        assertThat(twins.get(id).getDesiredProperties().get("late")).isNull();
    }

    @Test
    void queryByTypeAndStatus_pagesThroughMatchingJobsOnly() throws Exception {
        String site = TestHub.uniqueId("site");
        devicesAtSite(site, 1);
        Set<String> cancelledTwinJobs = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            String jobId = TestHub.uniqueId("listed");
            Twin patch = new Twin();
            patch.getDesiredProperties().put("n", i);
            jobs.scheduleUpdateTwin(jobId, "tags.site = '" + site + "'", patch,
                    new Date(System.currentTimeMillis() + Duration.ofHours(1).toMillis()), 60);
            jobs.cancel(jobId);
            cancelledTwinJobs.add(jobId);
        }

        JobQueryResponse listing = jobs.query(ScheduledJobType.scheduleUpdateTwin, ScheduledJobStatus.cancelled,
                QueryPageOptions.builder().pageSize(1).build());
        Set<String> seen = new HashSet<>();
        while (listing.hasNext()) {
            ScheduledJob job = listing.next(QueryPageOptions.builder().pageSize(1).build());
            assertThat(job.getJobType()).isEqualTo(ScheduledJobType.scheduleUpdateTwin);
            assertThat(job.getJobStatus()).isEqualTo(ScheduledJobStatus.cancelled);
            seen.add(job.getJobId());
        }
        assertThat(seen).containsAll(cancelledTwinJobs);
        JobQueryResponse methods = jobs.query(ScheduledJobType.scheduleDeviceMethod, ScheduledJobStatus.cancelled);
        while (methods.hasNext()) {
            assertThat(cancelledTwinJobs).doesNotContain(methods.next().getJobId());
        }
    }

    @Test
    void invalidQueryCondition_failsTheJobWithTheParseError() throws Exception {
        String jobId = TestHub.uniqueId("badquery");
        Twin patch = new Twin();
        patch.getDesiredProperties().put("x", 1);

        jobs.scheduleUpdateTwin(jobId, "SELECT * FROM devices", patch, new Date(), 60);

        ScheduledJob failed = awaitStatus(jobId, ScheduledJobStatus.failed);
        assertThat(failed.getFailureReason()).startsWith("The query condition is invalid");
        assertThat(failed.getJobStatistics().getDeviceCount()).isZero();
    }

    @Test
    void sameJobIdTwice_isJobAlreadyExists409104() throws Exception {
        String jobId = TestHub.uniqueId("twice");
        Twin patch = new Twin();
        patch.getDesiredProperties().put("x", 1);
        Date later = new Date(System.currentTimeMillis() + Duration.ofHours(1).toMillis());
        jobs.scheduleUpdateTwin(jobId, "deviceId = 'nobody'", patch, later, 60);

        assertThatThrownBy(() -> jobs.scheduleUpdateTwin(jobId, "deviceId = 'nobody'", patch, later, 60))
                .isInstanceOf(IotHubConflictException.class)
                .satisfies(SdkErrors.named(HubErrorCode.JOB_ALREADY_EXISTS));
        jobs.cancel(jobId);
    }

    @Test
    void twinJobWithAnEtag_isRefused_becauseItIsAForcedUpdate() {
        Twin patch = new Twin();
        patch.getDesiredProperties().put("x", 1);
        patch.setETag("AAAAAAAAAAE=");

        assertThatThrownBy(() -> jobs.scheduleUpdateTwin(TestHub.uniqueId("etag"), "*", patch, new Date(), 60))
                .isInstanceOf(IotHubBadFormatException.class)
                .satisfies(SdkErrors.named(HubErrorCode.ARGUMENT_INVALID))
                .hasMessageContaining("only accepts '*' as the Etag");
    }

    @Test
    void jobIdOutsideTheServiceRules_isArgumentInvalid400004() {
        Twin patch = new Twin();
        patch.getDesiredProperties().put("x", 1);

        assertThatThrownBy(() -> jobs.scheduleUpdateTwin("under_score", "*", patch, new Date(), 60))
                .isInstanceOf(IotHubBadFormatException.class)
                .satisfies(SdkErrors.named(HubErrorCode.ARGUMENT_INVALID));
        assertThatThrownBy(() -> jobs.scheduleUpdateTwin("j".repeat(65), "*", patch, new Date(), 60))
                .isInstanceOf(IotHubBadFormatException.class)
                .hasMessageContaining("at most 64");
    }

    @Test
    void methodNamesOutsideTheServiceRule_areArgumentInvalid400004_forJobsAndDirectMethods() throws Exception {
        String device = registry.addDevice(new Device(TestHub.uniqueId("names"))).getDeviceId();
        for (String name : List.of("a b", "$edgeHub", "a(b)", "a/b", "z\u00fc", "m".repeat(129))) {
            String quoted = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(name);
            RawHub.Response job = raw.call("PUT", "/jobs/v2/" + TestHub.uniqueId("badname"),
                    "{\"type\":\"scheduleDeviceMethod\",\"queryCondition\":\"*\",\"cloudToDeviceMethod\":"
                            + "{\"methodName\":" + quoted + ",\"responseTimeoutInSeconds\":5}}");
            RawHub.Response direct = raw.call("POST", "/twins/" + device + "/methods",
                    "{\"methodName\":" + quoted + ",\"responseTimeoutInSeconds\":5}");

            assertThat(job.status()).as("job, method %s", name).isEqualTo(400);
            assertThat(job.errorCode()).as("job, method %s", name).isEqualTo(400004);
            assertThat(job.errorMessage()).as("job, method %s", name).contains("methodName");
            assertThat(direct.status()).as("direct, method %s", name).isEqualTo(400);
            assertThat(direct.errorCode()).as("direct, method %s", name).isEqualTo(400004);
        }
    }

    @Test
    void startTimeWithoutATimeZone_isArgumentInvalid400004() {
        RawHub.Response zoneless = raw.call("PUT", "/jobs/v2/" + TestHub.uniqueId("nozone"),
                "{\"type\":\"scheduleUpdateTwin\",\"queryCondition\":\"*\",\"startTime\":\"2031-01-01T00:00:00\","
                        + "\"updateTwin\":{\"etag\":\"*\",\"properties\":{\"desired\":{\"z\":1}}}}");

        assertThat(zoneless.status()).isEqualTo(400);
        assertThat(zoneless.errorCode()).isEqualTo(400004);
        assertThat(zoneless.errorMessage()).contains("startTime");
    }

    @Test
    void unknownJob_isJobNotFound404002() {
        assertThatThrownBy(() -> jobs.get(TestHub.uniqueId("ghost")))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(SdkErrors.named(HubErrorCode.JOB_NOT_FOUND));
        assertThatThrownBy(() -> jobs.cancel(TestHub.uniqueId("ghost")))
                .isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void importExportJobs_areRefusedSayingTheyAreNotEmulated() {
        RawHub.Response create = raw.call("POST", "/jobs/create",
                "{\"type\":\"export\",\"outputBlobContainerUri\":\"https://example/c\"}");
        RawHub.Response list = raw.call("GET", "/jobs", null);

        assertThat(create.status()).isEqualTo(400);
        assertThat(create.errorCode()).isEqualTo(400003);
        assertThat(create.errorMessage()).contains("Import/export jobs", "not emulated", "blob storage");
        assertThat(list.errorCode()).isEqualTo(400003);
    }

    @Test
    void devicesJobsQuery_acceptsOnlySelectStar() {
        RawHub.Response projection = raw.call("POST", "/devices/query",
                "{\"query\":\"SELECT deviceId FROM devices.jobs\"}");

        assertThat(projection.status()).isEqualTo(400);
        assertThat(projection.errorMessage()).contains("devices.jobs", "SELECT *");
    }
}
