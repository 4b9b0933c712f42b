package io.hubgate.emulator.api;

import io.hubgate.emulator.http.Operation;
import io.hubgate.emulator.http.RouteTable;
import io.hubgate.emulator.jobs.JobApi;
import io.hubgate.emulator.methods.MethodInvoker;
import io.hubgate.emulator.registry.IdentityRegistry;
import io.hubgate.emulator.registry.TwinRegistry;

/**
 * The IoT Hub service REST API the emulator serves, one line per endpoint, in the order of the
 * service's own API table. Every route carries {@code ?api-version=}, whose value is accepted
 * whatever it is.
 */
public final class HubRoutes {

    private HubRoutes() {
    }

    public static RouteTable create(IdentityRegistry registry, TwinRegistry twins, MethodInvoker methods,
                                    QueryApi query, JobApi jobs) {
        RegistryApi devices = new RegistryApi(registry);
        TwinApi twinApi = new TwinApi(registry, twins);
        MethodApi methodApi = new MethodApi(registry, methods);
        BulkApi bulk = new BulkApi(registry, twins);
        return new RouteTable()
                .add("PUT", "/devices/{deviceId}", Operation.CREATE_OR_UPDATE_DEVICE, devices::putDevice)
                .add("GET", "/devices/{deviceId}", Operation.GET_DEVICE, devices::getDevice)
                .add("DELETE", "/devices/{deviceId}", Operation.DELETE_DEVICE, devices::deleteDevice)
                .add("GET", "/devices", Operation.LIST_DEVICES, devices::listDevices)
                .add("POST", "/devices", Operation.BULK_DEVICES, bulk::bulk)
                .add("GET", "/statistics/devices", Operation.GET_DEVICE_STATISTICS, devices::deviceStatistics)
                .add("GET", "/statistics/service", Operation.GET_SERVICE_STATISTICS, devices::serviceStatistics)
                .add("PUT", "/devices/{deviceId}/modules/{moduleId}", Operation.CREATE_OR_UPDATE_MODULE, devices::putModule)
                .add("GET", "/devices/{deviceId}/modules/{moduleId}", Operation.GET_MODULE, devices::getModule)
                .add("DELETE", "/devices/{deviceId}/modules/{moduleId}", Operation.DELETE_MODULE, devices::deleteModule)
                .add("GET", "/devices/{deviceId}/modules", Operation.LIST_MODULES, devices::listModules)
                .add("DELETE", "/devices/{deviceId}/commands", Operation.PURGE_COMMAND_QUEUE, devices::purgeCommandQueue)
                .add("GET", "/twins/{deviceId}", Operation.GET_TWIN, twinApi::getDeviceTwin)
                .add("PATCH", "/twins/{deviceId}", Operation.UPDATE_TWIN, twinApi::patchDeviceTwin)
                .add("PUT", "/twins/{deviceId}", Operation.REPLACE_TWIN, twinApi::replaceDeviceTwin)
                .add("GET", "/twins/{deviceId}/modules/{moduleId}", Operation.GET_TWIN, twinApi::getModuleTwin)
                .add("PATCH", "/twins/{deviceId}/modules/{moduleId}", Operation.UPDATE_TWIN, twinApi::patchModuleTwin)
                .add("PUT", "/twins/{deviceId}/modules/{moduleId}", Operation.REPLACE_TWIN, twinApi::replaceModuleTwin)
                .add("POST", "/devices/query", Operation.QUERY_TWINS, query::query)
                .add("POST", "/twins/{deviceId}/methods", Operation.INVOKE_METHOD, methodApi::invokeOnDevice)
                .add("POST", "/twins/{deviceId}/modules/{moduleId}/methods", Operation.INVOKE_METHOD, methodApi::invokeOnModule)
                // The listing before the job routes: "query" would otherwise match {jobId}.
                .add("GET", "/jobs/v2/query", Operation.LIST_JOBS, jobs::list)
                .add("PUT", "/jobs/v2/{jobId}", Operation.CREATE_JOB, jobs::create)
                .add("GET", "/jobs/v2/{jobId}", Operation.GET_JOB, jobs::get)
                .add("POST", "/jobs/v2/{jobId}/cancel", Operation.CANCEL_JOB, jobs::cancel)
                .add("POST", "/jobs/create", Operation.IMPORT_EXPORT_JOB, jobs::importExportNotEmulated)
                .add("GET", "/jobs", Operation.IMPORT_EXPORT_JOB, jobs::importExportNotEmulated)
                .add("GET", "/jobs/{jobId}", Operation.IMPORT_EXPORT_JOB, jobs::importExportNotEmulated)
                .add("DELETE", "/jobs/{jobId}", Operation.IMPORT_EXPORT_JOB, jobs::importExportNotEmulated);
    }
}
