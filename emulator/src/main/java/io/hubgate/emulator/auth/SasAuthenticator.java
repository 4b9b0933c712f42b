package io.hubgate.emulator.auth;

import io.hubgate.common.SasToken;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.Operation;
import io.hubgate.emulator.http.RequestAuthenticator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks service SAS tokens the way the hub does: a known policy ({@code skn}), an HMAC made with
 * one of its keys, an expiry in the future, a resource ({@code sr}) that covers the request by
 * whole path segments, and a policy that grants the operation's right. Every refusal is
 * 401 / 401002 with the reason, and never echoes the token.
 *
 * <p>The resource's host may be the hub's host name or the host and port the client addressed
 * ({@code 127.0.0.1:port}): a local client cannot reach {@code myhub.azure-devices.net}.
 */
public final class SasAuthenticator implements RequestAuthenticator {

    private static final int HTTPS_PORT = 443;

    private final Map<String, SharedAccessPolicy> policies;
    private final Set<String> acceptedHosts;
    private final Clock clock;

    /** @param acceptedHosts the hub's own host names, accepted whatever host the client addressed */
    public SasAuthenticator(List<SharedAccessPolicy> policies, Set<String> acceptedHosts, Clock clock) {
        this.policies = policies.stream().collect(Collectors.toUnmodifiableMap(SharedAccessPolicy::keyName, Function.identity()));
        this.acceptedHosts = acceptedHosts.stream().map(h -> withExplicitPort(h.toLowerCase(Locale.ROOT)))
                .collect(Collectors.toUnmodifiableSet());
        this.clock = clock;
    }

    @Override
    public void authenticate(HubRequest request, Operation operation) {
        String authorization = request.header("Authorization");
        if (authorization == null || authorization.isBlank()) {
            throw unauthorized("The request has no Authorization header; send a SharedAccessSignature token");
        }
        SasToken token;
        try {
            token = SasToken.parse(authorization.trim());
        } catch (IllegalArgumentException malformed) {
            throw unauthorized("The SharedAccessSignature is malformed: " + malformed.getMessage());
        }
        if (token.keyName() == null) {
            throw unauthorized("The token has no 'skn' policy name; device-scoped tokens cannot call the service API");
        }
        SharedAccessPolicy policy = policies.get(token.keyName());
        if (policy == null) {
            throw unauthorized("The shared access policy '" + token.keyName() + "' does not exist on this hub");
        }
        if (!clock.instant().isBefore(token.expiry())) {
            throw unauthorized("The SharedAccessSignature expired at " + token.expiry());
        }
        if (!signatureMatches(token, policy)) {
            throw unauthorized("The SharedAccessSignature's signature does not match any key of policy '" + policy.keyName() + "'");
        }
        if (!resourceCovers(token.resource(), request)) {
            throw unauthorized("The token's resource '" + token.resource() + "' does not cover " + request.rawPath());
        }
        if (!policy.rights().contains(operation.requiredRight())) {
            throw unauthorized("The policy '" + policy.keyName() + "' does not grant " + operation.requiredRight().wireName()
                    + ", which " + request.method() + " " + request.rawPath() + " requires");
        }
    }

    private static boolean signatureMatches(SasToken token, SharedAccessPolicy policy) {
        byte[] presented = token.signature().getBytes(StandardCharsets.US_ASCII);
        long se = token.expiry().getEpochSecond();
        boolean primary = MessageDigest.isEqual(presented,
                SasToken.sign(token.encodedResource(), se, policy.keys().primaryKey()).getBytes(StandardCharsets.US_ASCII));
        boolean secondary = MessageDigest.isEqual(presented,
                SasToken.sign(token.encodedResource(), se, policy.keys().secondaryKey()).getBytes(StandardCharsets.US_ASCII));
        return primary | secondary;
    }

    /** sr = host[/segment…]; the host must be ours and the segments a whole-segment prefix of the path. */
    private boolean resourceCovers(String resource, HubRequest request) {
        String trimmed = resource.startsWith("https://") ? resource.substring("https://".length()) : resource;
        List<String> parts = new ArrayList<>(List.of(trimmed.split("/")));
        parts.removeIf(String::isEmpty);
        if (parts.isEmpty() || !isOurHost(parts.get(0), request)) {
            return false;
        }
        List<String> path = request.segments();
        if (parts.size() - 1 > path.size()) {
            return false;
        }
        for (int i = 1; i < parts.size(); i++) {
            if (!parts.get(i).equalsIgnoreCase(path.get(i - 1))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a resource's host names this hub as the service checks it: the hub's host name, or
     * (a local client cannot reach {@code <hub>.azure-devices.net}) exactly the host and port the
     * client addressed, its {@code Host} header. Ports compare as https does: no port is 443, so
     * {@code 127.0.0.1:443} is what the Python SDK signs for {@code HostName=127.0.0.1:443} while
     * its HTTP client sends {@code Host: 127.0.0.1}, and the Node SDK, which cannot address a port,
     * signs {@code 127.0.0.1} and sends {@code Host: 127.0.0.1} through an agent to another port.
     * A token for {@code 127.0.0.1} sent to {@code 127.0.0.1:8443} names another hub, and is refused.
     */
    private boolean isOurHost(String host, HubRequest request) {
        String named = withExplicitPort(host.toLowerCase(Locale.ROOT));
        if (acceptedHosts.contains(named)) {
            return true;
        }
        String requestHost = request.header("Host");
        return requestHost != null && withExplicitPort(requestHost.toLowerCase(Locale.ROOT)).equals(named);
    }

    /** {@code host} as {@code host:port}, https's 443 when it names none ({@code [::1]} has colons but no port). */
    private static String withExplicitPort(String host) {
        return host.lastIndexOf(':') > host.lastIndexOf(']') ? host : host + ":" + HTTPS_PORT;
    }

    private static HubException unauthorized(String message) {
        return new HubException(HubErrorCode.IOTHUB_UNAUTHORIZED_ACCESS, message);
    }
}
