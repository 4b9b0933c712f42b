package io.hubgate.sample;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Channel;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.JobServiceGrpc;
import io.hubgate.api.v1.WatchJobRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code job watch JOB_ID}: one JSON line per change of the job, until it ends. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Prints the job each time its state or statistics change, one JSON object per line, until it ends.")
final class JobWatchCommand implements Callable<Integer> {

    @ParentCommand JobCommand job;
    @Parameters(paramLabel = "JOB_ID") String jobId;
    @Option(names = "--for", converter = Json.DurationConverter.class, paramLabel = "DURATION",
            description = "Give up after this long (DEADLINE_EXCEEDED; default: until the job ends).") Duration limit;

    @Override
    public Integer call() {
        return job.cli.call(channel -> printUntilEnded(job.cli, channel, jobId, limit));
    }

    static void printUntilEnded(HubgateCli cli, Channel channel, String jobId) throws InvalidProtocolBufferException {
        printUntilEnded(cli, channel, jobId, null);
    }

    private static void printUntilEnded(HubgateCli cli, Channel channel, String jobId, Duration limit)
            throws InvalidProtocolBufferException {
        JobServiceGrpc.JobServiceBlockingStub stub = JobServiceGrpc.newBlockingStub(channel);
        if (limit != null) {
            stub = stub.withDeadlineAfter(limit.toMillis(), TimeUnit.MILLISECONDS);
        }
        Iterator<Job> states = stub.watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
        while (states.hasNext()) {
            cli.printLine(states.next());
        }
    }
}
