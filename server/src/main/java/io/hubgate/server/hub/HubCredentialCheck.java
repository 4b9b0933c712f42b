package io.hubgate.server.hub;

import com.azure.core.credential.TokenRequestContext;
import com.microsoft.azure.sdk.iot.service.registry.RegistryStatistics;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tries the gateway's own hub credential once at start, within a bounded time, and logs one WARN
 * line when it does not work — so a wrong secret or key shows at start, not first in a caller's
 * INTERNAL. An Entra credential is asked for its token (nothing reaches the hub); a SAS key signs
 * its tokens itself, so only the hub can tell it is wrong, and one registry-statistics request
 * asks it. It never stops the gateway from starting: an Entra or hub outage at start must not
 * keep the gateway down, and calls work as soon as the credential does (until then each is
 * INTERNAL naming the credential, see {@link HubErrorMapper#ownCredentialRefused}).
 */
public final class HubCredentialCheck {

    private static final Logger LOG = LoggerFactory.getLogger(HubCredentialCheck.class);
    /** The most the check may delay the start. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private HubCredentialCheck() {
    }

    /** Checks once; logs one WARN when the credential did not work. @return whether it worked within {@link #TIMEOUT} */
    public static boolean atStart(HubClients clients) {
        HubCredentialKind kind = clients.credentialKind();
        CompletableFuture<?> attempt = kind == HubCredentialKind.ENTRA
                ? clients.tokenCredential().getToken(new TokenRequestContext().addScopes(io.hubgate.server.hub.rest.RestTransport.IOT_HUB_SCOPE)).toFuture()
                : CompletableFuture.supplyAsync(() -> statistics(clients), runnable -> {
                    Thread thread = new Thread(runnable, "hub-credential-check");
                    thread.setDaemon(true);
                    thread.start();
                });
        try {
            attempt.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException slow) {
            attempt.cancel(true);
            warn("The gateway's own hub credential (" + kind.label() + ") could not be checked: no answer within "
                    + TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            warn("The gateway's own hub credential (" + kind.label() + ") could not be checked: interrupted");
        } catch (Exception failed) {
            StatusRuntimeException refused = HubErrorMapper.ownCredentialRefused(failed, kind);
            warn(refused != null ? refused.getStatus().getDescription() : "The gateway's own hub credential ("
                    + kind.label() + ") could not be checked: " + HubErrorMapper.map(failed).getStatus().getDescription());
        }
        return false;
    }

    private static RegistryStatistics statistics(HubClients clients) {
        try {
            return clients.within(TIMEOUT.dividedBy(2)).registry().getStatistics();
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    private static void warn(String what) {
        LOG.warn("At start: {}. Serving anyway, so that an outage at start cannot keep the gateway down;"
                + " calls fail INTERNAL until the credential works.", what);
    }
}
