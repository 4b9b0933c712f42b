package io.hubgate.emulator.http;

/**
 * An {@code If-Match} precondition. The Java SDK sends it unquoted ({@code *} or the raw etag),
 * the Node SDK quoted ({@code "*"}, {@code "etag"}); a weak {@code W/} prefix is tolerated.
 */
public record IfMatch(String etag) {

    /** Matches any current version. */
    public static final IfMatch ANY = new IfMatch("*");

    /** Null when the header is absent or blank. */
    public static IfMatch parse(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        return new IfMatch(value);
    }

    public boolean isAny() {
        return "*".equals(etag);
    }

    /** True when this precondition accepts the current etag. */
    public boolean matches(String currentEtag) {
        return isAny() || etag.equals(currentEtag);
    }

    /** Throws 412 / 412001 unless the precondition holds (a null precondition always holds). */
    public static void check(IfMatch precondition, String currentEtag, String what) {
        if (precondition != null && !precondition.matches(currentEtag)) {
            throw HubException.preconditionFailed(what, precondition.etag());
        }
    }
}
