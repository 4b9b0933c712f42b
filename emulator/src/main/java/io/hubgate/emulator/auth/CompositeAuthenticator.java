package io.hubgate.emulator.auth;

import io.hubgate.common.SasToken;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.Operation;
import io.hubgate.emulator.http.RequestAuthenticator;

/**
 * Sends each request to the authenticator of its Authorization scheme, as the hub accepts both
 * service SAS tokens and Entra bearer tokens: {@code SharedAccessSignature …} to the SAS
 * authenticator, {@code Bearer …} to the bearer one. A missing header goes to SAS (whose answer
 * says what to send); any other scheme is 401 / 401002. It checks nothing itself.
 */
public final class CompositeAuthenticator implements RequestAuthenticator {

    private final RequestAuthenticator sas;
    private final RequestAuthenticator bearer;

    public CompositeAuthenticator(RequestAuthenticator sas, RequestAuthenticator bearer) {
        this.sas = sas;
        this.bearer = bearer;
    }

    @Override
    public void authenticate(HubRequest request, Operation operation) {
        String authorization = request.header("Authorization");
        if (authorization == null || authorization.isBlank()) {
            sas.authenticate(request, operation);
            return;
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        if (scheme.equals(SasToken.SCHEME)) {
            sas.authenticate(request, operation);
        } else if (scheme.equalsIgnoreCase(BearerAuthenticator.SCHEME)) {
            bearer.authenticate(request, operation);
        } else {
            throw new HubException(HubErrorCode.IOTHUB_UNAUTHORIZED_ACCESS,
                    "The Authorization scheme is not supported; send a SharedAccessSignature or a Bearer token");
        }
    }
}
