package io.hubgate.emulator.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.json.Json;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes error bodies in the form the service uses on the endpoint ({@link ErrorBodyForm}), always
 * with the {@code iothub-errorcode} header naming the error, so that every official SDK sees what
 * it sees from the service: Node its error class from the named form, Java the six-digit code from
 * the JSON form (and only the HTTP status from the named form), C# the header.
 */
public final class ErrorResponses {

    private static final DateTimeFormatter TRACKING_TIME =
            DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Clock clock;

    public ErrorResponses(Clock clock) {
        this.clock = clock;
    }

    public HubResponse of(HubException error, ErrorBodyForm form) {
        HubErrorCode code = error.errorCode();
        String trackingId = newTrackingId();
        ObjectNode body = switch (form) {
            case JSON -> wrapper(Json.text(jsonForm(error, trackingId)), "");
            case NAMED -> wrapper("ErrorCode:" + code.errorName() + ";" + namedField(error.getMessage()),
                    "Tracking ID:" + trackingId);
        };
        HubResponse response = HubResponse.json(code.httpStatus(), body).header("iothub-errorcode", code.errorName());
        error.headers().forEach(response::header);
        return response;
    }

    private ObjectNode jsonForm(HubException error, String trackingId) {
        ObjectNode inner = Json.object();
        inner.put("errorCode", error.errorCode().code());
        inner.put("trackingId", trackingId);
        inner.put("message", error.getMessage());
        ObjectNode info = inner.putObject("info");
        error.info().forEach(info::put);
        inner.put("timestampUtc", clock.instant().toString());
        return inner;
    }

    private static ObjectNode wrapper(String message, String exceptionMessage) {
        ObjectNode outer = Json.object();
        outer.put("Message", message);
        outer.put("ExceptionMessage", exceptionMessage);
        return outer;
    }

    /**
     * The message as the named form's second field: readers split the field list on ';' (Node
     * takes the second item as the message), and the Java SDK looks for a nested body from the
     * first '{', so neither may occur in it.
     */
    private static String namedField(String message) {
        String text = message == null || message.isBlank() ? "The request failed" : message;
        return text.replace(';', ',').replace('{', '(').replace('}', ')');
    }

    private String newTrackingId() {
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().withUpperCase().formatHex(random) + "-G:0-TimeStamp:" + TRACKING_TIME.format(clock.instant());
    }
}
