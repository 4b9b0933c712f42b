package io.hubgate.sample;

import com.google.protobuf.util.JsonFormat;
import com.nimbusds.jwt.JWTClaimsSet;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.JobState;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.server.Gateway;
import io.hubgate.server.config.GatewayConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code job create/get/watch/cancel} run in-process against a real gateway on its embedded
 * emulator, checking what the CLI printed and how it exited.
 */
class JobCommandsTest {

    private static Gateway gateway;
    private static String token;

    @BeforeAll
    static void startGateway() throws Exception {
        gateway = Gateway.start(GatewayConfig.localDevelopment(0));
        EntraCoordinates entra = gateway.embeddedHub().emulator().coordinates().entra();
        Instant now = Instant.now();
        token = entra.sign(new JWTClaimsSet.Builder().issuer(entra.issuer()).audience(DefaultDirectory.API_URI)
                .subject("cli-jobs").claim("oid", "cli-jobs").claim("tid", entra.tenantId())
                .claim("azp", "cli-jobs-app").claim("roles", DefaultDirectory.API_ROLES)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1)))).build());
    }

    @AfterAll
    static void stopGateway() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    private record Run(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.lines().filter(line -> !line.isBlank()).toList();
        }
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        String[] all = new String[args.length + 5];
        System.arraycopy(new String[] {"--target", "127.0.0.1:" + gateway.port(), "--plaintext", "--token", token}, 0, all, 0, 5);
        System.arraycopy(args, 0, all, 5, args.length);
        int code = new CommandLine(new HubgateCli(outWriter, errWriter)).setOut(outWriter).setErr(errWriter).execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    private static Job job(String json) throws Exception {
        Job.Builder job = Job.newBuilder();
        JsonFormat.parser().merge(json, job);
        return job.build();
    }

    @Test
    void createWithWatch_printsEachChangeUntilTheJobCompletes_andGetShowsTheOutcome() throws Exception {
        String site = "site-" + UUID.randomUUID().toString().substring(0, 8);
        String device = "cli-job-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(cli("create-device", device).exitCode()).isZero();
        assertThat(cli("update-twin", device, "--tags", "{\"site\":\"" + site + "\"}").exitCode()).isZero();
        String jobId = "cli-job-" + UUID.randomUUID().toString().substring(0, 8);

        Run created = cli("job", "create", "--job-id", jobId, "--query", "tags.site = '" + site + "'",
                "--desired", "{\"firmware\":\"2.4\"}", "--watch");

        assertThat(created.exitCode()).as(created.err()).isZero();
        List<String> lines = created.outLines();
        assertThat(job(lines.get(0)).getJobId()).isEqualTo(jobId);
        Job last = job(lines.get(lines.size() - 1));
        assertThat(last.getState()).isEqualTo(JobState.JOB_STATE_COMPLETED);
        assertThat(last.getStatistics().getSucceededCount()).isEqualTo(1);

        Run got = cli("job", "get", jobId);
        assertThat(got.exitCode()).as(got.err()).isZero();
        assertThat(job(got.out()).getState()).isEqualTo(JobState.JOB_STATE_COMPLETED);
        Run twin = cli("get-twin", device);
        assertThat(twin.out()).contains("\"firmware\": \"2.4\"");
    }

    @Test
    void aJobForLater_isScheduled_andCancelEndsIt() throws Exception {
        Run created = cli("job", "create", "--query", "deviceId = 'nobody'", "--method", "reboot",
                "--payload", "{\"delay\":5}", "--timeout", "10s", "--start", Instant.now().plusSeconds(3600).toString(),
                "--max-execution", "5m");
        assertThat(created.exitCode()).as(created.err()).isZero();
        Job scheduled = job(created.out());
        assertThat(scheduled.getMethodInvocation().getMethodName()).isEqualTo("reboot");
        assertThat(scheduled.getMaxExecutionTime().getSeconds()).isEqualTo(300);

        Run watched = cli("job", "watch", scheduled.getJobId(), "--for", "2s");
        Run cancelled = cli("job", "cancel", scheduled.getJobId());

        assertThat(job(watched.outLines().get(0)).getState()).isIn(JobState.JOB_STATE_QUEUED, JobState.JOB_STATE_SCHEDULED);
        assertThat(watched.exitCode()).isEqualTo(1);
        assertThat(watched.err()).startsWith("error: DEADLINE_EXCEEDED");
        assertThat(cancelled.exitCode()).as(cancelled.err()).isZero();
        assertThat(job(cancelled.out()).getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
    }

    @Test
    void unknownJobIsNotFound_andAJobWithoutAnActionIsAUsageError() {
        Run unknown = cli("job", "get", "no-such-job");
        Run noAction = cli("job", "create", "--query", "*");

        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: NOT_FOUND: ").contains("reason: JobNotFound");
        assertThat(noAction.exitCode()).isEqualTo(2);
        assertThat(noAction.err()).contains("say what the job does");
    }

    @Test
    void methodOptionsOnATwinJob_areAUsageError_notSilentlyDropped() {
        for (List<String> option : List.of(List.of("--payload", "{\"x\":1}"), List.of("--timeout", "10s"),
                List.of("--connect-timeout", "5s"))) {
            List<String> args = new java.util.ArrayList<>(List.of("job", "create", "--query", "deviceId = 'nobody'",
                    "--desired", "{\"a\":1}"));
            args.addAll(option);

            Run run = cli(args.toArray(String[]::new));

            assertThat(run.exitCode()).as(option.toString()).isEqualTo(2);
            assertThat(run.err()).contains(option.get(0) + " is for a method job (--method)");
        }
    }

    @Test
    void maxExecution_acceptsHours_asItsHelpSaysTheDefaultIs() throws Exception {
        Run created = cli("job", "create", "--query", "deviceId = 'nobody'", "--desired", "{\"a\":1}",
                "--start", Instant.now().plusSeconds(3600).toString(), "--max-execution", "1h");

        assertThat(created.exitCode()).as(created.err()).isZero();
        Job job = job(created.out());
        assertThat(job.getMaxExecutionTime().getSeconds()).isEqualTo(3600);
        assertThat(cli("job", "cancel", job.getJobId()).exitCode()).isZero();
    }

    @Test
    void createWithWatch_printsNoStateTwice() throws Exception {
        Run created = cli("job", "create", "--query", "deviceId = 'nobody-" + UUID.randomUUID() + "'",
                "--desired", "{\"a\":1}", "--watch");

        assertThat(created.exitCode()).as(created.err()).isZero();
        List<String> lines = created.outLines();
        for (int i = 1; i < lines.size(); i++) {
            assertThat(lines.get(i)).as("line " + i + " of\n" + created.out()).isNotEqualTo(lines.get(i - 1));
        }
        assertThat(job(lines.get(lines.size() - 1)).getState()).isEqualTo(JobState.JOB_STATE_COMPLETED);
    }

    @Test
    void aWatchedJobWithFailedDevices_exitsWith3_andSaysHowMany() throws Exception {
        String device = "cli-job-offline-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(cli("create-device", device).exitCode()).isZero();

        // Nobody connected the device: the method fails on it (DeviceNotOnline).
        Run created = cli("job", "create", "--query", "deviceId = '" + device + "'", "--method", "reboot", "--watch");
        String jobId = job(created.outLines().get(0)).getJobId();
        Run watched = cli("job", "watch", jobId);

        for (Run run : List.of(created, watched)) {
            assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
            assertThat(run.err()).contains("job " + jobId + " ended with 1 of 1 devices failed");
            assertThat(job(run.outLines().get(run.outLines().size() - 1)).getStatistics().getFailedCount()).isEqualTo(1);
        }
    }
}
