package io.hubgate.sample;

import com.google.protobuf.Struct;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.api.v1.UpdateTwinRequest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code update-twin DEVICE_ID --desired JSON --tags JSON [--etag ETAG]}: merges into a twin. */
@Command(name = "update-twin", mixinStandardHelpOptions = true,
        description = "Merges desired properties and/or tags into a twin (a null value deletes a key); prints the new twin.")
final class UpdateTwinCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @ParentCommand HubgateCli cli;
    @Parameters(paramLabel = "DEVICE_ID") String deviceId;
    @Option(names = "--module", paramLabel = "MODULE_ID", description = "Update the module's twin.") String moduleId;
    @Option(names = "--desired", paramLabel = "JSON", converter = Json.StructConverter.class,
            description = "Desired properties to merge, a JSON object.") Struct desired;
    @Option(names = "--tags", paramLabel = "JSON", converter = Json.StructConverter.class,
            description = "Tags to merge, a JSON object.") Struct tags;
    @Option(names = "--etag", description = "Update only while the twin's etag is still this one (as get-twin prints it).")
    String etag;

    @Override
    public Integer call() {
        if (desired == null && tags == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --desired, --tags or both");
        }
        UpdateTwinRequest.Builder request = UpdateTwinRequest.newBuilder().setDeviceId(deviceId);
        if (moduleId != null) {
            request.setModuleId(moduleId);
        }
        if (desired != null) {
            request.setDesired(desired);
        }
        if (tags != null) {
            request.setTags(tags);
        }
        if (etag != null) {
            request.setEtag(etag);
        }
        return cli.call(channel -> cli.printPretty(TwinServiceGrpc.newBlockingStub(channel).updateTwin(request.build())));
    }
}
