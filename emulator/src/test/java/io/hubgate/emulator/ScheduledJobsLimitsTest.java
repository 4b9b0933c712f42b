package io.hubgate.emulator;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.credential.TokenCredential;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyDevicesException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyRequestsException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.jobs.DirectMethodsJobOptions;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJob;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobStatus;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobsClient;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.hubgate.emulator.devices.MethodBehaviour;
import io.hubgate.emulator.devices.SimulatedDevices;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.faults.HubTier;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.emulator.support.EntraClients;
import io.hubgate.emulator.support.MovableClock;
import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.SdkErrors;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Scheduled jobs under the hub's limits and the emulator's machinery: the tier's concurrent-job
 * limit, the maximum execution time, the emulator's clock, {@code --data-dir}, fault injection
 * and RBAC. Each test runs a private emulator, so its tier, clock or faults touch no one else.
 */
class ScheduledJobsLimitsTest {

    @TempDir
    Path dataDir;

    private static ScheduledJobsClient jobs(IotHubEmulator hub) {
        return new ScheduledJobsClient(hub.coordinates().hostWithPort(), sas(hub));
    }

    /** A day-long token: one test moves the emulator's clock by an hour. */
    private static AzureSasCredential sas(IotHubEmulator hub) {
        return new AzureSasCredential(hub.coordinates().sasToken("iothubowner", Duration.ofDays(1)));
    }

    private static Twin desired(String key, Object value) {
        Twin twin = new Twin();
        twin.getDesiredProperties().put(key, value);
        return twin;
    }

    private static ScheduledJob awaitStatus(ScheduledJobsClient jobs, String jobId, ScheduledJobStatus status) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> jobs.get(jobId), job -> job.getJobStatus() == status);
    }

    @Test
    void s1Tier_allowsOneActiveJob_andRefusesASecondWithJobQuotaExceeded403003() throws Exception {
        try (IotHubEmulator hub = TestHub.privateEmulator().quota(HubTier.S1, 1).build().start()) {
            ScheduledJobsClient jobs = jobs(hub);
            Date later = new Date(System.currentTimeMillis() + Duration.ofHours(1).toMillis());
            jobs.scheduleUpdateTwin("first", "*", desired("a", 1), later, 60);

            assertThatThrownBy(() -> jobs.scheduleUpdateTwin("second", "*", desired("a", 2), later, 60))
                    .isInstanceOf(IotHubTooManyDevicesException.class)
                    .satisfies(SdkErrors.named(HubErrorCode.JOB_QUOTA_EXCEEDED))
                    .hasMessageContaining("allows 1");

            jobs.cancel("first");
            jobs.scheduleUpdateTwin("second", "*", desired("a", 2), later, 60);
            // queued until the scheduler's next look (at once, on its own thread): not necessarily yet
            await().atMost(Duration.ofSeconds(10)).until(() -> jobs.get("second").getJobStatus() == ScheduledJobStatus.scheduled);
        }
    }

    @Test
    void maximumExecutionTime_endsTheJob_andFailsTheDevicesNotDone() throws Exception {
        try (IotHubEmulator hub = TestHub.privateEmulator().build().start()) {
            new RegistryClient(hub.coordinates().hostWithPort(), sas(hub)).addDevice(new Device("silent"));
            SimulatedDevices.Target silent = new SimulatedDevices.Target("silent", null);
            hub.devices().setConnected(silent, true);
            hub.devices().onMethod(silent, "reboot", new MethodBehaviour(200, null, Duration.ZERO, false, false));
            ScheduledJobsClient jobs = jobs(hub);

            jobs.scheduleDirectMethod("bounded", "deviceId = 'silent'", "reboot", new Date(),
                    DirectMethodsJobOptions.builder().methodResponseTimeoutSeconds(60).maxExecutionTimeSeconds(1).build());

            ScheduledJob done = awaitStatus(jobs, "bounded", ScheduledJobStatus.completed);
            assertThat(done.getJobStatistics().getFailedCount()).isEqualTo(1);
            assertThat(done.getStatusMessage()).contains("maximum execution time");
            RawHub.Response entry = new RawHub(hub.coordinates()).call("POST", "/devices/query",
                    "{\"query\":\"SELECT * FROM devices.jobs WHERE jobId = 'bounded'\"}");
            assertThat(entry.json().get(0).at("/error/code").textValue()).isEqualTo("JobTimedOut");
        }
    }

    @Test
    void jobsRunOnTheEmulatorsClock() throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (IotHubEmulator hub = TestHub.privateEmulator().clock(clock).build().start()) {
            new RegistryClient(hub.coordinates().hostWithPort(), sas(hub)).addDevice(new Device("clocked"));
            ScheduledJobsClient jobs = jobs(hub);

            jobs.scheduleUpdateTwin("at-one", "*", desired("window", "night"),
                    Date.from(Instant.parse("2030-01-01T01:00:00Z")), 60);
            awaitStatus(jobs, "at-one", ScheduledJobStatus.scheduled);

            clock.set(Instant.parse("2030-01-01T01:00:01Z"));
            hub.jobs().wake();

            ScheduledJob done = awaitStatus(jobs, "at-one", ScheduledJobStatus.completed);
            assertThat(done.getEndTime().toInstant()).isAfterOrEqualTo(Instant.parse("2030-01-01T01:00:01Z"));
            assertThat(new TwinClient(hub.coordinates().hostWithPort(), sas(hub)).get("clocked")
                    .getDesiredProperties().get("window")).isEqualTo("night");
        }
    }

    @Test
    void dataDirectory_keepsJobsAndTheirEntries_acrossARestart() throws Exception {
        try (IotHubEmulator first = TestHub.privateEmulator().dataDirectory(dataDir).build().start()) {
            new RegistryClient(first.coordinates().hostWithPort(), sas(first)).addDevice(new Device("kept"));
            ScheduledJobsClient jobs = jobs(first);
            jobs.scheduleUpdateTwin("done", "*", desired("x", 1), new Date(), 60);
            awaitStatus(jobs, "done", ScheduledJobStatus.completed);
            jobs.scheduleUpdateTwin("later", "*", desired("x", 2),
                    new Date(System.currentTimeMillis() + Duration.ofHours(1).toMillis()), 60);
            awaitStatus(jobs, "later", ScheduledJobStatus.scheduled);
        }

        try (IotHubEmulator second = TestHub.privateEmulator().dataDirectory(dataDir).build().start()) {
            ScheduledJobsClient jobs = jobs(second);
            ScheduledJob done = jobs.get("done");
            assertThat(done.getJobStatus()).isEqualTo(ScheduledJobStatus.completed);
            assertThat(done.getJobStatistics().getSucceededCount()).isEqualTo(1);
            assertThat(jobs.get("later").getJobStatus()).isEqualTo(ScheduledJobStatus.scheduled);
            RawHub.Response entries = new RawHub(second.coordinates()).call("POST", "/devices/query",
                    "{\"query\":\"SELECT * FROM devices.jobs WHERE devices.jobs.jobId = 'done'\"}");
            assertThat(entries.json().get(0).get("deviceId").textValue()).isEqualTo("kept");
            assertThat(entries.json().get(0).get("status").textValue()).isEqualTo("completed");
        }
    }

    @Test
    void faultsAndQuota_reachJobRequestsAndTheDevicesAJobWorksOn() throws Exception {
        try (IotHubEmulator hub = TestHub.privateEmulator().build().start()) {
            new RegistryClient(hub.coordinates().hostWithPort(), sas(hub)).addDevice(new Device("faulted"));
            ScheduledJobsClient jobs = jobs(hub);
            hub.faults().add(new FaultSpec(OperationClass.JOBS, FaultKind.THROTTLE, 0, HubErrorCode.THROTTLING_EXCEPTION,
                    null, null, null, 1));

            assertThatThrownBy(() -> jobs.get("anything")).isInstanceOf(IotHubTooManyRequestsException.class);

            hub.faults().add(new FaultSpec(OperationClass.JOB_DEVICES, FaultKind.ERROR, 0, HubErrorCode.SERVICE_UNAVAILABLE,
                    null, null, null, 1));
            jobs.scheduleUpdateTwin("unlucky", "*", desired("x", 1), new Date(), 60);
            ScheduledJob done = awaitStatus(jobs, "unlucky", ScheduledJobStatus.completed);
            assertThat(done.getJobStatistics().getFailedCount()).isEqualTo(1);

            hub.faults().enforceQuota(HubTier.S1, 1);
            assertThat(hub.faults().quota().orElseThrow().limits().get(OperationClass.JOBS).description())
                    .isEqualTo("100 job operations per minute");
            assertThat(hub.faults().quota().orElseThrow().limits().get(OperationClass.JOB_DEVICES).description())
                    .isEqualTo("10 job device operations per second");
        }
    }

    @Test
    void rbac_dataReaderReadsJobs_butOnlyJobsWriteMayScheduleOne() throws Exception {
        EmulatorCoordinates at = TestHub.coordinates();
        ScheduledJobsClient owner = new ScheduledJobsClient(at.hostWithPort(), TestHub.sas("iothubowner"));
        String jobId = TestHub.uniqueId("rbac");
        owner.scheduleUpdateTwin(jobId, "deviceId = 'nobody'", desired("x", 1), new Date(), 60);
        TokenCredential reader = EntraClients.clientSecret(at, DefaultDirectory.READER);
        TokenCredential twinContributor = EntraClients.clientSecret(at, DefaultDirectory.TWIN);
        TokenCredential contributor = EntraClients.clientSecret(at, DefaultDirectory.GATEWAY);

        assertThat(new ScheduledJobsClient(at.hostWithPort(), reader).get(jobId).getJobId()).isEqualTo(jobId);
        assertThatThrownBy(() -> new ScheduledJobsClient(at.hostWithPort(), twinContributor)
                .scheduleUpdateTwin(TestHub.uniqueId("denied"), "*", desired("x", 1), new Date(), 60))
                .isInstanceOf(IotHubUnauthorizedException.class)
                .satisfies(SdkErrors.named(HubErrorCode.IOTHUB_UNAUTHORIZED));
        assertThat(new ScheduledJobsClient(at.hostWithPort(), contributor).cancel(jobId).getJobId()).isEqualTo(jobId);
    }

    /**
     * IoT Hub authorizes {@code POST /devices/query} as one operation, {@code twins/read} (its
     * refusal names the method and path, "not authorized for POST on /devices/query"), whatever
     * the query reads: the RBAC reference gives jobs/read to the /jobs/v2 routes only. So a job's
     * device entries are read with twins/read, and jobs/read alone does not reach them.
     */
    @Test
    void rbac_devicesJobsQuery_isAuthorizedAsEveryQuery_byTwinsRead_notByJobsRead() throws Exception {
        EmulatorCoordinates at = TestHub.coordinates();
        String query = "SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '" + TestHub.uniqueId("none") + "'";
        TokenCredential twinContributor = EntraClients.clientSecret(at, DefaultDirectory.TWIN);
        TokenCredential registryContributor = EntraClients.clientSecret(at, DefaultDirectory.REGISTRY);

        assertThat(new ScheduledJobsClient(at.hostWithPort(), twinContributor).query(query).hasNext())
                .as("twins/read without jobs/read reads the entries").isFalse();
        assertThatThrownBy(() -> new ScheduledJobsClient(at.hostWithPort(), registryContributor).query(query).hasNext())
                .isInstanceOf(IotHubUnauthorizedException.class)
                .satisfies(SdkErrors.named(HubErrorCode.IOTHUB_UNAUTHORIZED))
                .hasMessageContaining("POST on /devices/query");
    }
}
