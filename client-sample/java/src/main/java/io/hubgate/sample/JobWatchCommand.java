package io.hubgate.sample;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Channel;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.JobServiceGrpc;
import io.hubgate.api.v1.JobState;
import io.hubgate.api.v1.JobStatistics;
import io.hubgate.api.v1.WatchJobRequest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code job watch JOB_ID}: one JSON line per change of the job, until it ends; exits with
 * {@link #DEVICES_FAILED} when the job ended failed or with any device failed.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Prints the job each time its state or statistics change, one JSON object per line, until it ends.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the job ended and no device failed", "1:a call failed (or --for ran out)", "2:a usage error",
                "3:the job ended failed, or with at least one device failed (stderr says how many)"})
final class JobWatchCommand implements Callable<Integer> {

    /** Exit code of a watched job that ended failed, or with any device failed. */
    static final int DEVICES_FAILED = 3;

    @ParentCommand JobCommand job;
    @Parameters(paramLabel = "JOB_ID") String jobId;
    @Option(names = "--for", converter = Json.DurationConverter.class, paramLabel = "DURATION",
            description = "Give up after this long (DEADLINE_EXCEEDED; default: until the job ends).") Duration limit;

    @Override
    public Integer call() {
        return watch(job.cli, jobId, limit, channel -> null);
    }

    /** What is done on the channel before the watch (creating the job and printing it); returns the job printed, or null. */
    @FunctionalInterface
    interface Before {
        Job run(Channel channel) throws InvalidProtocolBufferException;
    }

    /**
     * Runs {@code before}, then prints each change of the job (the one {@code before} printed, else
     * {@code jobId}) until it ends, leaving out a change equal to what was printed last. Returns
     * the exit code.
     */
    static int watch(HubgateCli cli, String jobId, Duration limit, Before before) {
        Job[] last = {null};
        int exitCode = cli.call(channel -> {
            Job printed = before.run(channel);
            last[0] = printUntilEnded(cli, channel, printed == null ? jobId : printed.getJobId(), limit, printed);
        });
        return exitCode == CommandLine.ExitCode.OK ? outcome(cli, last[0]) : exitCode;
    }

    private static Job printUntilEnded(HubgateCli cli, Channel channel, String jobId, Duration limit, Job printed)
            throws InvalidProtocolBufferException {
        JobServiceGrpc.JobServiceBlockingStub stub = JobServiceGrpc.newBlockingStub(channel);
        if (limit != null) {
            stub = stub.withDeadlineAfter(limit.toMillis(), TimeUnit.MILLISECONDS);
        }
        Iterator<Job> states = stub.watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
        Job last = printed;
        while (states.hasNext()) {
            Job state = states.next();
            if (!state.equals(last)) {
                cli.printLine(state);
            }
            last = state;
        }
        return last;
    }

    /** 0 for a job that ended well; {@link #DEVICES_FAILED}, saying why on stderr, otherwise. */
    private static int outcome(HubgateCli cli, Job ended) {
        if (ended == null) {
            return CommandLine.ExitCode.OK;
        }
        if (ended.getState() == JobState.JOB_STATE_FAILED) {
            cli.printError("job " + ended.getJobId() + " failed: " + ended.getFailureReason());
            return DEVICES_FAILED;
        }
        JobStatistics statistics = ended.getStatistics();
        if (statistics.getFailedCount() > 0) {
            cli.printError("job " + ended.getJobId() + " ended with " + statistics.getFailedCount() + " of "
                    + statistics.getDeviceCount() + " devices failed");
            return DEVICES_FAILED;
        }
        return CommandLine.ExitCode.OK;
    }
}
