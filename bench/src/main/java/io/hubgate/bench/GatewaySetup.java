package io.hubgate.bench;

import io.hubgate.emulator.EmulatorCoordinates;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.entra.DefaultDirectory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One gateway's command line, the same whether it runs in its own JVM or in the bench's: the
 * flags an operator would give, on port 0, with a short shutdown grace. The SAS key is kept apart
 * so that a child gets it through HUBGATE_SAS_KEY (flags are visible to other users) and an
 * in-process gateway as {@code --sas-key}.
 *
 * @param label  what the output calls it, e.g. "running emulator, SAS, JWT"
 * @param args   the flags, without the SAS key
 * @param sasKey the owner policy's key, or null (embedded emulator)
 */
record GatewaySetup(String label, List<String> args, String sasKey) {

    /** The bench's gateways stop in 2 s: calls still running then are cancelled. */
    static final String SHUTDOWN_GRACE = "2s";

    /** No --hub-host: the gateway starts its own emulator and trusts that emulator's issuer for callers. */
    static GatewaySetup embeddedEmulator() {
        return new GatewaySetup("embedded emulator (no --hub-host), JWT", List.of("--port", "0", "--shutdown-grace", SHUTDOWN_GRACE), null);
    }

    /**
     * To the bench's emulator as a remote hub: SAS with its owner policy, its certificate
     * trusted; callers with a token of its issuer for api://hubgate, or none at all.
     */
    static GatewaySetup runningEmulator(EmulatorCoordinates at, boolean callerAuth, List<String> extraFlags) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--shutdown-grace", SHUTDOWN_GRACE,
                "--hub-host", at.hostWithPort(), "--hub-ca-cert", at.certificatePath().toString(),
                "--credential", "sas", "--sas-key-name", IotHubEmulator.OWNER_POLICY));
        if (callerAuth) {
            args.addAll(List.of("--jwt-issuer", at.entra().issuer(), "--jwt-audience", DefaultDirectory.API_URI,
                    "--jwks-url", at.entra().jwksUri()));
        } else {
            args.add("--insecure-no-auth");
        }
        args.addAll(extraFlags);
        return new GatewaySetup("running emulator, SAS, " + (callerAuth ? "JWT" : "--insecure-no-auth"), List.copyOf(args),
                at.policy(IotHubEmulator.OWNER_POLICY).keys().primaryKey());
    }

    /** True when callers need a bearer token. */
    boolean callerAuth() {
        return !args.contains("--insecure-no-auth");
    }

    /** The flags for a gateway in this JVM, the key among them. */
    List<String> inProcessArgs() {
        if (sasKey == null) {
            return args;
        }
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--sas-key", sasKey));
        return List.copyOf(all);
    }

    /** The environment a child gets on top of the bench's (whose HUBGATE_* variables it never inherits). */
    Map<String, String> childEnvironment() {
        return sasKey == null ? Map.of() : Map.of("HUBGATE_SAS_KEY", sasKey);
    }

    @Override
    public String toString() {
        return label + " " + args; // no key
    }
}
