package io.hubgate.sample;

import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.TwinServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code get-twin DEVICE_ID [--module MODULE_ID]}: prints a twin, its etag ready for update-twin. */
@Command(name = "get-twin", mixinStandardHelpOptions = true, description = "Prints the twin of a device or module.")
final class GetTwinCommand implements Callable<Integer> {
    @ParentCommand HubgateCli cli;
    @Parameters(paramLabel = "DEVICE_ID") String deviceId;
    @Option(names = "--module", paramLabel = "MODULE_ID", description = "The module's twin instead of the device's.") String moduleId;

    @Override
    public Integer call() {
        return cli.call(channel -> cli.printPretty(TwinServiceGrpc.newBlockingStub(channel).getTwin(
                GetTwinRequest.newBuilder().setDeviceId(deviceId).setModuleId(moduleId == null ? "" : moduleId).build())));
    }
}
