package io.hubgate.emulator.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps (method, path) to an operation and its handler. Patterns are written like IoT Hub's API
 * table, e.g. {@code /devices/{deviceId}/modules/{moduleId}}; a {@code {name}} segment matches
 * any one decoded path segment, so an id containing an encoded slash stays one segment.
 */
public final class RouteTable {

    /** Handles one matched request. */
    @FunctionalInterface
    public interface Handler {
        HubResponse handle(HubRequest request, PathParameters path);
    }

    /** The values of a route's {@code {name}} segments. */
    public record PathParameters(Map<String, String> values) {
        public String get(String name) {
            return values.get(name);
        }
    }

    /** A matched route: what operation the request is, and who handles it. */
    public record Match(Operation operation, Handler handler, PathParameters path) {
    }

    private record Route(String method, String[] pattern, Operation operation, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    public RouteTable add(String method, String pattern, Operation operation, Handler handler) {
        String trimmed = pattern.startsWith("/") ? pattern.substring(1) : pattern;
        routes.add(new Route(method, trimmed.split("/"), operation, handler));
        return this;
    }

    /**
     * Finds the route for a request.
     *
     * @throws HubException 400 / 400003 naming the method and path when nothing matches
     */
    public Match match(HubRequest request) {
        List<String> segments = request.segments();
        boolean pathKnown = false;
        for (Route route : routes) {
            Map<String, String> parameters = matchPath(route.pattern(), segments);
            if (parameters == null) {
                continue;
            }
            pathKnown = true;
            if (route.method().equals(request.method())) {
                return new Match(route.operation(), route.handler(), new PathParameters(parameters));
            }
        }
        String what = request.method() + " " + request.rawPath();
        throw new HubException(HubErrorCode.INVALID_OPERATION, pathKnown
                ? "The method " + request.method() + " is not supported on " + request.rawPath()
                : what + " is not an IoT Hub service API path this emulator serves");
    }

    private static Map<String, String> matchPath(String[] pattern, List<String> segments) {
        if (pattern.length != segments.size()) {
            return null;
        }
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String expected = pattern[i];
            String actual = segments.get(i);
            if (expected.startsWith("{") && expected.endsWith("}")) {
                parameters.put(expected.substring(1, expected.length() - 1), actual);
            } else if (!expected.equals(actual)) {
                return null;
            }
        }
        return parameters;
    }
}
