package io.hubgate.sample;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.hubgate.api.v1.CreateJobRequest;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.JobServiceGrpc;
import io.hubgate.api.v1.MethodInvocation;
import io.hubgate.api.v1.TwinUpdate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

/**
 * {@code job create --query COND (--desired JSON | --tags JSON | --method NAME …)}: schedules a
 * job and prints it; with {@code --watch}, then prints each change until the job ends.
 */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Schedules a twin update (--desired/--tags) or a direct method (--method) on the devices --query selects.")
final class JobCreateCommand implements Callable<Integer> {

    @ParentCommand JobCommand job;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--query", required = true, paramLabel = "CONDITION",
            description = "The devices: the WHERE part of a device query, e.g. \"tags.site = 'ams'\", or \"*\" for all.")
    String condition;
    @Option(names = "--desired", paramLabel = "JSON", converter = Json.StructConverter.class,
            description = "Twin job: desired properties to merge, a JSON object.") Struct desired;
    @Option(names = "--tags", paramLabel = "JSON", converter = Json.StructConverter.class,
            description = "Twin job: tags to merge, a JSON object.") Struct tags;
    @Option(names = "--method", paramLabel = "NAME", description = "Method job: the direct method to invoke.") String method;
    @Option(names = "--payload", paramLabel = "JSON", converter = Json.ValueConverter.class,
            description = "Method job: the payload, any JSON value (default: null).") Value payload;
    @Option(names = "--timeout", converter = Json.DurationConverter.class,
            description = "Method job: how long each device has to answer, 5s to 300s (default: 30s).") Duration timeout;
    @Option(names = "--connect-timeout", converter = Json.DurationConverter.class,
            description = "Method job: how long to wait for a disconnected device, 0s to 300s (default: 0s).") Duration connectTimeout;
    @Option(names = "--job-id", paramLabel = "ID",
            description = "The job's id (letters, digits, '-'); with it a repeated create returns the same job.") String jobId;
    @Option(names = "--start", paramLabel = "TIME", description = "When to start, ISO 8601 (e.g. 2030-01-01T02:00:00Z; default: now).")
    String start;
    @Option(names = "--max-execution", converter = Json.DurationConverter.class,
            description = "How long the job may run once started, e.g. 90s, 30m, 2h or PT1H (default: 1h).") Duration maxExecution;
    @Option(names = "--watch", description = "After creating, print each change of the job until it ends; exit with 3 "
            + "if the job ended failed or with any device failed.") boolean watch;

    @Override
    public Integer call() {
        boolean twin = desired != null || tags != null;
        if (twin == (method != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "say what the job does: --desired and/or --tags (a twin update), or --method (a direct method)");
        }
        if (twin) {
            refuseOnATwinJob("--payload", payload);
            refuseOnATwinJob("--timeout", timeout);
            refuseOnATwinJob("--connect-timeout", connectTimeout);
        }
        Job.Builder definition = Job.newBuilder().setQueryCondition(condition);
        if (twin) {
            TwinUpdate.Builder update = TwinUpdate.newBuilder();
            if (desired != null) {
                update.setDesired(desired);
            }
            if (tags != null) {
                update.setTags(tags);
            }
            definition.setTwinUpdate(update);
        } else {
            MethodInvocation.Builder invocation = MethodInvocation.newBuilder().setMethodName(method);
            if (payload != null) {
                invocation.setPayload(payload);
            }
            if (timeout != null) {
                invocation.setResponseTimeout(proto(timeout));
            }
            if (connectTimeout != null) {
                invocation.setConnectTimeout(proto(connectTimeout));
            }
            definition.setMethodInvocation(invocation);
        }
        if (start != null) {
            definition.setStartTime(startTime());
        }
        if (maxExecution != null) {
            definition.setMaxExecutionTime(proto(maxExecution));
        }
        CreateJobRequest.Builder request = CreateJobRequest.newBuilder().setJob(definition);
        if (jobId != null) {
            request.setJobId(jobId);
        }
        HubgateCli cli = job.cli;
        if (!watch) {
            return cli.call(channel -> cli.printPretty(JobServiceGrpc.newBlockingStub(channel).createJob(request.build())));
        }
        return JobWatchCommand.watch(cli, null, null, channel -> {
            Job created = JobServiceGrpc.newBlockingStub(channel).createJob(request.build());
            cli.printLine(created);
            return created;
        });
    }

    /** A method job's option given for a twin job would be dropped without a word: refuse it instead. */
    private void refuseOnATwinJob(String option, Object value) {
        if (value != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    option + " is for a method job (--method); a twin job (--desired/--tags) has no " + option);
        }
    }

    private Timestamp startTime() {
        try {
            Instant instant = Instant.parse(start.strip());
            return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--start is an ISO 8601 time with a zone, e.g. 2030-01-01T02:00:00Z, not " + start);
        }
    }

    private static com.google.protobuf.Duration proto(Duration duration) {
        return com.google.protobuf.Duration.newBuilder().setSeconds(duration.getSeconds()).setNanos(duration.getNano()).build();
    }
}
