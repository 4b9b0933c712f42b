package io.hubgate.bench;

import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.TwinServiceGrpc;

/** The gateway's async stubs, all on one channel. Thread-safe, as gRPC stubs are. */
record GatewayStubs(TwinServiceGrpc.TwinServiceStub twins, RegistryServiceGrpc.RegistryServiceStub registry) {
}
