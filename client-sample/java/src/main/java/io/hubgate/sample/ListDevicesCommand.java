package io.hubgate.sample;

import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.ListDevicesRequest;
import io.hubgate.api.v1.ListDevicesResponse;
import io.hubgate.api.v1.RegistryServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code list-devices [--page-size N]}: every device, one JSON line each, page after page. */
@Command(name = "list-devices", mixinStandardHelpOptions = true,
        description = "Prints every device, one JSON object per line, following the pages to the end.")
final class ListDevicesCommand implements Callable<Integer> {
    @ParentCommand HubgateCli cli;
    @Option(names = "--page-size", defaultValue = "100", description = "Devices per page, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int pageSize;

    @Override
    public Integer call() {
        return cli.call(channel -> {
            RegistryServiceGrpc.RegistryServiceBlockingStub registry = RegistryServiceGrpc.newBlockingStub(channel);
            String pageToken = "";
            do {
                ListDevicesResponse page = registry.listDevices(
                        ListDevicesRequest.newBuilder().setPageSize(pageSize).setPageToken(pageToken).build());
                for (Device device : page.getDevicesList()) {
                    cli.printLine(device);
                }
                pageToken = page.getNextPageToken();
            } while (!pageToken.isEmpty());
        });
    }
}
