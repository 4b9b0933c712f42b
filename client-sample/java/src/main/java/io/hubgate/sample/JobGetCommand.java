package io.hubgate.sample;

import io.hubgate.api.v1.GetJobRequest;
import io.hubgate.api.v1.JobServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code job get JOB_ID}: a job with its state and statistics. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Prints a job with its state and statistics.")
final class JobGetCommand implements Callable<Integer> {

    @ParentCommand JobCommand job;
    @Parameters(paramLabel = "JOB_ID") String jobId;

    @Override
    public Integer call() {
        return job.cli.call(channel -> job.cli.printPretty(JobServiceGrpc.newBlockingStub(channel)
                .getJob(GetJobRequest.newBuilder().setJobId(jobId).build())));
    }
}
