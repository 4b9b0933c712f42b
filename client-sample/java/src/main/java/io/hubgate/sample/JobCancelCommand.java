package io.hubgate.sample;

import io.hubgate.api.v1.CancelJobRequest;
import io.hubgate.api.v1.JobServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code job cancel JOB_ID}: cancels a job that has not ended and prints it. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancels a job that has not ended (devices not yet processed are left alone) and prints it.")
final class JobCancelCommand implements Callable<Integer> {

    @ParentCommand JobCommand job;
    @Parameters(paramLabel = "JOB_ID") String jobId;

    @Override
    public Integer call() {
        return job.cli.call(channel -> job.cli.printPretty(JobServiceGrpc.newBlockingStub(channel)
                .cancelJob(CancelJobRequest.newBuilder().setJobId(jobId).build())));
    }
}
