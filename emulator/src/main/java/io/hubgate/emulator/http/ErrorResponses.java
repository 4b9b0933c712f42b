package io.hubgate.emulator.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.json.Json;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes error bodies in the form the service uses today: {@code Message} holds a JSON string
 * with the numeric {@code errorCode}, and {@code ExceptionMessage} is empty. This is the form
 * from which the Java SDK recovers the exact code (a non-empty ExceptionMessage would make it
 * fall back to the bare HTTP status). The {@code iothub-errorcode} header carries the name.
 */
public final class ErrorResponses {

    private static final DateTimeFormatter TRACKING_TIME =
            DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Clock clock;

    public ErrorResponses(Clock clock) {
        this.clock = clock;
    }

    public HubResponse of(HubException error) {
        HubErrorCode code = error.errorCode();
        String trackingId = newTrackingId();
        ObjectNode inner = Json.object();
        inner.put("errorCode", code.code());
        inner.put("trackingId", trackingId);
        inner.put("message", error.getMessage());
        ObjectNode info = inner.putObject("info");
        error.info().forEach(info::put);
        inner.put("timestampUtc", clock.instant().toString());

        ObjectNode outer = Json.object();
        outer.put("Message", Json.text(inner));
        outer.put("ExceptionMessage", "");
        HubResponse response = HubResponse.json(code.httpStatus(), outer).header("iothub-errorcode", code.errorName());
        error.headers().forEach(response::header);
        return response;
    }

    private String newTrackingId() {
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().withUpperCase().formatHex(random) + "-G:0-TimeStamp:" + TRACKING_TIME.format(clock.instant());
    }
}
