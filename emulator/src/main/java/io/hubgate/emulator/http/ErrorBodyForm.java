package io.hubgate.emulator.http;

/**
 * The two ways IoT Hub words an error body, and which endpoint uses which. Clients read them
 * differently: the Node SDK picks its error class (DeviceNotFoundError …) only from the named form,
 * the Java SDK finds the six-digit code only in the JSON form, C# reads the
 * {@code iothub-errorcode} header, and Python hands the body to the caller.
 */
enum ErrorBodyForm {

    /**
     * {@code {"Message":"ErrorCode:DeviceNotFound;Device d1 not registered","ExceptionMessage":"Tracking ID:…"}}:
     * what the service answers on the registry and twin endpoints (public SDK issues show it for
     * device gets, twin gets and etag mismatches). The emulator appends one more field, a nested
     * {@code {"Message":"<the JSON form>","ExceptionMessage":""}}, from which the Java SDK's parser
     * recovers the six-digit code (without it the Java SDK sees only the HTTP status); readers of
     * the named form see the name and the message in the first two fields, as from the service.
     */
    NAMED,

    /**
     * {@code {"Message":"{\"errorCode\":404103,\"trackingId\":…,\"message\":…,\"info\":{},\"timestampUtc\":…}","ExceptionMessage":""}}:
     * what the service answers on the direct-method endpoints (404103, 404001, 504101).
     */
    JSON;

    /** The form of an operation's errors; null (a request that matched no route) gets the named form. */
    public static ErrorBodyForm of(Operation operation) {
        return operation == Operation.INVOKE_METHOD ? JSON : NAMED;
    }
}
