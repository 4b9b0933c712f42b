package io.hubgate.emulator.http;

/**
 * The two ways IoT Hub words an error body, and which endpoint uses which. Clients read them
 * differently: the Node SDK picks its error class (DeviceNotFoundError …) only from the named form,
 * the Java SDK finds the six-digit code only in the JSON form (from the named form it keeps the
 * HTTP status as the code and "ErrorCode:Name;message Tracking ID:…" as the message), C# reads the
 * {@code iothub-errorcode} header, and Python hands the body to the caller.
 */
enum ErrorBodyForm {

    /**
     * {@code {"Message":"ErrorCode:DeviceNotFound;Device d1 not registered","ExceptionMessage":"Tracking ID:…"}}:
     * what the service answers on the registry, twin, query, bulk and job endpoints and for
     * refused credentials (public SDK issues show it for device gets, twin gets, 401s and a job's
     * 429: azure-iot-sdk-java #1108, azure-iot-sdk-node #971, azure-iot-sdk-csharp #361), exactly
     * so: two fields, no six-digit code anywhere but the name.
     */
    NAMED,

    /**
     * {@code {"Message":"{\"errorCode\":404103,\"trackingId\":…,\"message\":…,\"info\":{},\"timestampUtc\":…}","ExceptionMessage":""}}:
     * what the service answers on the direct-method endpoints (404103, 404001, 504101;
     * azure-iot-sdk-csharp #3442 shows it for 404103).
     */
    JSON;

    /** The form of an operation's errors; null (a request that matched no route) gets the named form. */
    public static ErrorBodyForm of(Operation operation) {
        return operation == Operation.INVOKE_METHOD ? JSON : NAMED;
    }
}
