package io.hubgate.sample;

import io.hubgate.api.v1.QueryResult;
import io.hubgate.api.v1.StreamQueryTwinsRequest;
import io.hubgate.api.v1.TwinServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.Iterator;
import java.util.concurrent.Callable;

/** {@code query QUERY [--page-size N]}: streams every result, one JSON line each. */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Runs an IoT Hub query and prints each result as it arrives, one JSON object per line.")
final class QueryCommand implements Callable<Integer> {
    @ParentCommand HubgateCli cli;
    @Parameters(paramLabel = "QUERY", description = "e.g. \"SELECT * FROM devices WHERE properties.desired.mode = 'eco'\"")
    String query;
    @Option(names = "--page-size", defaultValue = "0", description = "Results per upstream page, 1 to 1000 (default: the gateway's).")
    int pageSize;

    @Override
    public Integer call() {
        return cli.call(channel -> {
            Iterator<QueryResult> results = TwinServiceGrpc.newBlockingStub(channel).streamQueryTwins(
                    StreamQueryTwinsRequest.newBuilder().setQuery(query).setPageSize(pageSize).build());
            while (results.hasNext()) {
                QueryResult result = results.next();
                cli.printLine(result.hasTwin() ? result.getTwin() : result.getRow());
            }
        });
    }
}
