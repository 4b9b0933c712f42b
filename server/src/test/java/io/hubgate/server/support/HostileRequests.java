package io.hubgate.server.support;

import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.hubgate.api.v1.AuthenticationType;
import io.hubgate.api.v1.BatchCreateDevicesRequest;
import io.hubgate.api.v1.BatchDeleteDevicesRequest;
import io.hubgate.api.v1.BatchUpdateDevicesRequest;
import io.hubgate.api.v1.CancelJobRequest;
import io.hubgate.api.v1.CreateJobRequest;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.CreateModuleRequest;
import io.hubgate.api.v1.DeleteDeviceRequest;
import io.hubgate.api.v1.DeleteModuleRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.DeviceStatus;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.GetJobRequest;
import io.hubgate.api.v1.GetModuleRequest;
import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.IdentityView;
import io.hubgate.api.v1.InvokeMethodRequest;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.ListDevicesRequest;
import io.hubgate.api.v1.ListJobDevicesRequest;
import io.hubgate.api.v1.ListJobsRequest;
import io.hubgate.api.v1.ListModulesRequest;
import io.hubgate.api.v1.MethodInvocation;
import io.hubgate.api.v1.Module;
import io.hubgate.api.v1.QueryTwinsRequest;
import io.hubgate.api.v1.ReplaceTwinRequest;
import io.hubgate.api.v1.StreamQueryTwinsRequest;
import io.hubgate.api.v1.SymmetricKeys;
import io.hubgate.api.v1.TwinUpdate;
import io.hubgate.api.v1.UpdateDeviceRequest;
import io.hubgate.api.v1.UpdateModuleRequest;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.api.v1.WatchJobRequest;
import io.hubgate.api.v1.X509Thumbprints;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Generates requests for every RPC that are valid in shape but hostile in their values: control
 * characters, header injection, wildcards, non-ASCII, absurd lengths, NaN and infinities, deep and
 * oddly named twin properties, forged page tokens, out-of-range enums, durations and page sizes —
 * mixed with ordinary values, so that calls also get past validation to IoT Hub. Deterministic for
 * a seed: the same seed makes the same requests.
 *
 * <p>Ids are drawn from ordinary ids and from ids the gateway's own rules refuse; ids that are
 * valid for IoT Hub but need URL encoding ({@code % ? # / '}) are left out unless
 * {@code urlSensitiveIds} (their handling belongs to the upstream path).
 *
 * <p>Jobs: a twin-update job only ever selects the fuzz target ({@code deviceId = '<target>'}), so
 * that no generated condition ({@code *}, {@code … OR 1=1}) can write the canary's twin; method
 * jobs take any condition, since a method changes no twin.
 */
public final class HostileRequests {

    /** One generated request: which RPC, and the message. */
    public record Request(String method, Message message) {
        @Override
        public String toString() {
            return method + " " + com.google.protobuf.TextFormat.printer().escapingNonAscii(true).shortDebugString(message);
        }
    }

    private static final String[] STRINGS = {"", " ", "*", "**", "W/\"*\"", "\"*\"", " *", "..", "../reboot", "a b", "$edgeHub",
            "abc\r", "abc\n", "abc\rX-Injected: 1", "a\u000bb", "\u0000", "\u0085", "\u2028", "é", "Zürich", "東京", "😀",
            "'", "\"", "\\", "%", "%00", "%2F", "?", "#", "/", "{}", "[", "<script>", "null", "-1", "NaN",
            "SELECT * FROM devices", "tags.a = 'x' OR 1=1", "\t", "a\r\nb: c"};
    private static final String[] PLAIN_ID_CHARS = {"a", "b", "Z", "0", "9", "-", "_", ".", ":", "=", "@", "(", ")", "!", ",", "*", "$"};
    private static final String[] URL_SENSITIVE_ID_CHARS = {"%", "?", "'", "%2F", "%3F"};
    private static final String[] QUERIES = {"SELECT * FROM devices", "SELECT deviceId FROM devices WHERE tags.n > 3",
            "SELECT COUNT() AS n FROM devices", "SELECT * FROM devices.modules", "select * from devices where tags.city = 'Zürich'",
            "SELECT * FROM devices WHERE tags.städte = 'x'", "SELECT * FROM devices WHERE tags.a = '\\'", "SELECT", "FROM",
            "SELECT * FROM devices WHERE", "SELECT * FROM devices WHERE tags.x = '\u0000'", "SELECT * FROM devices GROUP BY",
            "SELECT TOP 99999999999 * FROM devices", "SELECT * FROM devices WHERE tags.a IN ['😀', \"東京\"]"};
    private static final double[] NUMBERS = {0, -0.0, 1, -1, 0.5, 1e308, -1e308, Double.MIN_VALUE, 4503599627370496d,
            9007199254740993d, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Long.MAX_VALUE};

    private final Random random;
    private final String deviceId;
    private final String moduleId;
    private final List<String> methodNames;
    private final String avoidId;
    private final boolean urlSensitiveIds;
    private final String jobId;

    /**
     * @param deviceId        an existing device, connected, answering {@code methodNames}
     * @param moduleId        an existing module on it
     * @param avoidId         an id never to generate (the canary)
     * @param urlSensitiveIds also make ids with characters that need URL encoding
     * @param jobId           an existing job that has ended (watching it ends at once)
     */
    public HostileRequests(long seed, String deviceId, String moduleId, List<String> methodNames, String avoidId,
                           boolean urlSensitiveIds, String jobId) {
        this.random = new Random(seed);
        this.deviceId = deviceId;
        this.moduleId = moduleId;
        this.methodNames = methodNames;
        this.avoidId = avoidId;
        this.urlSensitiveIds = urlSensitiveIds;
        this.jobId = jobId;
    }

    /** The next request, for a random RPC. */
    public Request next() {
        return switch (random.nextInt(26)) {
            case 0 -> new Request("RegistryService/CreateDevice", CreateDeviceRequest.newBuilder().setDevice(device()).setView(view()).build());
            case 1 -> new Request("RegistryService/GetDevice", GetDeviceRequest.newBuilder().setDeviceId(id()).setView(view()).build());
            case 2 -> new Request("RegistryService/UpdateDevice", updateDevice());
            case 3 -> new Request("RegistryService/DeleteDevice", DeleteDeviceRequest.newBuilder().setDeviceId(id()).setEtag(etag()).build());
            case 4 -> new Request("RegistryService/ListDevices", ListDevicesRequest.newBuilder().setPageSize(pageSize()).setPageToken(pageToken()).build());
            case 5 -> new Request("RegistryService/CreateModule", CreateModuleRequest.newBuilder().setModule(module()).setView(view()).build());
            case 6 -> new Request("RegistryService/GetModule", GetModuleRequest.newBuilder().setDeviceId(id()).setModuleId(id()).setView(view()).build());
            case 7 -> new Request("RegistryService/UpdateModule", UpdateModuleRequest.newBuilder().setModule(module()).setUpdateMask(mask())
                    .setView(view()).build());
            case 8 -> new Request("RegistryService/DeleteModule", DeleteModuleRequest.newBuilder().setDeviceId(id()).setModuleId(id())
                    .setEtag(etag()).build());
            case 9 -> new Request("RegistryService/ListModules", ListModulesRequest.newBuilder().setDeviceId(id()).setPageSize(pageSize())
                    .setPageToken(pageToken()).build());
            case 10 -> new Request("RegistryService/GetRegistryStatistics", GetRegistryStatisticsRequest.getDefaultInstance());
            case 11 -> new Request("RegistryService/BatchCreateDevices", batch(() -> CreateDeviceRequest.newBuilder().setDevice(device())
                    .setView(view()).build(), r -> BatchCreateDevicesRequest.newBuilder().addAllRequests(r).build()));
            case 12 -> new Request("RegistryService/BatchUpdateDevices", batch(this::updateDevice,
                    r -> BatchUpdateDevicesRequest.newBuilder().addAllRequests(r).build()));
            case 13 -> new Request("RegistryService/BatchDeleteDevices", batch(() -> DeleteDeviceRequest.newBuilder().setDeviceId(id())
                    .setEtag(etag()).build(), r -> BatchDeleteDevicesRequest.newBuilder().addAllRequests(r).build()));
            case 14 -> new Request("TwinService/GetTwin", GetTwinRequest.newBuilder().setDeviceId(id()).setModuleId(optionalModule()).build());
            case 15 -> new Request("TwinService/UpdateTwin", updateTwin());
            case 16 -> new Request("TwinService/ReplaceTwin", replaceTwin());
            case 17 -> new Request("TwinService/QueryTwins", QueryTwinsRequest.newBuilder().setQuery(query()).setPageSize(pageSize())
                    .setPageToken(random.nextInt(3) == 0 ? pageToken() : "").build());
            case 18 -> new Request("TwinService/StreamQueryTwins", StreamQueryTwinsRequest.newBuilder().setQuery(query())
                    .setPageSize(pageSize()).build());
            case 19 -> new Request("JobService/CreateJob", createJob());
            case 20 -> new Request("JobService/GetJob", GetJobRequest.newBuilder().setJobId(jobId()).build());
            case 21 -> new Request("JobService/CancelJob", CancelJobRequest.newBuilder().setJobId(jobId()).build());
            case 22 -> new Request("JobService/ListJobs", ListJobsRequest.newBuilder().setPageSize(pageSize())
                    .setPageToken(random.nextInt(3) == 0 ? pageToken() : "").setTypeValue(random.nextInt(5) - 1)
                    .setStateValue(random.nextInt(9) - 1).build());
            case 23 -> new Request("JobService/ListJobDevices", ListJobDevicesRequest.newBuilder().setJobId(jobId())
                    .setPageSize(pageSize()).setPageToken(random.nextInt(3) == 0 ? pageToken() : "").build());
            case 24 -> new Request("JobService/WatchJob", WatchJobRequest.newBuilder().setJobId(jobId()).build());
            default -> new Request("MethodService/InvokeMethod", invoke());
        };
    }

    /** Bytes that are not a valid message: random, truncated, flipped, deeply nested, bad UTF-8, lying lengths. */
    public byte[] malformed(Message valid) {
        byte[] bytes = valid.toByteArray();
        return switch (random.nextInt(7)) {
            case 0 -> randomBytes(1 + random.nextInt(64));
            case 1 -> bytes.length < 2 ? new byte[] {0x0A, (byte) 0x80} : java.util.Arrays.copyOf(bytes, 1 + random.nextInt(bytes.length - 1));
            case 2 -> {
                byte[] flipped = bytes.length == 0 ? new byte[] {0x08} : bytes.clone();
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
                }
                yield flipped;
            }
            case 3 -> new RawCalls.Wire().string(1, "dev").bytes(3 + random.nextInt(2), RawCalls.Wire.nestedStruct(34 + random.nextInt(3000))).toBytes();
            case 4 -> new RawCalls.Wire().bytes(1, new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE}).toBytes();
            case 5 -> new RawCalls.Wire().raw((byte) 0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x0F).toBytes();
            default -> new RawCalls.Wire().raw((byte) 0x0B, (byte) 0x00, (byte) 0x0C).toBytes(); // group start/end, unmatched
        };
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private boolean chance(int inN) {
        return random.nextInt(inN) == 0;
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private String hostile() {
        return switch (random.nextInt(6)) {
            case 0 -> pick(STRINGS);
            case 1 -> pick(STRINGS) + pick(STRINGS);
            case 2 -> "x".repeat(random.nextInt(3) == 0 ? 5000 : 129);
            case 3 -> new String(Character.toChars(codePoint()));
            case 4 -> "ok" + pick(STRINGS) + "ok";
            default -> controlString();
        };
    }

    /** Any code point but a lone surrogate (protobuf would send that as '?', a URL-sensitive id). */
    private int codePoint() {
        int codePoint = random.nextInt(0x10FFFF);
        return codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE ? codePoint + 0x800 : codePoint;
    }

    private String controlString() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1 + random.nextInt(8); i++) {
            text.append((char) random.nextInt(0x30));
        }
        return text.toString();
    }

    private String id() {
        int kind = random.nextInt(10);
        if (kind < 4) {
            return deviceId;
        }
        if (kind < 7) {
            StringBuilder id = new StringBuilder("fz");
            String[] alphabet = urlSensitiveIds && chance(3) ? URL_SENSITIVE_ID_CHARS : PLAIN_ID_CHARS;
            for (int i = 0; i < random.nextInt(12); i++) {
                id.append(pick(alphabet));
            }
            String made = id.toString();
            return made.equals(avoidId) ? deviceId : made;
        }
        String hostile = hostile();
        return hostile.equals(avoidId) || (!urlSensitiveIds && urlSensitive(hostile)) ? deviceId : hostile;
    }

    /**
     * An id IoT Hub allows that a URL path must encode or would normalise away ({@code %}, {@code ?},
     * {@code '}, or only dots): the upstream path's concern, generated only when asked for.
     */
    static boolean urlSensitive(String id) {
        if (id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-.%_*?!(),:=@$'".indexOf(c) >= 0)) {
                return false; // refused by the gateway's own id rule: not the upstream path's concern
            }
        }
        return id.chars().anyMatch(c -> c == '%' || c == '?' || c == '\'') || id.chars().allMatch(c -> c == '.');
    }

    private String optionalModule() {
        return switch (random.nextInt(4)) {
            case 0 -> "";
            case 1 -> moduleId;
            default -> id();
        };
    }

    private String etag() {
        return switch (random.nextInt(4)) {
            case 0 -> "";
            case 1 -> "AAAAAAAAAAE=";
            default -> hostile();
        };
    }

    private IdentityView view() {
        return IdentityView.forNumber(random.nextInt(3));
    }

    private int pageSize() {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> -1 - random.nextInt(Integer.MAX_VALUE);
            case 2 -> 1001 + random.nextInt(Integer.MAX_VALUE - 1001);
            default -> 1 + random.nextInt(50);
        };
    }

    private String pageToken() {
        return switch (random.nextInt(7)) {
            case 0 -> "";
            case 1 -> Base64.getUrlEncoder().withoutPadding().encodeToString("[".repeat(5000 + random.nextInt(8000)).getBytes(StandardCharsets.UTF_8));
            case 2 -> Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(random.nextInt(200)));
            case 3 -> "A".repeat(60_000 + random.nextInt(100_000));
            case 4 -> Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"q\":\"SELECT * FROM devices\",\"s\":" + random.nextInt()
                    + "}").getBytes(StandardCharsets.UTF_8));
            default -> hostile();
        };
    }

    private String query() {
        return switch (random.nextInt(5)) {
            case 0, 1 -> pick(QUERIES);
            case 2 -> "SELECT * FROM devices WHERE tags.x = '" + hostile().replace("'", "") + "'";
            case 3 -> "SELECT * FROM devices WHERE deviceId = '" + "q".repeat(random.nextInt(9000)) + "'";
            default -> hostile();
        };
    }

    private Value value(int depth) {
        return switch (random.nextInt(depth > 12 ? 4 : 7)) {
            case 0 -> Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
            case 1 -> Value.newBuilder().setNumberValue(NUMBERS[random.nextInt(NUMBERS.length)]).build();
            case 2 -> Value.newBuilder().setStringValue(chance(2) ? "v" : hostile()).build();
            case 3 -> Value.newBuilder().setBoolValue(random.nextBoolean()).build();
            case 4 -> Value.newBuilder().setListValue(ListValue.newBuilder().addValues(value(depth + 1)).addValues(value(depth + 1))).build();
            case 5 -> Value.getDefaultInstance();
            default -> Value.newBuilder().setStructValue(struct(depth + 1)).build();
        };
    }

    private Struct struct(int depth) {
        Struct.Builder struct = Struct.newBuilder();
        for (int i = 0; i < random.nextInt(4); i++) {
            struct.putFields(chance(2) ? "k" + random.nextInt(5) : hostile(), value(depth));
        }
        return struct.build();
    }

    private Device device() {
        Device.Builder device = Device.newBuilder().setDeviceId(id()).setStatusValue(random.nextInt(4))
                .setAuthenticationTypeValue(random.nextInt(6)).setIotEdge(random.nextBoolean());
        if (chance(2)) {
            device.setSymmetricKeys(SymmetricKeys.newBuilder().setPrimaryKey(key()).setSecondaryKey(key()));
        }
        if (chance(3)) {
            device.setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint(thumbprint()).setSecondaryThumbprint(thumbprint()));
        }
        if (chance(3)) {
            device.setDeviceScope(hostile()).addParentScopes(hostile());
        }
        if (chance(3)) {
            device.setEtag(etag()).setStatusReason(hostile());
        }
        return device.build();
    }

    private Module module() {
        Module.Builder module = Module.newBuilder().setDeviceId(chance(2) ? deviceId : id()).setModuleId(chance(2) ? moduleId : id())
                .setAuthenticationTypeValue(random.nextInt(6)).setEtag(etag());
        if (chance(2)) {
            module.setSymmetricKeys(SymmetricKeys.newBuilder().setPrimaryKey(key()).setSecondaryKey(key()));
        }
        if (chance(3)) {
            module.setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint(thumbprint()));
        }
        return module.build();
    }

    private String key() {
        return switch (random.nextInt(5)) {
            case 0 -> Base64.getEncoder().encodeToString(randomBytes(16 + random.nextInt(49)));
            case 1 -> Base64.getEncoder().encodeToString(randomBytes(random.nextInt(200)));
            case 2 -> "";
            default -> hostile();
        };
    }

    private String thumbprint() {
        return chance(2) ? "AB".repeat(20) : hostile();
    }

    private FieldMask mask() {
        FieldMask.Builder mask = FieldMask.newBuilder();
        String[] paths = {"*", "status", "authentication_type", "symmetric_keys", "x509_thumbprints", "iot_edge", "device_scope",
                "parent_scopes", "etag", "device_id", "", "status.x", "*.*"};
        for (int i = 0; i < random.nextInt(4); i++) {
            mask.addPaths(chance(4) ? hostile() : paths[random.nextInt(paths.length)]);
        }
        return mask.build();
    }

    private UpdateDeviceRequest updateDevice() {
        return UpdateDeviceRequest.newBuilder().setDevice(device()).setUpdateMask(mask()).setView(view()).build();
    }

    private UpdateTwinRequest updateTwin() {
        UpdateTwinRequest.Builder request = UpdateTwinRequest.newBuilder().setDeviceId(id()).setModuleId(optionalModule()).setEtag(etag());
        if (!chance(3)) {
            request.setTags(struct(0));
        }
        if (!chance(3)) {
            request.setDesired(struct(0));
        }
        return request.build();
    }

    private ReplaceTwinRequest replaceTwin() {
        ReplaceTwinRequest.Builder request = ReplaceTwinRequest.newBuilder().setDeviceId(id()).setModuleId(optionalModule()).setEtag(etag());
        if (!chance(3)) {
            request.setTags(struct(0));
        }
        if (!chance(3)) {
            request.setDesired(struct(0));
        }
        return request.build();
    }

    private String jobId() {
        return switch (random.nextInt(5)) {
            case 0 -> jobId;
            case 1, 2 -> "fzjob-" + random.nextInt(40);
            case 3 -> "x".repeat(64 + random.nextInt(3));
            default -> hostile();
        };
    }

    private CreateJobRequest createJob() {
        Job.Builder job = Job.newBuilder();
        if (chance(2)) {
            TwinUpdate.Builder update = TwinUpdate.newBuilder();
            if (!chance(3)) {
                update.setTags(struct(0));
            }
            if (!chance(3)) {
                update.setDesired(struct(0));
            }
            job.setQueryCondition("deviceId = '" + deviceId + "'").setTwinUpdate(update);
        } else {
            MethodInvocation.Builder method = MethodInvocation.newBuilder()
                    .setMethodName(chance(2) ? methodNames.get(random.nextInt(methodNames.size())) : hostile());
            if (chance(2)) {
                method.setPayload(value(0));
            }
            if (chance(3)) {
                method.setResponseTimeout(duration());
            }
            if (chance(4)) {
                method.setConnectTimeout(duration());
            }
            job.setQueryCondition(condition()).setMethodInvocation(method);
        }
        if (chance(3)) {
            job.setMaxExecutionTime(duration());
        }
        if (chance(3)) {
            job.setStartTime(timestamp());
        }
        if (chance(8)) {
            job.setJobId(hostile());
        }
        if (chance(8)) {
            job.clearAction();
        }
        return CreateJobRequest.newBuilder().setJob(job).setJobId(chance(2) ? "" : jobId()).build();
    }

    /** A method job's condition: the target, every device, a literal with hostile text, or anything. */
    private String condition() {
        return switch (random.nextInt(5)) {
            case 0 -> "deviceId = '" + deviceId + "'";
            case 1 -> "*";
            case 2 -> "tags.x = '" + hostile().replace("'", "") + "'";
            case 3 -> "q".repeat(7990 + random.nextInt(20));
            default -> hostile();
        };
    }

    private Timestamp timestamp() {
        long now = System.currentTimeMillis() / 1000;
        return switch (random.nextInt(7)) {
            case 0 -> Timestamp.newBuilder().setSeconds(-1 - random.nextInt(1000)).build();
            case 1 -> Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).build();
            case 2 -> Timestamp.newBuilder().setSeconds(253402300799L).build(); // 9999-12-31T23:59:59Z
            case 3 -> Timestamp.newBuilder().setSeconds(now).setNanos(-1).build();
            case 4 -> Timestamp.newBuilder().setSeconds(now).setNanos(1_000_000_000).build();
            case 5 -> Timestamp.newBuilder().setSeconds(now - random.nextInt(100_000)).build();
            default -> Timestamp.newBuilder().setSeconds(now + 3600 + random.nextInt(100_000)).build();
        };
    }

    private InvokeMethodRequest invoke() {
        InvokeMethodRequest.Builder request = InvokeMethodRequest.newBuilder()
                .setDeviceId(chance(2) ? deviceId : id()).setModuleId(chance(2) ? "" : optionalModule())
                .setMethodName(chance(2) ? methodNames.get(random.nextInt(methodNames.size())) : hostile());
        if (chance(2)) {
            request.setPayload(value(0));
        }
        if (chance(3)) {
            request.setResponseTimeout(duration());
        }
        if (chance(4)) {
            // A valid connect timeout would keep a call to an offline device waiting: only invalid ones.
            request.setConnectTimeout(Duration.newBuilder().setSeconds(chance(2) ? -1 : 301 + random.nextInt(1000)));
        }
        return request.build();
    }

    private Duration duration() {
        return switch (random.nextInt(4)) {
            case 0 -> Duration.newBuilder().setSeconds(-1 - random.nextInt(1000)).build();
            case 1 -> Duration.newBuilder().setSeconds(5).setNanos(1 + random.nextInt(999_999_999)).build();
            case 2 -> Duration.newBuilder().setSeconds(Long.MAX_VALUE).build();
            default -> Duration.newBuilder().setSeconds(5 + random.nextInt(20)).build();
        };
    }

    private <T, B extends Message> B batch(Supplier<T> item, java.util.function.Function<List<T>, B> build) {
        int count = chance(10) ? 0 : 1 + random.nextInt(chance(5) ? 120 : 4);
        List<T> items = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(item.get());
        }
        return build.apply(items);
    }
}
