package io.hubgate.sample;

import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code get-device DEVICE_ID [--with-keys]}: prints one device. */
@Command(name = "get-device", mixinStandardHelpOptions = true, description = "Prints one device.")
final class GetDeviceCommand implements Callable<Integer> {
    @ParentCommand HubgateCli cli;
    @Parameters(paramLabel = "DEVICE_ID") String deviceId;
    @Option(names = "--with-keys", description = "Include the symmetric keys (needs the Keys.Read role).") boolean withKeys;

    @Override
    public Integer call() {
        return cli.call(channel -> cli.printPretty(RegistryServiceGrpc.newBlockingStub(channel).getDevice(
                GetDeviceRequest.newBuilder().setDeviceId(deviceId).setView(Views.of(withKeys)).build())));
    }
}
