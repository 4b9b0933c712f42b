package io.hubgate.server.auth;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.hubgate.api.v1.JobServiceGrpc;
import io.hubgate.api.v1.MethodServiceGrpc;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.TwinServiceGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessPolicyTest {

    @TempDir
    Path dir;

    private static Set<String> generatedMethodNames() {
        Set<String> names = new TreeSet<>();
        for (ServiceDescriptor service : List.of(RegistryServiceGrpc.getServiceDescriptor(),
                TwinServiceGrpc.getServiceDescriptor(), MethodServiceGrpc.getServiceDescriptor(),
                JobServiceGrpc.getServiceDescriptor())) {
            service.getMethods().stream().map(MethodDescriptor::getFullMethodName).forEach(names::add);
        }
        return names;
    }

    @Test
    void defaults_coverEveryRpcOfTheFourServices_eachWithAtLeastOneRole() {
        Set<String> generated = generatedMethodNames();
        assertThat(generated).hasSize(26);
        assertThat(AccessPolicy.apiMethods()).isEqualTo(generated);
        for (String method : generated) {
            assertThat(AccessPolicy.defaults().rolesFor(method)).as(method).isNotEmpty();
        }
    }

    @Test
    void defaults_areLeastPrivilege_oneRoleOfTheMethodsArea() {
        AccessPolicy policy = AccessPolicy.defaults();
        for (String method : generatedMethodNames()) {
            String name = method.substring(method.indexOf('/') + 1);
            String expected;
            if (method.startsWith("hubgate.v1.JobService/")) {
                // A job is read like the twins it works on; creating or cancelling one takes the
                // role of its action, which the handler checks: the policy admits either.
                if (name.startsWith("Get") || name.startsWith("List") || name.startsWith("Watch")) {
                    assertThat(policy.rolesFor(method)).as(method).containsExactly(Roles.TWIN_READ);
                } else {
                    assertThat(policy.rolesFor(method)).as(method)
                            .containsExactlyInAnyOrder(Roles.TWIN_WRITE, Roles.METHOD_INVOKE);
                }
                continue;
            }
            if (method.startsWith("hubgate.v1.MethodService/")) {
                expected = Roles.METHOD_INVOKE;
            } else {
                String area = method.startsWith("hubgate.v1.RegistryService/") ? "Registry" : "Twin";
                boolean read = name.startsWith("Get") || name.startsWith("List") || name.contains("Query");
                expected = area + (read ? ".Read" : ".Write");
            }
            assertThat(policy.rolesFor(method)).as(method).containsExactly(expected);
        }
        assertThat(policy.rolesFor("hubgate.v1.RegistryService/BatchDeleteDevices")).containsExactly(Roles.REGISTRY_WRITE);
        assertThat(policy.rolesFor("hubgate.v1.RegistryService/GetRegistryStatistics")).containsExactly(Roles.REGISTRY_READ);
        assertThat(policy.rolesFor("hubgate.v1.TwinService/StreamQueryTwins")).containsExactly(Roles.TWIN_READ);
    }

    @Test
    void defaults_keysReadGrantsNoRpc() {
        for (String method : generatedMethodNames()) {
            assertThat(AccessPolicy.defaults().permits(method, Set.of(Roles.KEYS_READ))).as(method).isFalse();
        }
    }

    @Test
    void methodOutsideThePolicy_isDeniedToEveryRole() {
        Set<String> everything = Set.copyOf(Roles.BUILT_IN);
        assertThat(AccessPolicy.defaults().rolesFor("hubgate.v1.RegistryService/Unheard")).isEmpty();
        assertThat(AccessPolicy.defaults().permits("hubgate.v1.RegistryService/Unheard", everything)).isFalse();
        assertThat(AccessPolicy.defaults().permits("grpc.health.v1.Health/Check", everything)).isFalse();
    }

    @Test
    void load_readsAFileThatNamesEveryMethod_anyListedRoleSuffices() throws Exception {
        String methods = generatedMethodNames().stream()
                .map(m -> "\"" + m + "\": " + (m.endsWith("/GetDevice") ? "[\"Auditor\", \"Registry.Read\"]"
                        : m.endsWith("/InvokeMethod") ? "[]" : "[\"Operator\"]"))
                .collect(Collectors.joining(",\n"));
        AccessPolicy policy = AccessPolicy.load(write("{\"methods\": {" + methods + "}}"));

        assertThat(policy.rolesFor("hubgate.v1.RegistryService/GetDevice")).containsExactlyInAnyOrder("Auditor", "Registry.Read");
        assertThat(policy.permits("hubgate.v1.RegistryService/GetDevice", Set.of("Auditor"))).isTrue();
        assertThat(policy.permits("hubgate.v1.RegistryService/GetDevice", Set.of("Registry.Read"))).isTrue();
        assertThat(policy.permits("hubgate.v1.RegistryService/GetDevice", Set.of("Operator"))).isFalse();
        assertThat(policy.permits("hubgate.v1.TwinService/GetTwin", Set.of("Operator"))).isTrue();
        assertThat(policy.permits("hubgate.v1.TwinService/GetTwin", Set.of("Twin.Read"))).isFalse();
        assertThat(policy.permits("hubgate.v1.MethodService/InvokeMethod", Set.copyOf(Roles.BUILT_IN))).as("[] denies all").isFalse();
    }

    @Test
    void load_missingFile_isRefusedNamingIt() {
        Path absent = dir.resolve("absent.json");
        assertThatThrownBy(() -> AccessPolicy.load(absent))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(absent.toString()).hasMessageContaining("cannot be read");
    }

    @Test
    void load_notJson_isRefused() {
        assertRefused("{\"methods\": {", "is not valid JSON");
    }

    @Test
    void load_notAnObject_isRefused() {
        assertRefused("[]", "must be a JSON object");
    }

    @Test
    void load_unknownTopLevelMember_isRefused() {
        assertRefused("{\"methods\": {}, \"roles\": {}}", "unknown member \"roles\"");
    }

    @Test
    void load_methodsMissingOrNotAnObject_isRefused() {
        assertRefused("{}", "needs \"methods\"");
        assertRefused("{\"methods\": [\"hubgate.v1.TwinService/GetTwin\"]}", "needs \"methods\"");
    }

    @Test
    void load_unknownMethodName_isRefusedNamingIt() {
        assertRefused(completeWith("\"hubgate.v1.RegistryService/GetDevices\": [\"Registry.Read\"]"),
                "unknown method \"hubgate.v1.RegistryService/GetDevices\"");
        assertRefused(completeWith("\"GetDevice\": [\"Registry.Read\"]"), "unknown method \"GetDevice\"");
    }

    @Test
    void load_methodWithoutEntry_isRefusedNamingEveryMissingOne() {
        String allButTwo = generatedMethodNames().stream()
                .filter(m -> !m.endsWith("/StreamQueryTwins") && !m.endsWith("/BatchDeleteDevices"))
                .map(m -> "\"" + m + "\": [\"Registry.Read\"]").collect(Collectors.joining(","));
        assertRefused("{\"methods\": {" + allButTwo + "}}",
                "no entry for hubgate.v1.RegistryService/BatchDeleteDevices, hubgate.v1.TwinService/StreamQueryTwins");
    }

    @Test
    void load_rolesNotAListOfNonBlankStrings_isRefused() {
        String method = "\"hubgate.v1.TwinService/GetTwin\": ";
        assertRefused(replacing(method + "\"Twin.Read\""), "\"hubgate.v1.TwinService/GetTwin\" must be a list of role names");
        assertRefused(replacing(method + "[42]"), "has a role that is not a non-blank string: 42");
        assertRefused(replacing(method + "[\" \"]"), "has a role that is not a non-blank string");
        assertRefused(replacing(method + "[[\"Twin.Read\"]]"), "has a role that is not a non-blank string");
    }

    @Test
    void load_duplicateMethod_isRefused() {
        assertRefused(completeWith("\"hubgate.v1.TwinService/GetTwin\": [\"Twin.Write\"]"), "Duplicate field");
    }

    /** A complete valid policy plus one more entry. */
    private static String completeWith(String extra) {
        return "{\"methods\": {" + everyMethod() + ", " + extra + "}}";
    }

    /** A complete policy whose GetTwin entry is {@code getTwinEntry}. */
    private static String replacing(String getTwinEntry) {
        String others = generatedMethodNames().stream().filter(m -> !m.endsWith("/GetTwin"))
                .map(m -> "\"" + m + "\": [\"Registry.Read\"]").collect(Collectors.joining(","));
        return "{\"methods\": {" + others + ", " + getTwinEntry + "}}";
    }

    private static String everyMethod() {
        return generatedMethodNames().stream().map(m -> "\"" + m + "\": [\"Twin.Read\"]").collect(Collectors.joining(","));
    }

    private void assertRefused(String json, String expectedMessagePart) {
        Path file;
        try {
            file = write(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> AccessPolicy.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("access policy " + file)
                .hasMessageContaining(expectedMessagePart);
    }

    private Path write(String json) throws Exception {
        Path file = Files.createTempFile(dir, "policy", ".json");
        Files.writeString(file, json);
        return file;
    }
}
