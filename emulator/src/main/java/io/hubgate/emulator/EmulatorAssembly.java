package io.hubgate.emulator;

import com.sun.net.httpserver.HttpHandler;
import io.hubgate.emulator.api.HubRoutes;
import io.hubgate.emulator.api.QueryApi;
import io.hubgate.emulator.auth.CompositeAuthenticator;
import io.hubgate.emulator.auth.SasAuthenticator;
import io.hubgate.emulator.auth.SharedAccessPolicy;
import io.hubgate.emulator.control.ControlSurface;
import io.hubgate.emulator.entra.EntraDirectory;
import io.hubgate.emulator.entra.LocalEntra;
import io.hubgate.emulator.http.ErrorResponses;
import io.hubgate.emulator.http.HubDispatcher;
import io.hubgate.emulator.http.HubHttpServer;
import io.hubgate.emulator.http.HubResponse;
import io.hubgate.emulator.http.RequestGate;
import io.hubgate.emulator.http.RouteTable;
import io.hubgate.emulator.registry.IdentityRegistry;
import io.hubgate.emulator.registry.TwinRegistry;
import io.hubgate.emulator.store.DeviceStore;
import io.hubgate.emulator.store.EtagSequence;
import io.hubgate.emulator.tls.EmulatorCertificate;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts the emulator's parts together on one HTTPS server: the IoT Hub API (SAS or Entra bearer
 * tokens), the control surface (owner SAS only) and the local Entra's endpoints. It binds the
 * port but does not start serving; {@link IotHubEmulator} owns the lifecycle.
 */
final class EmulatorAssembly {

    /** What was assembled: the bound, not yet started server, and the local Entra on it. */
    record Assembled(HubHttpServer server, LocalEntra entra) {
    }

    private EmulatorAssembly() {
    }

    static Assembled assemble(String hubHostName, String hubName, String bindAddress, int port, int workerThreads,
                              EmulatorCertificate certificate, DeviceStore store, EtagSequence etags,
                              List<SharedAccessPolicy> policies, EntraDirectory directory, Duration tokenLifetime,
                              io.hubgate.emulator.methods.MethodInvoker methodInvoker, Clock clock) throws IOException {
        IdentityRegistry registry = new IdentityRegistry(store, etags, clock);
        TwinRegistry twins = new TwinRegistry(registry);
        RouteTable routes = HubRoutes.create(registry, twins, methodInvoker, new QueryApi(store));
        Set<String> hubHosts = Set.of(hubHostName, hubName, "localhost", "127.0.0.1");
        SasAuthenticator sas = new SasAuthenticator(policies, hubHosts, clock);
        ErrorResponses errors = new ErrorResponses(clock);

        // The bearer authenticator needs the issuer URL, which needs the bound port: bind first,
        // then add the handlers; the server serves nothing until IotHubEmulator starts it.
        HubHttpServer server = new HubHttpServer(bindAddress, port, certificate.serverContext(), Map.of(), workerThreads);
        String authority = "https://" + (bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress) + ":" + server.port();
        LocalEntra entra = new LocalEntra(directory, authority, tokenLifetime, RequestGate.OPEN, clock);

        ControlSurface control = new ControlSurface();
        control.add("POST", "/reset", (request, path) -> {
            store.clear();
            return HubResponse.noContent();
        });
        entra.controlRoutes().register(control);
        // Only the owner policy may drive the emulator itself.
        SasAuthenticator ownerOnly = new SasAuthenticator(
                policies.stream().filter(p -> p.keyName().equals(IotHubEmulator.OWNER_POLICY)).toList(), hubHosts, clock);

        Map<String, HttpHandler> contexts = new LinkedHashMap<>();
        contexts.put("/", new HubDispatcher(routes, new CompositeAuthenticator(sas, entra.bearerAuthenticator()),
                RequestGate.OPEN, errors));
        contexts.put(ControlSurface.PREFIX, new HubDispatcher(control.routes(), ownerOnly, RequestGate.OPEN, errors));
        contexts.putAll(entra.contexts());
        contexts.forEach(server::addContext);
        return new Assembled(server, entra);
    }
}
