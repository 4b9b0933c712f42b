package io.hubgate.emulator.control;

import io.hubgate.emulator.http.Operation;
import io.hubgate.emulator.http.RouteTable;

/**
 * The emulator's own API, for tests and demos: what the real service does not have (play the
 * device side, inject faults, mint tokens, reset). Every path starts with {@value #PREFIX}, a
 * segment IoT Hub never uses, so it cannot be mistaken for the IoT Hub API; it is served by its
 * own dispatcher and only the {@code iothubowner} policy may call it.
 */
public final class ControlSurface {

    /** The first path segment of every control route. */
    public static final String PREFIX = "/_emulator";

    /** Something that contributes control routes (simulated devices, faults, the issuer …). */
    public interface Contributor {
        void register(ControlSurface surface);
    }

    private final RouteTable routes = new RouteTable();

    /** Adds a route; {@code path} is relative to {@value #PREFIX}, e.g. {@code /devices/{deviceId}/connect}. */
    public ControlSurface add(String method, String path, RouteTable.Handler handler) {
        routes.add(method, PREFIX + path, Operation.EMULATOR_CONTROL, handler);
        return this;
    }

    public RouteTable routes() {
        return routes;
    }
}
