package io.hubgate.server.auth;


import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Builds the configured authenticators in their fixed order: JWT, API key, then client certificate. */
public final class Authenticators {

    private Authenticators() {
    }

    /** @throws IOException when the JWKS cannot be discovered or the API key file cannot be read */
    public static List<CallerAuthenticator> from(AuthSettings settings, Clock clock) throws IOException {
        return from(settings, clock, new JwksRefreshes());
    }

    /** As {@link #from(AuthSettings, Clock)}, the JWKS refreshes counted by {@code jwksRefreshes}. */
    public static List<CallerAuthenticator> from(AuthSettings settings, Clock clock, JwksRefreshes jwksRefreshes)
            throws IOException {
        List<CallerAuthenticator> authenticators = new ArrayList<>();
        if (settings.jwtConfigured()) {
            authenticators.add(JwtAuthenticator.fromSettings(settings, clock, jwksRefreshes));
        }
        if (settings.apiKeysFile() != null) {
            authenticators.add(ApiKeyAuthenticator.fromFile(settings.apiKeysFile()));
        }
        if (settings.clientCa() != null) {
            authenticators.add(new MtlsAuthenticator(settings.mtlsRoles()));
        }
        return authenticators;
    }
}
