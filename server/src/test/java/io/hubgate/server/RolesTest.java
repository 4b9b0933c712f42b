package io.hubgate.server;

import com.azure.core.util.Configuration;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.hubgate.api.v1.BatchCreateDevicesRequest;
import io.hubgate.api.v1.BatchDeleteDevicesRequest;
import io.hubgate.api.v1.BatchUpdateDevicesRequest;
import io.hubgate.api.v1.CancelJobRequest;
import io.hubgate.api.v1.CreateJobRequest;
import io.hubgate.api.v1.GetJobRequest;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.JobServiceGrpc;
import io.hubgate.api.v1.ListJobDevicesRequest;
import io.hubgate.api.v1.ListJobsRequest;
import io.hubgate.api.v1.MethodInvocation;
import io.hubgate.api.v1.TwinUpdate;
import io.hubgate.api.v1.WatchJobRequest;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.CreateModuleRequest;
import io.hubgate.api.v1.DeleteDeviceRequest;
import io.hubgate.api.v1.DeleteModuleRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.GetModuleRequest;
import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.IdentityView;
import io.hubgate.api.v1.InvokeMethodRequest;
import io.hubgate.api.v1.ListDevicesRequest;
import io.hubgate.api.v1.ListModulesRequest;
import io.hubgate.api.v1.MethodServiceGrpc;
import io.hubgate.api.v1.Module;
import io.hubgate.api.v1.QueryTwinsRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.ReplaceTwinRequest;
import io.hubgate.api.v1.StreamQueryTwinsRequest;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.api.v1.UpdateDeviceRequest;
import io.hubgate.api.v1.UpdateModuleRequest;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultRule;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.server.auth.AccessPolicy;
import io.hubgate.server.auth.Roles;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.support.HeaderPrincipal;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every built-in role against every RPC, end to end: a real gateway on a socket with
 * authorization on, its embedded emulator behind it. Authentication does not exist yet, so the
 * test-only {@link HeaderPrincipal} sits in authentication's place and turns an
 * {@code x-test-roles} header into the caller's principal: these tests prove what authorization
 * does with a principal, not how one is established.
 *
 * <p>"Allowed" here means the call passed authorization and reached its handler (it may still
 * fail on its own terms, e.g. NOT_FOUND for an id that does not exist); "denied" means
 * PERMISSION_DENIED from the policy with no IoT Hub request at all, which the emulator's counting
 * fault rules confirm.
 */
class RolesTest {

    private static final String NO_ROLE = "(no role)";
    /** What each role may call, written out rather than read from the policy under test. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            Roles.REGISTRY_READ, Set.of("GetDevice", "ListDevices", "GetModule", "ListModules", "GetRegistryStatistics"),
            Roles.REGISTRY_WRITE, Set.of("CreateDevice", "UpdateDevice", "DeleteDevice", "CreateModule", "UpdateModule",
                    "DeleteModule", "BatchCreateDevices", "BatchUpdateDevices", "BatchDeleteDevices"),
            Roles.TWIN_READ, Set.of("GetTwin", "QueryTwins", "StreamQueryTwins", "GetJob", "ListJobs", "ListJobDevices",
                    "WatchJob"),
            Roles.TWIN_WRITE, Set.of("UpdateTwin", "ReplaceTwin", "CreateJob", "CancelJob"),
            Roles.METHOD_INVOKE, Set.of("InvokeMethod", "CreateJob", "CancelJob"),
            Roles.KEYS_READ, Set.of(),
            NO_ROLE, Set.of());

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass(() ->
            Gateway.start(GatewayConfig.localDevelopment(0), Configuration.getGlobalConfiguration(), new HeaderPrincipal()));

    private static String seed;
    /** A finished job of each type, for the job RPCs that read or cancel one. */
    private static String twinJob;
    private static String methodJob;
    private static List<FaultRule> upstreamCounters;

    @BeforeAll
    static void prepare() {
        seed = TestGateway.uniqueId("roles-seed");
        as(gateway.registry(), Roles.REGISTRY_WRITE).createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(seed)).build());
        twinJob = as(JobServiceGrpc.newBlockingStub(gateway.channel()), Roles.TWIN_WRITE).createJob(jobRequest(false)).getJobId();
        methodJob = as(JobServiceGrpc.newBlockingStub(gateway.channel()), Roles.METHOD_INVOKE).createJob(jobRequest(true)).getJobId();
        upstreamCounters = new ArrayList<>();
        for (OperationClass counted : List.of(OperationClass.REGISTRY, OperationClass.TWIN_READ, OperationClass.TWIN_WRITE,
                OperationClass.QUERY, OperationClass.METHODS, OperationClass.JOBS)) {
            upstreamCounters.add(gateway.hub().faults().add(
                    new FaultSpec(counted, FaultKind.LATENCY, 0, null, null, 1.0, null, null)));
        }
    }

    @AfterAll
    static void clearFaults() {
        gateway.hub().faults().clearFaults();
    }

    /** IoT Hub requests the emulator has received (every class but tokens and control) since prepare(). */
    private static long upstreamRequests() {
        return upstreamCounters.stream().mapToLong(FaultRule::fired).sum();
    }

    private static <S extends AbstractStub<S>> S as(S stub, String... roles) {
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(HeaderPrincipal.headerFor(Set.of(roles))));
    }

    /** Every RPC, as one call a caller holding {@code roles} makes. */
    private static Map<String, Function<String[], Object>> everyRpc() {
        Map<String, Function<String[], Object>> rpcs = new LinkedHashMap<>();
        String absent = "roles-absent";
        rpcs.put("CreateDevice", r -> registry(r).createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(TestGateway.uniqueId("roles-new"))).build()));
        rpcs.put("GetDevice", r -> registry(r).getDevice(GetDeviceRequest.newBuilder().setDeviceId(seed).build()));
        rpcs.put("UpdateDevice", r -> registry(r).updateDevice(UpdateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(absent)).build()));
        rpcs.put("DeleteDevice", r -> registry(r).deleteDevice(DeleteDeviceRequest.newBuilder().setDeviceId(absent).build()));
        rpcs.put("ListDevices", r -> registry(r).listDevices(ListDevicesRequest.newBuilder().setPageSize(5).build()));
        rpcs.put("CreateModule", r -> registry(r).createModule(CreateModuleRequest.newBuilder()
                .setModule(Module.newBuilder().setDeviceId(seed).setModuleId(TestGateway.uniqueId("m"))).build()));
        rpcs.put("GetModule", r -> registry(r).getModule(GetModuleRequest.newBuilder().setDeviceId(seed).setModuleId("absent").build()));
        rpcs.put("UpdateModule", r -> registry(r).updateModule(UpdateModuleRequest.newBuilder()
                .setModule(Module.newBuilder().setDeviceId(seed).setModuleId("absent")).build()));
        rpcs.put("DeleteModule", r -> registry(r).deleteModule(DeleteModuleRequest.newBuilder().setDeviceId(seed).setModuleId("absent").build()));
        rpcs.put("ListModules", r -> registry(r).listModules(ListModulesRequest.newBuilder().setDeviceId(seed).build()));
        rpcs.put("GetRegistryStatistics", r -> registry(r).getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance()));
        rpcs.put("BatchCreateDevices", r -> registry(r).batchCreateDevices(BatchCreateDevicesRequest.newBuilder()
                .addRequests(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(TestGateway.uniqueId("roles-batch")))).build()));
        rpcs.put("BatchUpdateDevices", r -> registry(r).batchUpdateDevices(BatchUpdateDevicesRequest.newBuilder()
                .addRequests(UpdateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(absent))).build()));
        rpcs.put("BatchDeleteDevices", r -> registry(r).batchDeleteDevices(BatchDeleteDevicesRequest.newBuilder()
                .addRequests(DeleteDeviceRequest.newBuilder().setDeviceId(absent)).build()));
        Struct desired = Struct.newBuilder().putFields("mode", Value.newBuilder().setStringValue("eco").build()).build();
        rpcs.put("GetTwin", r -> twins(r).getTwin(GetTwinRequest.newBuilder().setDeviceId(seed).build()));
        rpcs.put("UpdateTwin", r -> twins(r).updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(seed).setDesired(desired).build()));
        rpcs.put("ReplaceTwin", r -> twins(r).replaceTwin(ReplaceTwinRequest.newBuilder().setDeviceId(seed).setDesired(desired).build()));
        rpcs.put("QueryTwins", r -> twins(r).queryTwins(QueryTwinsRequest.newBuilder().setQuery("SELECT * FROM devices").build()));
        rpcs.put("StreamQueryTwins", r -> {
            List<Object> results = new ArrayList<>();
            twins(r).streamQueryTwins(StreamQueryTwinsRequest.newBuilder().setQuery("SELECT * FROM devices").build())
                    .forEachRemaining(results::add);
            return results;
        });
        rpcs.put("InvokeMethod", r -> MethodServiceGrpc.newBlockingStub(gateway.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(HeaderPrincipal.headerFor(Set.of(r))))
                .invokeMethod(InvokeMethodRequest.newBuilder().setDeviceId(seed).setMethodName("reboot")
                        .setResponseTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(5))
                        .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(0)).build()));
        rpcs.put("CreateJob", r -> jobs(r).createJob(jobRequest(methodCaller(r))));
        rpcs.put("GetJob", r -> jobs(r).getJob(GetJobRequest.newBuilder().setJobId(twinJob).build()));
        rpcs.put("CancelJob", r -> jobs(r).cancelJob(CancelJobRequest.newBuilder()
                .setJobId(methodCaller(r) ? methodJob : twinJob).build()));
        rpcs.put("ListJobs", r -> jobs(r).listJobs(ListJobsRequest.newBuilder().setPageSize(5).build()));
        rpcs.put("ListJobDevices", r -> jobs(r).listJobDevices(ListJobDevicesRequest.newBuilder().setJobId(twinJob).build()));
        rpcs.put("WatchJob", r -> {
            List<Object> states = new ArrayList<>();
            jobs(r).watchJob(WatchJobRequest.newBuilder().setJobId(twinJob).build()).forEachRemaining(states::add);
            return states;
        });
        return rpcs;
    }

    /** A job over no device: a method job or a twin-update job. */
    private static CreateJobRequest jobRequest(boolean method) {
        Job.Builder job = Job.newBuilder().setQueryCondition("deviceId = 'roles-nobody'");
        if (method) {
            job.setMethodInvocation(MethodInvocation.newBuilder().setMethodName("reboot"));
        } else {
            job.setTwinUpdate(TwinUpdate.newBuilder().setDesired(Struct.newBuilder()
                    .putFields("mode", Value.newBuilder().setStringValue("eco").build())));
        }
        return CreateJobRequest.newBuilder().setJob(job).build();
    }

    /** The job a caller with these roles would create or cancel: a method job for Method.Invoke holders. */
    private static boolean methodCaller(String[] roles) {
        return List.of(roles).contains(Roles.METHOD_INVOKE);
    }

    private static JobServiceGrpc.JobServiceBlockingStub jobs(String[] roles) {
        return as(JobServiceGrpc.newBlockingStub(gateway.channel()), roles);
    }

    private static RegistryServiceGrpc.RegistryServiceBlockingStub registry(String[] roles) {
        return as(gateway.registry(), roles);
    }

    private static TwinServiceGrpc.TwinServiceBlockingStub twins(String[] roles) {
        return as(gateway.twins(), roles);
    }

    @Test
    void theTable_coversEveryRpcOfTheFourServices() {
        Set<String> named = new TreeSet<>();
        named.addAll(everyRpc().keySet());
        Set<String> generated = new TreeSet<>();
        AccessPolicy.apiMethods().forEach(full -> generated.add(full.substring(full.indexOf('/') + 1)));
        assertThat(named).isEqualTo(generated);
    }

    @Test
    void eachRole_reachesExactlyItsRpcs_andIsDeniedTheRest_withoutAnUpstreamCall() {
        Map<String, String> fullNames = new LinkedHashMap<>();
        AccessPolicy.apiMethods().forEach(full -> fullNames.put(full.substring(full.indexOf('/') + 1), full));
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, Set<String>> role : ALLOWED.entrySet()) {
            String[] roles = role.getKey().equals(NO_ROLE) ? new String[0] : new String[] {role.getKey()};
            for (Map.Entry<String, Function<String[], Object>> rpc : everyRpc().entrySet()) {
                String cell = role.getKey() + " × " + rpc.getKey();
                long before = upstreamRequests();
                Status status;
                StatusRuntimeException failure = null;
                try {
                    rpc.getValue().apply(roles);
                    status = Status.OK;
                } catch (StatusRuntimeException e) {
                    failure = e;
                    status = e.getStatus();
                }
                boolean denied = status.getCode() == Status.Code.PERMISSION_DENIED;
                if (role.getValue().contains(rpc.getKey())) {
                    if (denied) {
                        mismatches.add(cell + ": allowed, but " + status);
                    }
                    continue;
                }
                if (!denied) {
                    mismatches.add(cell + ": should be denied, got " + status);
                    continue;
                }
                Set<String> required = new TreeSet<>(AccessPolicy.defaults().rolesFor(fullNames.get(rpc.getKey())));
                String needed = String.join(", ", required);
                String wording = required.size() == 1 ? " needs the role " : " needs one of the roles ";
                if (!status.getDescription().equals(fullNames.get(rpc.getKey()) + wording + needed)) {
                    mismatches.add(cell + ": description " + status.getDescription());
                }
                ErrorInfo info = Statuses.errorInfo(failure);
                if (info == null || !info.getReason().equals("MISSING_ROLE") || !info.getDomain().equals("hubgate.io")
                        || !info.getMetadataOrDefault("requiredRoles", "").equals(String.join(",", required))) {
                    mismatches.add(cell + ": ErrorInfo " + info);
                }
                if (upstreamRequests() != before) {
                    mismatches.add(cell + ": denied, yet " + (upstreamRequests() - before) + " IoT Hub request(s)");
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void allowedCalls_doReachIotHub_soTheUpstreamCounterCounts() {
        long before = upstreamRequests();
        as(gateway.registry(), Roles.REGISTRY_READ).getDevice(GetDeviceRequest.newBuilder().setDeviceId(seed).build());
        assertThat(upstreamRequests()).isGreaterThan(before);
    }

    @Test
    void readRoles_succeedOnAnExistingDevice() {
        assertThat(as(gateway.registry(), Roles.REGISTRY_READ).getDevice(GetDeviceRequest.newBuilder().setDeviceId(seed).build())
                .getDeviceId()).isEqualTo(seed);
        assertThat(as(gateway.twins(), Roles.TWIN_READ).getTwin(GetTwinRequest.newBuilder().setDeviceId(seed).build())
                .getDeviceId()).isEqualTo(seed);
    }

    @Test
    void keys_needKeysRead_onTopOfRegistryRead() {
        GetDeviceRequest withKeys = GetDeviceRequest.newBuilder().setDeviceId(seed).setView(IdentityView.IDENTITY_VIEW_WITH_KEYS).build();
        long before = upstreamRequests();

        StatusRuntimeException readerOnly = Statuses.failureOf(() -> as(gateway.registry(), Roles.REGISTRY_READ).getDevice(withKeys));
        assertThat(readerOnly.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        StatusRuntimeException keysOnly = Statuses.failureOf(() -> as(gateway.registry(), Roles.KEYS_READ).getDevice(withKeys));
        assertThat(keysOnly.getStatus().getDescription())
                .isEqualTo("hubgate.v1.RegistryService/GetDevice needs the role Registry.Read");
        assertThat(upstreamRequests()).as("refused before any IoT Hub call").isEqualTo(before);

        Device keyed = as(gateway.registry(), Roles.REGISTRY_READ, Roles.KEYS_READ).getDevice(withKeys);
        assertThat(keyed.getSymmetricKeys().getPrimaryKey()).isNotEmpty();
        assertThat(keyed.getSymmetricKeys().getSecondaryKey()).isNotEmpty();
    }

    @Test
    void basicView_forRegistryRead_hasNoKeys() {
        Device basic = as(gateway.registry(), Roles.REGISTRY_READ).getDevice(
                GetDeviceRequest.newBuilder().setDeviceId(seed).setView(IdentityView.IDENTITY_VIEW_BASIC).build());
        assertThat(basic.getDeviceId()).isEqualTo(seed);
        assertThat(basic.hasSymmetricKeys()).isFalse();
    }

    @Test
    void createWithKeys_withoutKeysRead_isDenied_andCreatesNothing() {
        String id = TestGateway.uniqueId("roles-keyless");
        StatusRuntimeException failure = Statuses.failureOf(() -> as(gateway.registry(), Roles.REGISTRY_WRITE).createDevice(
                CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id))
                        .setView(IdentityView.IDENTITY_VIEW_WITH_KEYS).build()));
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        StatusRuntimeException lookup = Statuses.failureOf(() -> as(gateway.registry(), Roles.REGISTRY_READ)
                .getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build()));
        assertThat(lookup.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void callerWithoutPrincipal_isAnonymous_andDeniedEverywhere() {
        long before = upstreamRequests();
        StatusRuntimeException anonymous = Statuses.failureOf(() -> gateway.registry()
                .getDevice(GetDeviceRequest.newBuilder().setDeviceId(seed).build()));
        assertThat(anonymous.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        StatusRuntimeException stream = Statuses.failureOf(() -> gateway.twins()
                .streamQueryTwins(StreamQueryTwinsRequest.newBuilder().setQuery("SELECT * FROM devices").build()).hasNext());
        assertThat(stream.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(upstreamRequests()).isEqualTo(before);
    }

    @Test
    void streamingQuery_withoutTwinRead_isDeniedBeforeAnyResult_withTwinRead_streamsTheTwins() {
        StreamQueryTwinsRequest query = StreamQueryTwinsRequest.newBuilder()
                .setQuery("SELECT * FROM devices WHERE deviceId = '" + seed + "'").build();
        long before = upstreamRequests();
        StatusRuntimeException denied = Statuses.failureOf(() ->
                as(gateway.twins(), Roles.TWIN_WRITE, Roles.REGISTRY_READ).streamQueryTwins(query).hasNext());
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getStatus().getDescription()).isEqualTo("hubgate.v1.TwinService/StreamQueryTwins needs the role Twin.Read");
        assertThat(upstreamRequests()).isEqualTo(before);

        List<String> ids = new ArrayList<>();
        as(gateway.twins(), Roles.TWIN_READ).streamQueryTwins(query).forEachRemaining(r -> ids.add(r.getTwin().getDeviceId()));
        assertThat(ids).containsExactly(seed);
    }

    @Test
    void healthIsNotGovernedByThePolicy() {
        assertThat(io.grpc.health.v1.HealthGrpc.newBlockingStub(gateway.channel())
                .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    }
}
