package io.hubgate.server;

import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.embedded.DevelopmentEnvironment;
import io.hubgate.server.embedded.EmbeddedHub;
import io.hubgate.server.config.GatewayOptions;
import io.hubgate.server.config.OperationsSettings;
import io.hubgate.server.config.LogFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code hubgate [options]}: parses the configuration, starts the gateway, and stops it gracefully
 * on SIGTERM or Ctrl+C (health NOT_SERVING, in-flight calls drained, then exit).
 */
public final class Main {

    /*
     * No static logger: log4j2 must not start before the log format is known (LogFormat#apply),
     * or it is configured twice at every start.
     */

    /** Exit code when the gateway could not start (a port in use, an unreachable hub …). */
    static final int EXIT_COULD_NOT_START = 1;
    /** Exit code of a usage or configuration error, found before anything starts. */
    static final int EXIT_USAGE = 2;

    private Main() {
    }

    private static Logger log() {
        return LoggerFactory.getLogger(Main.class);
    }

    public static void main(String[] args) {
        GatewayOptions options = new GatewayOptions();
        CommandLine cli = new CommandLine(options);
        GatewayConfig config;
        Path envFile;
        LogFormat logFormat;
        OperationsSettings operations;
        try {
            cli.parseArgs(args);
            if (cli.isUsageHelpRequested()) {
                cli.usage(System.out);
                return;
            }
            if (cli.isVersionHelpRequested()) {
                cli.printVersionHelp(System.out);
                return;
            }
            logFormat = options.logFormat();
            config = options.toConfig();
            operations = options.operations();
            envFile = options.developmentEnvFile(config);
        } catch (CommandLine.ParameterException | IllegalArgumentException invalid) {
            System.err.println("hubgate: " + invalid.getMessage());
            System.err.println("Run with --help for the options.");
            System.exit(EXIT_USAGE);
            return;
        }
        logFormat.apply();
        // A JSON log is nothing but JSON lines: the start is in its log lines, so nothing is printed.
        PrintStream console = logFormat == LogFormat.JSON ? new PrintStream(OutputStream.nullOutputStream()) : System.out;
        try {
            Gateway gateway = Gateway.start(config, operations);
            // Printed as well as logged: the banner for people, whatever the log level and format.
            console.println("hubgate is serving gRPC on " + config.bindAddress() + ":" + gateway.port()
                    + (config.plaintext() ? " (plaintext, loopback only)" : " (TLS)") + " for " + gateway.hub().description()
                    + ". Press Ctrl+C to stop.");
            console.println(gateway.callers());
            EmbeddedHub embedded = gateway.embeddedHub();
            if (envFile != null) {
                // Only with the embedded hub: GatewayOptions refuses --dev-env-file with --hub-host.
                DevelopmentEnvironment.write(envFile, embedded.developmentEnvironment(config, gateway.port()));
            }
            String callerHint = embedded == null ? null : embedded.callerHint(config.auth(), envFile);
            if (callerHint != null && logFormat == LogFormat.JSON) {
                log().info(callerHint);
            } else if (callerHint != null) {
                console.println(callerHint);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    if (envFile != null) {
                        // Its secret dies with this gateway's emulator: leave no stale credentials behind.
                        Files.deleteIfExists(envFile);
                    }
                    gateway.close();
                } catch (Exception e) {
                    log().warn("Stopping failed: {}", e.getMessage());
                } finally {
                    LogFormat.stopLogging();
                }
            }, "hubgate-shutdown"));
            gateway.awaitTermination();
        } catch (CannotListenException portProblem) {
            // A user's problem with a plain answer: one line, no stack trace.
            System.err.println("hubgate: " + portProblem.getMessage());
            System.exit(EXIT_COULD_NOT_START);
        } catch (Exception failed) {
            log().error("hubgate could not start: {}", failed.getMessage(), failed);
            System.exit(EXIT_COULD_NOT_START);
        }
    }
}
