package io.hubgate.bench;

import io.hubgate.server.Main;

/**
 * The main class of a child gateway JVM: {@link Main} unchanged, plus a watch on the bench that
 * started it. When the bench exits in any way, even killed with SIGKILL so that its shutdown hook
 * never runs, the gateway stops too (gracefully, through Main's own shutdown hook): a benchmark
 * never leaves a gateway or its embedded emulator behind.
 */
public final class GatewayChild {

    private GatewayChild() {
    }

    public static void main(String[] args) {
        ProcessHandle.current().parent().ifPresent(bench -> bench.onExit().thenRun(() -> {
            System.err.println("hubgate bench child: the bench (pid " + bench.pid() + ") has exited; stopping");
            System.exit(3);
        }));
        Main.main(args);
    }
}
