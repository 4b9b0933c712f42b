package io.hubgate.bench;

import com.nimbusds.jwt.JWTClaimsSet;
import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraCoordinates;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** What a run needs on the emulator before it measures: the twins, and a caller token for the gateway. */
public final class BenchFixtures {

    private BenchFixtures() {
    }

    /** Creates twins bench-0 … bench-(n-1) with tags through the emulator's bulk registry API, 100 per request; returns the nanoseconds taken. */
    public static long seed(EmulatorCoordinates at, int twins) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(at.trustingSslContext()).version(HttpClient.Version.HTTP_1_1).build();
        String token = at.sasToken(IotHubEmulator.OWNER_POLICY, Duration.ofHours(1));
        long begin = System.nanoTime();
        for (int from = 0; from < twins; from += 100) {
            StringBuilder body = new StringBuilder("[");
            for (int i = from; i < Math.min(twins, from + 100); i++) {
                body.append(i == from ? "" : ",").append("{\"id\":\"bench-").append(i)
                        .append("\",\"importMode\":\"create\",\"tags\":{\"bucket\":").append(i % 100)
                        .append("},\"properties\":{\"desired\":{\"interval\":").append(i % 60).append("}}}");
            }
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(at.baseUrl() + "/devices?api-version=2021-04-12"))
                    .header("Authorization", token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.append(']').toString())).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("seeding answered " + response.statusCode() + ": " + response.body());
            }
        }
        return System.nanoTime() - begin;
    }

    /** A caller token of the emulator's issuer for the gateway's API with every role, living an hour. */
    public static String callerToken(EntraCoordinates entra) {
        Instant now = Instant.now();
        String subject = "bench-caller";
        return entra.sign(new JWTClaimsSet.Builder().issuer(entra.issuer()).audience(DefaultDirectory.API_URI)
                .subject(subject).claim("oid", subject).claim("tid", entra.tenantId()).claim("azp", "bench-app")
                .claim("roles", List.copyOf(DefaultDirectory.API_ROLES)).issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1)))).build());
    }
}
