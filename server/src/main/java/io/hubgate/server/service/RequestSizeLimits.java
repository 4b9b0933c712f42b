package io.hubgate.server.service;

import io.hubgate.api.v1.JobServiceGrpc;
import io.hubgate.api.v1.MethodServiceGrpc;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.TwinServiceGrpc;

import java.util.Map;

/**
 * The largest request message, in wire bytes, each RPC accepts: derived from IoT Hub's own limits
 * on what the request carries, with room for protobuf's encoding of the same JSON. A request over
 * its method's limit is refused before it is parsed ({@code RequestGuard}), because parsing is
 * what costs heap: a {@code Struct} of tiny entries takes about 12 heap bytes per wire byte.
 *
 * <p>Expansion of JSON in protobuf, worst cases (the bytes IoT Hub counts, or the JSON text,
 * against the wire bytes of the same content):
 * <ul>
 * <li>Twin sections ({@link #TWIN_SECTION_EXPANSION}): IoT Hub (and {@link TwinChecks}) counts
 *     keys plus values, numbers 8 and booleans 4, null values as deletes (keys only). A one-byte
 *     key with a null, {@code ""} or {@code {}} value counts 1 byte and takes 9 on the wire (map
 *     entry tag and length 2, key field 3, value field 4); a one-byte key with a number counts 9
 *     and takes 15. So at most 9 wire bytes per counted byte, and a section may write up to its
 *     limit and delete up to its limit: {@code 2 × 9 × limit}.</li>
 * <li>JSON values ({@link #JSON_VALUE_EXPANSION_TIMES_2} / 2, direct-method payloads measured as
 *     serialized JSON): an array of one-digit numbers, {@code 0,} (2 bytes) per element, takes 11
 *     (tag, length, a double's tag and 8 bytes): 5.5×. Other shapes expand less ({@code "":0} 5 →
 *     15, {@code [],} 3 → 4, {@code null,} 5 → 4).</li>
 * <li>Text (query text, query conditions): at most 3 UTF-8 bytes per Java character.</li>
 * </ul>
 * Each message gets {@link #ENVELOPE} more for its ids, etags, names and durations.
 *
 * <p>Not a validation of content: a request under its limit is still checked field by field.
 */
public final class RequestSizeLimits {

    /** Wire bytes per byte IoT Hub counts in a twin section, at worst. */
    static final int TWIN_SECTION_EXPANSION = 9;
    /** Twice the wire bytes per serialized JSON byte of a JSON value, at worst (5.5×). */
    static final int JSON_VALUE_EXPANSION_TIMES_2 = 11;
    /** Ids (128 characters), etags (128), method names, job ids, durations, field tags: all of them fit. */
    static final int ENVELOPE = 4 * 1024;

    /** Every method not named below: ids, etags, page sizes, a page token (the longest this gateway mints). */
    public static final int DEFAULT = 64 * 1024;
    /** UpdateTwin, ReplaceTwin: tags and desired, each written and deleted up to its limit. */
    static final int TWIN_WRITE = 2 * TWIN_SECTION_EXPANSION * (TwinChecks.MAX_TAGS_BYTES + TwinChecks.MAX_DESIRED_BYTES)
            + ENVELOPE;
    /** InvokeMethod: a payload of up to 128 KB serialized. */
    static final int METHOD_INVOCATION = MethodServiceImpl.MAX_PAYLOAD_BYTES / 2 * JSON_VALUE_EXPANSION_TIMES_2 + ENVELOPE;
    /** CreateJob: a twin update or a method invocation, and a query condition. */
    static final int CREATE_JOB = Math.max(TWIN_WRITE, METHOD_INVOCATION) + 3 * JobChecks.MAX_CONDITION_LENGTH + ENVELOPE;
    /** QueryTwins: query text and a page token. */
    static final int QUERY_PAGE = 3 * QueryResults.MAX_QUERY_LENGTH + PageTokens.MAX_TOKEN_CHARS + ENVELOPE;
    /** StreamQueryTwins: query text. */
    static final int QUERY_STREAM = 3 * QueryResults.MAX_QUERY_LENGTH + ENVELOPE;
    /**
     * Batch create, update and delete: the gateway sends IoT Hub 100 devices a request, but a
     * batch may hold more. A device's entry of the largest legal size (ids, keys, thumbprints,
     * scopes) is well under 2 KB, a typical one about 100 bytes: 1 MiB is at least 500 devices,
     * thousands of typical ones.
     */
    static final int BATCH = 1024 * 1024;

    private static final Map<String, Integer> LIMITS = Map.ofEntries(
            Map.entry(TwinServiceGrpc.getUpdateTwinMethod().getFullMethodName(), TWIN_WRITE),
            Map.entry(TwinServiceGrpc.getReplaceTwinMethod().getFullMethodName(), TWIN_WRITE),
            Map.entry(TwinServiceGrpc.getQueryTwinsMethod().getFullMethodName(), QUERY_PAGE),
            Map.entry(TwinServiceGrpc.getStreamQueryTwinsMethod().getFullMethodName(), QUERY_STREAM),
            Map.entry(MethodServiceGrpc.getInvokeMethodMethod().getFullMethodName(), METHOD_INVOCATION),
            Map.entry(JobServiceGrpc.getCreateJobMethod().getFullMethodName(), CREATE_JOB),
            Map.entry(RegistryServiceGrpc.getBatchCreateDevicesMethod().getFullMethodName(), BATCH),
            Map.entry(RegistryServiceGrpc.getBatchUpdateDevicesMethod().getFullMethodName(), BATCH),
            Map.entry(RegistryServiceGrpc.getBatchDeleteDevicesMethod().getFullMethodName(), BATCH));

    static {
        if (DEFAULT < PageTokens.MAX_TOKEN_CHARS + ENVELOPE) {
            throw new ExceptionInInitializerError("the default request limit must hold the longest page token");
        }
    }

    private RequestSizeLimits() {
    }

    /** The largest request {@code fullMethodName} accepts, in wire bytes (after decompression). */
    public static int of(String fullMethodName) {
        return LIMITS.getOrDefault(fullMethodName, DEFAULT);
    }

    /** The largest limit of any method: the transport's own bound on an inbound message. */
    public static int largest() {
        return LIMITS.values().stream().mapToInt(Integer::intValue).max().orElse(DEFAULT);
    }
}
