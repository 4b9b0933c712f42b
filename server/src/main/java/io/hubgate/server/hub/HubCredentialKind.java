package io.hubgate.server.hub;

/**
 * Which kind of credential the gateway holds for IoT Hub, so that an error or a log line can say
 * which of the gateway's own credentials was refused and what an operator fixes — never the
 * secret itself. It does not decide anything about callers: their credentials are another matter.
 */
public enum HubCredentialKind {

    /** A shared access policy's key: the gateway signs its own tokens, so only IoT Hub can tell the key is wrong. */
    SAS_KEY("SAS key", "check the policy name and key it is configured with"),
    /** An Entra identity (client secret or certificate, workload or managed identity) that gets tokens from Entra. */
    ENTRA("Entra credential", "give its identity an IoT Hub data-plane role on this hub");

    private final String label;
    private final String advice;

    HubCredentialKind(String label, String advice) {
        this.label = label;
        this.advice = advice;
    }

    /** "SAS key" or "Entra credential". */
    public String label() {
        return label;
    }

    /** What an operator checks when IoT Hub refuses this kind (short: a status message holds 300 characters). */
    public String advice() {
        return advice;
    }
}
