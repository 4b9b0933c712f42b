package io.hubgate.emulator.http;

import java.util.Set;

/**
 * Every IoT Hub operation the emulator serves, with what it takes to call it: the shared
 * access permission a SAS token needs, the Entra data actions (prefix
 * {@code Microsoft.Devices/IotHubs/}) a bearer token's roles must grant, and the family it is
 * metered in. One table, so authentication and throttling can never disagree about an operation.
 */
public enum Operation {
    CREATE_OR_UPDATE_DEVICE(AccessRight.REGISTRY_WRITE, OperationClass.REGISTRY, "devices/write"),
    GET_DEVICE(AccessRight.REGISTRY_READ, OperationClass.REGISTRY, "devices/read"),
    DELETE_DEVICE(AccessRight.REGISTRY_WRITE, OperationClass.REGISTRY, "devices/delete"),
    LIST_DEVICES(AccessRight.REGISTRY_READ, OperationClass.REGISTRY, "devices/read"),
    BULK_DEVICES(AccessRight.REGISTRY_WRITE, OperationClass.REGISTRY, "devices/write", "devices/delete"),
    GET_DEVICE_STATISTICS(AccessRight.REGISTRY_READ, OperationClass.REGISTRY, "statistics/read"),
    GET_SERVICE_STATISTICS(AccessRight.SERVICE_CONNECT, OperationClass.REGISTRY, "statistics/read"),
    CREATE_OR_UPDATE_MODULE(AccessRight.REGISTRY_WRITE, OperationClass.REGISTRY, "devices/write"),
    GET_MODULE(AccessRight.REGISTRY_READ, OperationClass.REGISTRY, "devices/read"),
    DELETE_MODULE(AccessRight.REGISTRY_WRITE, OperationClass.REGISTRY, "devices/delete"),
    LIST_MODULES(AccessRight.REGISTRY_READ, OperationClass.REGISTRY, "devices/read"),
    GET_TWIN(AccessRight.SERVICE_CONNECT, OperationClass.TWIN_READ, "twins/read"),
    UPDATE_TWIN(AccessRight.SERVICE_CONNECT, OperationClass.TWIN_WRITE, "twins/write"),
    REPLACE_TWIN(AccessRight.SERVICE_CONNECT, OperationClass.TWIN_WRITE, "twins/write"),
    // One operation whatever it reads, devices.jobs included: the service authorizes the route
    // (its refusal says "not authorized for POST on /devices/query"), and the RBAC reference gives
    // the query twins/read and jobs/read to the /jobs/v2 routes only.
    QUERY_TWINS(AccessRight.SERVICE_CONNECT, OperationClass.QUERY, "twins/read"),
    INVOKE_METHOD(AccessRight.SERVICE_CONNECT, OperationClass.METHODS, "directMethods/invoke/action"),
    PURGE_COMMAND_QUEUE(AccessRight.SERVICE_CONNECT, OperationClass.REGISTRY, "cloudToDeviceMessages/queue/purge/action"),
    // Which shared access right jobs need is not documented; a job writes twins and calls
    // methods, which ServiceConnect grants.
    CREATE_JOB(AccessRight.SERVICE_CONNECT, OperationClass.JOBS, "jobs/write"),
    GET_JOB(AccessRight.SERVICE_CONNECT, OperationClass.JOBS, "jobs/read"),
    CANCEL_JOB(AccessRight.SERVICE_CONNECT, OperationClass.JOBS, "jobs/write"),
    LIST_JOBS(AccessRight.SERVICE_CONNECT, OperationClass.JOBS, "jobs/read"),
    /** Import/export jobs: routed so that they are refused with a clear "not emulated". */
    IMPORT_EXPORT_JOB(AccessRight.REGISTRY_WRITE, OperationClass.JOBS, "jobs/write"),
    /** The emulator's control surface (simulated devices, faults, reset): not part of IoT Hub. */
    EMULATOR_CONTROL(AccessRight.SERVICE_CONNECT, OperationClass.CONTROL);

    private final AccessRight requiredRight;
    private final OperationClass operationClass;
    private final Set<String> dataActions;

    Operation(AccessRight requiredRight, OperationClass operationClass, String... dataActions) {
        this.requiredRight = requiredRight;
        this.operationClass = operationClass;
        this.dataActions = Set.of(dataActions);
    }

    public AccessRight requiredRight() {
        return requiredRight;
    }

    public OperationClass operationClass() {
        return operationClass;
    }

    /** Data actions without the {@code Microsoft.Devices/IotHubs/} prefix; all are required. */
    public Set<String> dataActions() {
        return dataActions;
    }
}
