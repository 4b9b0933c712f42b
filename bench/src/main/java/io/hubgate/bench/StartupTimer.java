package io.hubgate.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Start to SERVING of a fresh gateway JVM: launches it, waits for its health service to answer
 * SERVING, stops it; {@code launches} times, one after the other, so no two starts share the cores.
 */
final class StartupTimer {

    private StartupTimer() {
    }

    /** Each launch's time from starting the JVM to SERVING, in nanoseconds. */
    static List<Long> time(GatewaySetup setup, int launches, GatewayLaunch launch) throws Exception {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < launches; i++) {
            try (GatewayProcess gateway = GatewayProcess.start(setup, launch.withoutAccessLog())) {
                nanos.add(gateway.startupNanos());
            }
        }
        return nanos;
    }
}
