package io.hubgate.emulator;

import io.hubgate.common.BindFailures;
import io.hubgate.emulator.auth.SharedAccessPolicy;
import io.hubgate.emulator.devices.SimulatedDevices;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraConfigFile;
import io.hubgate.emulator.entra.EntraDirectory;
import io.hubgate.emulator.entra.EntraKeyring;
import io.hubgate.emulator.entra.TokenIssuer;
import io.hubgate.emulator.faults.FaultInjector;
import io.hubgate.emulator.faults.HubTier;
import io.hubgate.emulator.faults.Ticker;
import io.hubgate.emulator.http.HubHttpServer;
import io.hubgate.emulator.jobs.JobJournal;
import io.hubgate.emulator.jobs.JobScheduler;
import io.hubgate.emulator.jobs.JobStore;
import io.hubgate.emulator.persist.StateDirectory;
import io.hubgate.emulator.store.DeviceStore;
import io.hubgate.emulator.store.EtagSequence;
import io.hubgate.emulator.tls.EmulatorCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A local Azure IoT Hub: the service REST API over HTTPS, answering the official service SDKs
 * as the real hub does, with a local Entra ID that issues tokens for it. Start it standalone
 * ({@link EmulatorMain}) or embed it:
 *
 * <pre>{@code
 * try (IotHubEmulator hub = IotHubEmulator.builder().port(0).build().start()) {
 *     EmulatorCoordinates at = hub.coordinates();
 *     RegistryClient registry = new RegistryClient(at.hostWithPort(),
 *             new AzureSasCredential(at.sasToken("iothubowner", Duration.ofHours(1))));
 * }
 * }</pre>
 *
 * <p>State is in memory unless a data directory is given. Not emulated: the device-facing
 * protocols (MQTT/AMQP), cloud-to-device messaging, configurations, import/export jobs, Event
 * Hub endpoints and the digital-twin API.
 */
public final class IotHubEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IotHubEmulator.class);

    public static final String DEFAULT_HUB_NAME = "hubgate-emulator";
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    /** The shared access policy that may do everything, including drive the control surface. */
    public static final String OWNER_POLICY = "iothubowner";
    /** Worker threads: enough for a gateway's connection pool plus tests, small enough for 2 cores. */
    public static final int DEFAULT_WORKER_THREADS = 32;
    /** A PKCS#12 trust store with the certificate, beside the PEM, for {@code -Djavax.net.ssl.trustStore}. */
    public static final String TRUST_STORE_FILE = "emulator-truststore.p12";
    /** The trust store holds only a public certificate; its password protects nothing secret. */
    public static final String TRUST_STORE_PASSWORD = "changeit";
    private static final String CERTIFICATE_FILE = "emulator-cert.pem";
    private static final String KEY_FILE = "emulator-key.pem";

    private final EmulatorSettings settings;
    private final DeviceStore store = new DeviceStore();
    private final EtagSequence etags = new EtagSequence(0);
    private final JobStore jobStore = new JobStore();
    private final FaultInjector faults;
    private HubHttpServer server;
    private SimulatedDevices devices;
    private JobScheduler jobs;
    private io.hubgate.emulator.http.RequestCounts requestCounts;
    private StateDirectory state;
    private JobJournal jobJournal;
    private Path temporaryDirectory;
    private EmulatorCoordinates coordinates;

    private IotHubEmulator(EmulatorSettings settings) {
        this.settings = settings;
        this.faults = new FaultInjector(Ticker.SYSTEM, settings.tier(), settings.units());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the port, restores state if a data directory is set, and starts serving. */
    public synchronized IotHubEmulator start() {
        if (server != null) {
            throw new IllegalStateException("the emulator is already started");
        }
        try {
            List<SharedAccessPolicy> policies = SharedAccessPolicy.defaults();
            EntraKeyring keyring;
            if (settings.dataDirectory() != null) {
                policies = openDataDirectory(policies);
                keyring = readState(EntraKeyring.FILE_NAME,
                        () -> EntraKeyring.open(settings.dataDirectory().resolve(EntraKeyring.FILE_NAME), settings.clock()));
            } else {
                keyring = EntraKeyring.inMemory(settings.clock());
            }
            EntraDirectory directory = entraDirectory(keyring);
            EmulatorCertificate certificate = certificate();

            EmulatorAssembly.Assembled assembled = assemble(certificate, policies, directory, keyring);
            devices = assembled.devices();
            jobs = assembled.jobs();
            requestCounts = assembled.counts();
            server = assembled.server();
            // Only now that the port is ours: a start that fails must not replace the certificate
            // that clients of an emulator already running there trust (--cert-out is often shared).
            Path certificatePath = writeCertificate(certificate);
            server.start();
            jobs.start();
            coordinates = new EmulatorCoordinates(settings.hubName(), settings.hubHostName(), settings.bindAddress(),
                    server.port(), certificatePath, certificate, policies, assembled.entra().coordinates(), settings.clock());
            LOG.info("IoT Hub emulator serving {} on {}, Entra tenant {}", settings.hubHostName(), coordinates.baseUrl(),
                    coordinates.entra().tenantId());
            return this;
        } catch (IOException | RuntimeException e) {
            abandonStart();
            throw e instanceof IOException io
                    ? new UncheckedIOException("could not start the IoT Hub emulator: " + io.getMessage(), io)
                    : (RuntimeException) e;
        }
    }

    /** Claims the data directory and restores the hub and its jobs from it; returns the hub's policies. */
    private List<SharedAccessPolicy> openDataDirectory(List<SharedAccessPolicy> defaults) {
        Path directory = settings.dataDirectory();
        try {
            state = StateDirectory.open(directory, store, etags, defaults);
        } catch (StateDirectory.InUseException inUse) {
            throw new EmulatorStartException(EmulatorStartException.Setting.DATA_DIRECTORY,
                    "the data directory " + directory + " is in use by another emulator", inUse);
        } catch (IOException unreadable) {
            throw unreadableState(directory.toString(), unreadable);
        }
        store.setListener(state);
        jobJournal = readState("jobs.json (or its journal, jobs-journal.jsonl)",
                () -> JobJournal.open(directory, jobStore));
        return state.policies();
    }

    private interface StateReader<T> {
        T read() throws IOException;
    }

    /** Reads a file of the data directory; one it cannot read stops the start, naming the file. */
    private <T> T readState(String fileName, StateReader<T> reader) {
        try {
            return reader.read();
        } catch (IOException unreadable) {
            throw unreadableState(settings.dataDirectory().resolve(fileName).toString(), unreadable);
        }
    }

    private static EmulatorStartException unreadableState(String what, IOException failure) {
        String reason = failure instanceof com.fasterxml.jackson.core.JsonProcessingException json
                ? json.getOriginalMessage() + (json.getLocation() == null ? ""
                        : " at line " + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr())
                : String.valueOf(failure.getMessage());
        return new EmulatorStartException(EmulatorStartException.Setting.STATE_FILE,
                "cannot read " + what + ": " + reason.replaceAll("\\s*\\R\\s*", " "), failure);
    }

    /** Assembles the server, which binds the port: the one step a second emulator on the same port fails. */
    private EmulatorAssembly.Assembled assemble(EmulatorCertificate certificate, List<SharedAccessPolicy> policies,
                                                EntraDirectory directory, EntraKeyring keyring) throws IOException {
        try {
            return EmulatorAssembly.assemble(settings, certificate, store, etags, policies, directory, keyring, jobStore,
                    faults, this::reset);
        } catch (java.net.SocketException bindFailure) {
            String address = EmulatorCoordinates.httpsHost(settings.bindAddress(), settings.port());
            throw new EmulatorStartException(EmulatorStartException.Setting.PORT, "cannot listen on " + address + ": "
                    + (BindFailures.isAddressInUse(bindFailure) ? "the port is already in use"
                            : BindFailures.rootMessage(bindFailure)), bindFailure);
        }
    }

    public synchronized EmulatorCoordinates coordinates() {
        if (coordinates == null) {
            throw new IllegalStateException("the emulator is not started");
        }
        return coordinates;
    }

    /** Empties the hub and forgets all simulation state and faults; policies, keys and the certificate stay. */
    public synchronized void reset() {
        if (devices == null) {
            throw new IllegalStateException("the emulator is not started");
        }
        jobs.reset();
        jobStore.clear();
        store.clear();
        devices.reset();
        faults.reset();
        requestCounts.clear();
    }

    /** How many requests of each IoT Hub operation the hub has received since start or reset. */
    public synchronized io.hubgate.emulator.http.RequestCounts requestCounts() {
        coordinates();
        return requestCounts;
    }

    /**
     * The job scheduler, for tests in the same process: {@link JobScheduler#wake()} makes it look
     * at the clock at once (after a test moved its clock).
     */
    public synchronized JobScheduler jobs() {
        coordinates();
        return jobs;
    }

    /** The device side, for tests in the same process. */
    public synchronized SimulatedDevices devices() {
        coordinates();
        return devices;
    }

    /**
     * The hub's request gate: injected faults and tier quotas, for tests in the same process and
     * for other endpoints (the token issuer) that should meet the same faults.
     */
    public FaultInjector faults() {
        return faults;
    }

    /** The device store, for components in the same process (the control surface, benchmarks). */
    public DeviceStore store() {
        return store;
    }

    /** The directory given in code, else the config file's, else the default one; made-up secrets come from the keyring. */
    private EntraDirectory entraDirectory(EntraKeyring keyring) {
        if (settings.entraDirectory() != null) {
            return settings.entraDirectory();
        }
        return settings.entraConfig() != null ? EntraConfigFile.load(settings.entraConfig(), keyring::generatedSecret)
                : DefaultDirectory.builder(keyring::generatedSecret).build();
    }

    /** The configured certificate, else the data directory's (made there once), else a new one. */
    private EmulatorCertificate certificate() throws IOException {
        if (settings.certificate() != null) {
            return settings.certificate();
        }
        Set<String> names = Set.of(settings.hubHostName());
        if (settings.dataDirectory() == null) {
            return EmulatorCertificate.selfSigned(names);
        }
        Path cert = settings.dataDirectory().resolve(CERTIFICATE_FILE);
        Path key = settings.dataDirectory().resolve(KEY_FILE);
        if (Files.exists(cert) && Files.exists(key)) {
            return EmulatorCertificate.fromPem(cert, key);
        }
        EmulatorCertificate generated = EmulatorCertificate.selfSigned(names);
        generated.writePrivateKey(key);
        generated.writeCertificate(cert);
        return generated;
    }

    /** Writes the PEM and the trust store where clients look: --cert-out, else the data or a temporary directory. */
    private Path writeCertificate(EmulatorCertificate certificate) throws IOException {
        Path path = settings.certificateOutput();
        if (path == null && settings.dataDirectory() != null) {
            path = settings.dataDirectory().resolve(CERTIFICATE_FILE);
        }
        if (path == null) {
            temporaryDirectory = Files.createTempDirectory("hubgate-emulator");
            path = temporaryDirectory.resolve(CERTIFICATE_FILE);
        }
        // Each file is written beside its place and moved in: a client never reads half a certificate.
        Path pem = path;
        replaceAtomically(pem, staged -> certificate.writeCertificate(staged));
        replaceAtomically(pem.resolveSibling(TRUST_STORE_FILE), staged -> certificate.writeTrustStore(staged, TRUST_STORE_PASSWORD));
        return path.toAbsolutePath();
    }

    private interface FileWriter {
        void write(Path path) throws IOException;
    }

    private static void replaceAtomically(Path target, FileWriter writer) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path staged = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
        try {
            writer.write(staged);
            // A temporary file is the owner's alone; a certificate and a trust store are public.
            if (Files.getFileStore(staged).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(staged, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(staged);
        }
    }

    /** Stops serving, then folds the journal into a snapshot so the next start is quick. */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        server.close();
        server = null;
        jobs.close();
        devices.close();
        try {
            if (state != null) {
                state.checkpoint();
            }
            if (jobJournal != null) {
                jobJournal.checkpoint();
            }
        } catch (IOException e) {
            LOG.warn("Could not write the final snapshot: {}", e.getMessage());
        }
        releaseFiles();
    }

    private void abandonStart() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (jobs != null) {
            jobs.close();
            jobs = null;
        }
        if (devices != null) {
            devices.close();
            devices = null;
        }
        releaseFiles();
    }

    private void releaseFiles() {
        try {
            if (jobJournal != null) {
                jobJournal.close();
                jobJournal = null;
            }
            if (state != null) {
                state.close();
                state = null;
            }
            if (temporaryDirectory != null) {
                Files.deleteIfExists(temporaryDirectory.resolve(CERTIFICATE_FILE));
                Files.deleteIfExists(temporaryDirectory.resolve(TRUST_STORE_FILE));
                Files.deleteIfExists(temporaryDirectory);
                temporaryDirectory = null;
            }
        } catch (IOException e) {
            LOG.warn("Could not release the emulator's files: {}", e.getMessage());
        }
    }

    /** Settings for an emulator; every one has a default that suits tests. */
    public static final class Builder {
        private String hubName = DEFAULT_HUB_NAME;
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private int port = 0;
        private Path dataDirectory;
        private Path certificateOutput;
        private EmulatorCertificate certificate;
        private Clock clock = Clock.systemUTC();
        private int workerThreads = DEFAULT_WORKER_THREADS;
        private Path entraConfig;
        private EntraDirectory entraDirectory;
        private Duration tokenLifetime = TokenIssuer.DEFAULT_LIFETIME;
        private HubTier tier;
        private int units;

        private Builder() {
        }

        /** The hub's name; its host name is {@code <name>.azure-devices.net}. */
        public Builder hubName(String hubName) {
            if (hubName == null || !hubName.matches("[a-zA-Z0-9-]{3,50}")) {
                throw new IllegalArgumentException("a hub name is 3 to 50 letters, digits or hyphens");
            }
            this.hubName = hubName;
            return this;
        }

        public Builder bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress);
            return this;
        }

        /** 0 picks a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535, not " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Keeps state in this directory across restarts: devices, twins, policy keys, the
         * certificate, and the local Entra's signing keys, generated client secrets and
         * managed-identity header.
         */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /** Where to write the certificate PEM (and the trust store beside it); default: the data directory, or a temporary one. */
        public Builder certificateOutput(Path certificateOutput) {
            this.certificateOutput = certificateOutput;
            return this;
        }

        /** Serve this certificate instead of a generated one. */
        public Builder certificate(EmulatorCertificate certificate) {
            this.certificate = certificate;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public Builder workerThreads(int workerThreads) {
            if (workerThreads < 1) {
                throw new IllegalArgumentException("workerThreads must be at least 1");
            }
            this.workerThreads = workerThreads;
            return this;
        }

        /** Read the local Entra's tenant, identities and role assignments from this JSON file (see {@link EntraConfigFile}). */
        public Builder entraConfig(Path entraConfig) {
            this.entraConfig = entraConfig;
            return this;
        }

        /** Use this directory for the local Entra; it wins over {@link #entraConfig}. Default: {@link DefaultDirectory}. */
        public Builder entraDirectory(EntraDirectory entraDirectory) {
            this.entraDirectory = entraDirectory;
            return this;
        }

        /** How long issued access tokens live; default {@link TokenIssuer#DEFAULT_LIFETIME}. */
        public Builder tokenLifetime(Duration tokenLifetime) {
            if (tokenLifetime == null || tokenLifetime.isNegative() || tokenLifetime.isZero()) {
                throw new IllegalArgumentException("a token lifetime must be positive, not " + tokenLifetime);
            }
            this.tokenLifetime = tokenLifetime;
            return this;
        }

        /** Enforce this tier's throttles for {@code units} units from the start (default: no quota). */
        public Builder quota(HubTier tier, int units) {
            tier.limits(units); // refuses a unit count the tier does not sell
            this.tier = tier;
            this.units = units;
            return this;
        }

        /** Freezes the settings: later changes to this builder do not reach the emulator. */
        public IotHubEmulator build() {
            if (!EmulatorCertificate.isLoopback(bindAddress)) {
                LOG.warn("The emulator binds {}, which is not a loopback address: anyone who can reach it and holds a key can use it",
                        bindAddress);
            }
            return new IotHubEmulator(new EmulatorSettings(hubName, bindAddress, port, dataDirectory, certificateOutput,
                    certificate, clock, workerThreads, entraConfig, entraDirectory, tokenLifetime, tier, units));
        }
    }
}
