package io.hubgate.bench;

import io.hubgate.server.Gateway;
import io.hubgate.server.config.GatewayOptions;

/**
 * A gateway inside the bench's JVM ({@code --gateway in-process}): no JVM start, but it shares the
 * heap, the JIT and the cores with the load tool, so its memory cannot be told apart.
 */
final class InProcessGateway implements RunningGateway {

    private final Gateway gateway;
    private final MemoryProbe memory = MemoryProbe.self();

    private InProcessGateway(Gateway gateway) {
        this.gateway = gateway;
    }

    static InProcessGateway start(GatewaySetup setup) throws Exception {
        return new InProcessGateway(Gateway.start(GatewayOptions.parse(setup.inProcessArgs().toArray(String[]::new))));
    }

    @Override
    public int port() {
        return gateway.port();
    }

    @Override
    public MemoryProbe memory() {
        return memory;
    }

    @Override
    public String where() {
        return "in the bench's JVM, so memory is the whole JVM's: gateway + emulator + load";
    }

    @Override
    public void close() {
        try {
            gateway.close();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the in-process gateway failed", e);
        }
    }
}
