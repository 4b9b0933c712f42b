package io.hubgate.sample;

import io.hubgate.api.v1.DeleteDeviceRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code delete-device DEVICE_ID [--etag ETAG]}: removes a device, optionally only at that etag. */
@Command(name = "delete-device", mixinStandardHelpOptions = true, description = "Removes a device with its modules and twin.")
final class DeleteDeviceCommand implements Callable<Integer> {
    @ParentCommand HubgateCli cli;
    @Parameters(paramLabel = "DEVICE_ID") String deviceId;
    @Option(names = "--etag", description = "Delete only while the device's etag is still this one.") String etag;

    @Override
    public Integer call() {
        return cli.call(channel -> {
            DeleteDeviceRequest.Builder request = DeleteDeviceRequest.newBuilder().setDeviceId(deviceId);
            if (etag != null) {
                request.setEtag(etag);
            }
            RegistryServiceGrpc.newBlockingStub(channel).deleteDevice(request.build());
            cli.printText("deleted " + deviceId);
        });
    }
}
