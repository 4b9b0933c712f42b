package io.hubgate.sample;

import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code stats}: the registry's device counts, every one printed, 0 included. */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Prints the device counts of the registry: total, enabled, disabled.")
final class StatsCommand implements Callable<Integer> {
    @ParentCommand HubgateCli cli;

    @Override
    public Integer call() {
        return cli.call(channel -> cli.printPrettyWithDefaults(RegistryServiceGrpc.newBlockingStub(channel)
                .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance())));
    }
}
