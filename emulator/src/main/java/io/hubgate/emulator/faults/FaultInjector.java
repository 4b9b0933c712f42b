package io.hubgate.emulator.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.control.ControlSurface;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.HubResponse;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.emulator.http.RequestGate;
import io.hubgate.emulator.json.Json;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The hub's {@link RequestGate}: applies injected fault rules, then the tier quota if one is on,
 * and serves the control routes that drive both.
 *
 * <p>A request first meets the fault rules ({@link FaultRules} says in which order). A latency
 * fault holds the worker thread for its delay and lets the request go on to the quota; a
 * throttle, error or drop fault ends the request there, without spending quota; a dropAfter
 * fault lets it go on (quota included) and marks it so that its answer is never sent (with a
 * latency, the connection is closed first and the request handled that much later). The control
 * surface ({@link OperationClass#CONTROL}) is never faulted or metered.
 *
 * <pre>
 * POST   /_emulator/faults        add a rule            → 201 with the rule and its id
 * GET    /_emulator/faults        the active rules, with remaining counts and times fired
 * DELETE /_emulator/faults        remove every rule
 * DELETE /_emulator/faults/{id}   remove one rule
 * PUT    /_emulator/quota         {"tier":"S1","units":1}: enforce that tier's throttles
 * GET    /_emulator/quota         the quota in force and its limits, or {"enabled":false}
 * DELETE /_emulator/quota         stop enforcing quotas
 * </pre>
 *
 * <p>It does not authenticate: the control dispatcher admits only the owner policy. Thread-safe.
 */
public final class FaultInjector implements RequestGate, ControlSurface.Contributor {

    private static final Set<String> QUOTA_FIELDS = Set.of("tier", "units");

    private final FaultRules rules = new FaultRules();
    private final Ticker ticker;
    private final HubTier startTier;
    private final int startUnits;
    private final AtomicReference<TierQuota> quota = new AtomicReference<>();

    /**
     * @param startTier  the tier enforced from the start and after {@link #reset()}, or null for no quota
     * @param startUnits its units (ignored without a tier)
     */
    public FaultInjector(Ticker ticker, HubTier startTier, int startUnits) {
        this.ticker = Objects.requireNonNull(ticker);
        this.startTier = startTier;
        this.startUnits = startUnits;
        quota.set(startTier == null ? null : new TierQuota(startTier, startUnits, ticker));
    }

    /** No faults and no quota. */
    public FaultInjector() {
        this(Ticker.SYSTEM, null, 0);
    }

    @Override
    public void admit(HubRequest request, OperationClass operationClass) {
        if (operationClass == OperationClass.CONTROL) {
            return;
        }
        rules.fire(operationClass).ifPresent(rule -> apply(rule.spec(), request));
        TierQuota current = quota.get();
        if (current != null) {
            current.admit(operationClass, request.body().length);
        }
    }

    /**
     * Applies the fault rules for {@link OperationClass#JOB_DEVICES} to one device operation of a
     * running job (the quota paces those instead, see {@link #jobDevicePace()}).
     *
     * @throws HubException   a throttle or error fault: the device's entry fails with it
     * @throws DropConnection a drop fault
     */
    public void admitJobDeviceOperation() {
        rules.fire(OperationClass.JOB_DEVICES).ifPresent(rule -> apply(rule.spec(), null));
    }

    /** Nanoseconds a running job waits before its next device operation under the tier's quota (0: none). */
    public long jobDevicePace() {
        TierQuota current = quota.get();
        return current == null ? 0 : current.jobDevicePace();
    }

    /** Scheduled jobs that may be active at once: the tier's limit, unlimited without a quota. */
    public int maxActiveJobs() {
        TierQuota current = quota.get();
        return current == null ? Integer.MAX_VALUE : current.tier().maxConcurrentJobs();
    }

    /** @param request the HTTP request, or null for a job's device operation (which has no answer to drop) */
    private static void apply(FaultSpec spec, HubRequest request) {
        switch (spec.kind()) {
            case LATENCY -> pause(spec.latencyMs());
            case THROTTLE -> throw new HubException(spec.errorCode(),
                    "Throttled by an injected fault: too many requests, retry later",
                    Map.of(), spec.retryAfterSeconds() == null ? Map.of()
                    : Map.of("Retry-After", Integer.toString(spec.retryAfterSeconds())));
            case ERROR -> throw new HubException(spec.errorCode(), spec.errorCode() == HubErrorCode.SERVICE_UNAVAILABLE
                    ? "The service is unavailable (injected fault)" : "The server failed (injected fault)");
            case DROP -> throw new DropConnection();
            case DROP_AFTER -> {
                if (request != null) {
                    request.dropResponseAfterHandling(spec.latencyMs());
                }
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException stopping) {
            // The server is stopping; let the request finish rather than fail it.
            Thread.currentThread().interrupt();
        }
    }

    /** Adds a rule after the existing ones. */
    public FaultRule add(FaultSpec spec) {
        return rules.add(spec);
    }

    /** The active rules, oldest first. */
    public List<FaultRule> rules() {
        return rules.list();
    }

    public boolean remove(String id) {
        return rules.remove(id);
    }

    public void clearFaults() {
        rules.clear();
    }

    /** Enforces a tier's quota from now on, with full buckets. */
    public TierQuota enforceQuota(HubTier tier, int units) {
        TierQuota fresh = new TierQuota(tier, units, ticker);
        quota.set(fresh);
        return fresh;
    }

    public void stopQuota() {
        quota.set(null);
    }

    public Optional<TierQuota> quota() {
        return Optional.ofNullable(quota.get());
    }

    /** Removes every rule and goes back to the starting quota (if any) with full buckets. */
    public void reset() {
        rules.clear();
        quota.set(startTier == null ? null : new TierQuota(startTier, startUnits, ticker));
    }

    @Override
    public void register(ControlSurface surface) {
        surface.add("POST", "/faults", (request, path) ->
                HubResponse.json(201, Json.MAPPER.valueToTree(add(FaultSpecParser.parse(request.jsonObjectBody())).describe())));
        surface.add("GET", "/faults", (request, path) -> HubResponse.ok(rulesJson()));
        surface.add("DELETE", "/faults", (request, path) -> {
            clearFaults();
            return HubResponse.noContent();
        });
        surface.add("DELETE", "/faults/{id}", (request, path) -> {
            if (!remove(path.get("id"))) {
                throw new HubException(HubErrorCode.ARGUMENT_INVALID,
                        "No active fault rule has id '" + path.get("id") + "' (a count rule leaves once spent)");
            }
            return HubResponse.noContent();
        });
        surface.add("PUT", "/quota", (request, path) -> HubResponse.ok(quotaJson(putQuota(request.jsonObjectBody()))));
        surface.add("GET", "/quota", (request, path) -> HubResponse.ok(quotaJson(quota.get())));
        surface.add("DELETE", "/quota", (request, path) -> {
            stopQuota();
            return HubResponse.noContent();
        });
    }

    private JsonNode rulesJson() {
        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("faults");
        rules.list().forEach(rule -> list.add(Json.MAPPER.<JsonNode>valueToTree(rule.describe())));
        return body;
    }

    private TierQuota putQuota(ObjectNode body) {
        for (var names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!QUOTA_FIELDS.contains(name)) {
                throw HubException.argumentInvalid("Unknown field '" + name + "'; a quota has tier and units");
            }
        }
        JsonNode tierNode = body.get("tier");
        HubTier tier = tierNode != null && tierNode.isTextual() ? HubTier.parse(tierNode.textValue()) : null;
        if (tier == null) {
            throw HubException.argumentInvalid("tier is S1, S2 or S3, not " + tierNode);
        }
        JsonNode unitsNode = body.get("units");
        if (unitsNode == null) {
            return enforceQuota(tier, 1);
        }
        if (!unitsNode.isIntegralNumber() || unitsNode.asLong() < 1 || unitsNode.asLong() > tier.maxUnits()) {
            throw HubException.argumentInvalid("units of tier " + tier + " is a whole number from 1 to "
                    + tier.maxUnits() + ", not " + unitsNode);
        }
        return enforceQuota(tier, unitsNode.intValue());
    }

    private static JsonNode quotaJson(TierQuota current) {
        ObjectNode body = Json.object();
        body.put("enabled", current != null);
        if (current != null) {
            body.put("tier", current.tier().name());
            body.put("units", current.units());
            ObjectNode limits = body.putObject("limits");
            current.limits().forEach((operationClass, limit) ->
                    limits.put(FaultSpec.className(operationClass), limit.description()));
        }
        return body;
    }
}
