package io.hubgate.emulator.sdks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One SDK's walkthrough script, run as its header says: its command, in its own folder, after its
 * {@code setup.sh} installed the pinned SDK (the Maven build did that). Knows which steps and which
 * credentials a complete run reports: the README's SDK × credential table, as a contract.
 */
enum Walkthrough {
    PYTHON("python", List.of(".venv/bin/python", "sdk_walkthrough.py"),
            List.of("create_device", "create_device_twice", "get_device", "update_device_with_etag",
                    "update_device_stale_etag", "get_devices", "get_missing_device", "statistics", "device_kinds", "modules",
                    "update_twin", "update_twin_stale_etag", "replace_twin", "twin_errors", "reported_properties",
                    "module_twins", "bulk",
                    "query", "invoke_method", "method_errors", "delete_device", "twin_job", "method_job", "cancel_job",
                    "job_devices", "job_errors"),
            List.of("ClientSecretCredential", "DefaultAzureCredential", "ManagedIdentityCredential",
                    "CertificateCredential", "WorkloadIdentityCredential")),
    NODE("node", List.of("node", "sdk_walkthrough.js"),
            List.of("create_device", "create_device_twice", "get_device", "update_device", "list_devices",
                    "get_missing_device", "statistics", "device_kinds", "modules", "update_twin", "update_twin_stale_etag",
                    "twin_update", "twin_errors", "reported_properties", "module_twins", "bulk", "query", "invoke_method",
                    "method_errors", "delete_device", "twin_job", "method_job", "cancel_job", "job_devices", "job_errors"),
            List.of("shared_access_signature", "ClientSecretCredential", "DefaultAzureCredential",
                    "ManagedIdentityCredential", "ClientCertificateCredential", "WorkloadIdentityCredential"));

    /** Environment variables a run gets only from the test, never from whoever runs the build. */
    static final List<String> OWN_VARIABLE_PREFIXES = List.of("AZURE_", "IDENTITY_", "MSI_", "IMDS_", "EMULATOR_",
            "CERTIFICATE_", "READER_", "REGISTRY_READ_", "DEVICE_PREFIX", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS");
    /** Both scripts take 10 to 20 s (one direct method waits out its 5 s timeout); a stuck one is killed. */
    private static final long TIMEOUT_SECONDS = 120;

    private final String language;
    private final List<String> command;
    private final List<String> tourSteps;
    private final List<String> tokenCredentials;

    Walkthrough(String language, List<String> command, List<String> tourSteps, List<String> tokenCredentials) {
        this.language = language;
        this.command = command;
        this.tourSteps = tourSteps;
        this.tokenCredentials = tokenCredentials;
    }

    /** The SDKs the build set up: {@code -Dsdks=python,node} (both unless narrowed). */
    static List<Walkthrough> selected() {
        String names = System.getProperty("hubgate.sdks", "python,node");
        return Arrays.stream(names.split(",")).map(String::strip).filter(name -> !name.isEmpty())
                .map(name -> Arrays.stream(values()).filter(w -> w.language.equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no SDK walkthrough '" + name + "' (python, node)")))
                .toList();
    }

    String language() {
        return language;
    }

    /** The whole tour's steps, in order, all with the connection string. */
    List<String> tourSteps() {
        return tourSteps;
    }

    /** The credentials besides the connection string that run one operation of every family. */
    List<String> tokenCredentials() {
        return tokenCredentials;
    }

    Path folder() {
        return Path.of(System.getProperty("hubgate.sdks.dir", ".")).resolve(language).toAbsolutePath().normalize();
    }

    /** Runs the script with {@code environment} (and none of the inherited variables it reads) and waits for it. */
    Output run(Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder().toFile());
        builder.environment().keySet().removeIf(name -> OWN_VARIABLE_PREFIXES.stream().anyMatch(name::startsWith));
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> drain(process, false));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> drain(process, true));
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(this + " walkthrough ran longer than " + TIMEOUT_SECONDS + " s; stdout so far:\n"
                    + stdout.getNow(""));
        }
        return new Output(process.exitValue(), stdout.join(), stderr.join());
    }

    private static String drain(Process process, boolean error) {
        try {
            return new String((error ? process.getErrorStream() : process.getInputStream()).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** What a finished script printed. */
    record Output(int exitCode, String stdout, String stderr) {
        String describe() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
