package io.hubgate.emulator;

import com.sun.net.httpserver.HttpHandler;
import io.hubgate.emulator.api.HubRoutes;
import io.hubgate.emulator.api.QueryApi;
import io.hubgate.emulator.auth.CompositeAuthenticator;
import io.hubgate.emulator.auth.SasAuthenticator;
import io.hubgate.emulator.auth.SharedAccessPolicy;
import io.hubgate.emulator.control.ControlSurface;
import io.hubgate.emulator.devices.DeviceSideControl;
import io.hubgate.emulator.devices.SimulatedDevices;
import io.hubgate.emulator.entra.EntraDirectory;
import io.hubgate.emulator.entra.EntraKeyring;
import io.hubgate.emulator.entra.LocalEntra;
import io.hubgate.emulator.faults.FaultInjector;
import io.hubgate.emulator.http.ErrorResponses;
import io.hubgate.emulator.http.HubDispatcher;
import io.hubgate.emulator.http.HubHttpServer;
import io.hubgate.emulator.http.HubResponse;
import io.hubgate.emulator.http.RequestCounts;
import io.hubgate.emulator.http.RequestGate;
import io.hubgate.emulator.http.RouteTable;
import io.hubgate.emulator.jobs.JobApi;
import io.hubgate.emulator.jobs.JobRows;
import io.hubgate.emulator.jobs.JobScheduler;
import io.hubgate.emulator.jobs.JobStore;
import io.hubgate.emulator.registry.IdentityRegistry;
import io.hubgate.emulator.registry.TwinRegistry;
import io.hubgate.emulator.store.DeviceStore;
import io.hubgate.emulator.store.EtagSequence;
import io.hubgate.emulator.tls.EmulatorCertificate;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts the emulator's parts together on one HTTPS server: the IoT Hub API (SAS or Entra bearer
 * tokens, through the fault injector) with its job scheduler, the control surface (owner SAS only: simulated devices,
 * faults, the issuer, reset) and the local Entra's endpoints. It binds the port but does not
 * start serving; {@link IotHubEmulator} owns the lifecycle.
 */
final class EmulatorAssembly {

    /** What was assembled: the bound, not yet started server, and the parts tests reach into. */
    record Assembled(HubHttpServer server, LocalEntra entra, SimulatedDevices devices, JobScheduler jobs,
                     RequestCounts counts) {
    }

    private EmulatorAssembly() {
    }

    static Assembled assemble(EmulatorSettings settings, EmulatorCertificate certificate, DeviceStore store,
                              EtagSequence etags, List<SharedAccessPolicy> policies, EntraDirectory directory,
                              EntraKeyring keyring, JobStore jobStore, FaultInjector faults, Runnable reset)
            throws IOException {
        IdentityRegistry registry = new IdentityRegistry(store, etags, settings.clock());
        TwinRegistry twins = new TwinRegistry(registry);
        SimulatedDevices devices = new SimulatedDevices(registry);
        QueryApi query = new QueryApi(store, new JobRows(jobStore));
        JobScheduler jobs = new JobScheduler(jobStore, new JobDevices(query, registry, twins, devices, faults),
                settings.clock());
        JobApi jobApi = new JobApi(jobStore, jobs, settings.clock(), faults::maxActiveJobs);
        RouteTable routes = HubRoutes.create(registry, twins, devices, query, jobApi);
        // The service accepts a token for its host name only; a local client's own address comes from its Host header.
        Set<String> hubHosts = Set.of(settings.hubHostName());
        SasAuthenticator sas = new SasAuthenticator(policies, hubHosts, settings.clock());
        ErrorResponses errors = new ErrorResponses(settings.clock());

        // The bearer authenticator needs the issuer URL, which needs the bound port: bind first,
        // then add the handlers; the server serves nothing until IotHubEmulator starts it.
        HubHttpServer server = new HubHttpServer(settings.bindAddress(), settings.port(), certificate.serverContext(),
                Map.of(), settings.workerThreads());
        String authority = "https://" + EmulatorCoordinates.httpsHost(settings.bindAddress(), server.port());
        LocalEntra entra = new LocalEntra(directory, authority, settings.tokenLifetime(), faults, settings.clock(), keyring);

        RequestCounts counts = new RequestCounts();
        ControlSurface control = new ControlSurface();
        new DeviceSideControl(devices).register(control);
        faults.register(control);
        entra.controlRoutes().register(control);
        control.add("GET", "/requests", (request, path) -> {
            com.fasterxml.jackson.databind.node.ObjectNode body = io.hubgate.emulator.json.Json.object();
            body.set("counts", io.hubgate.emulator.json.Json.MAPPER.valueToTree(counts.snapshot()));
            return HubResponse.ok(body);
        });
        control.add("POST", "/reset", (request, path) -> {
            reset.run();
            return HubResponse.noContent();
        });
        // Only the owner policy may drive the emulator itself.
        SasAuthenticator ownerOnly = new SasAuthenticator(
                policies.stream().filter(p -> p.keyName().equals(IotHubEmulator.OWNER_POLICY)).toList(), hubHosts,
                settings.clock());

        Map<String, HttpHandler> contexts = new LinkedHashMap<>();
        contexts.put("/", new HubDispatcher(routes, new CompositeAuthenticator(sas, entra.bearerAuthenticator()),
                faults, errors, server.workers(), counts));
        contexts.put(ControlSurface.PREFIX, new HubDispatcher(control.routes(), ownerOnly, RequestGate.OPEN, errors,
                server.workers()));
        contexts.putAll(entra.contexts());
        contexts.forEach(server::addContext);
        return new Assembled(server, entra, devices, jobs, counts);
    }
}
