package io.hubgate.server.hub;

/**
 * Finds out, after an attempt of a non-repeatable operation lost its answer (the request was sent
 * and the connection failed before the response), whether that attempt took effect, by reading
 * the hub: a create by looking for the identity with the keys the gateway sent, a delete by
 * looking for the identity, a conditional write by comparing the etag it was conditional on.
 *
 * <p>{@link UpstreamCalls} then answers with the result ({@link Verdict#applied}), tries again
 * ({@link Verdict#notApplied}) or says the outcome is unknown ({@link Verdict#unknown}); an
 * operation without a verifier (a direct method: nothing records it) is always unknown.
 */
@FunctionalInterface
public interface Verifier<T> {

    Verdict<T> check(Upstream upstream) throws Exception;

    /** What a verifier found. */
    record Verdict<T>(State state, T result) {

        public enum State { APPLIED, NOT_APPLIED, UNKNOWN }

        /** The lost attempt took effect; {@code result} is what the call answers. */
        public static <T> Verdict<T> applied(T result) {
            return new Verdict<>(State.APPLIED, result);
        }

        /** Provably no effect: trying again is safe. */
        public static <T> Verdict<T> notApplied() {
            return new Verdict<>(State.NOT_APPLIED, null);
        }

        /** Cannot be told (another writer could have done the same): the caller is told so. */
        public static <T> Verdict<T> unknown() {
            return new Verdict<>(State.UNKNOWN, null);
        }
    }
}
