package io.hubgate.emulator.entra;

import io.hubgate.emulator.auth.BuiltInRole;
import io.hubgate.emulator.support.TestClientCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The default directory, and directories read from a config file, with clear errors for bad files. */
class EntraConfigFileTest {

    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        return Files.writeString(dir.resolve("entra.json"), json);
    }

    @Test
    void theDefaultDirectory_hasTheDocumentedIdentitiesAndRoles() {
        EntraDirectory directory = DefaultDirectory.create();

        assertThat(directory.tenantId()).isEqualTo(DefaultDirectory.TENANT_ID);
        assertThat(roles(directory, DefaultDirectory.GATEWAY)).containsExactly(BuiltInRole.DATA_CONTRIBUTOR);
        assertThat(roles(directory, DefaultDirectory.READER)).containsExactly(BuiltInRole.DATA_READER);
        assertThat(roles(directory, DefaultDirectory.REGISTRY)).containsExactly(BuiltInRole.REGISTRY_CONTRIBUTOR);
        assertThat(roles(directory, DefaultDirectory.TWIN)).containsExactly(BuiltInRole.TWIN_CONTRIBUTOR);
        assertThat(roles(directory, DefaultDirectory.NO_ROLE)).isEmpty();
        assertThat(directory.hubRolesOf(directory.managedIdentity(null).orElseThrow().objectId()))
                .containsExactly(BuiltInRole.DATA_CONTRIBUTOR);
        EntraApplication api = directory.resourceApplication(DefaultDirectory.API_URI).orElseThrow();
        assertThat(api.appRoles()).containsExactlyElementsOf(DefaultDirectory.API_ROLES);
        assertThat(directory.appRolesOf(directory.application(DefaultDirectory.TWIN).orElseThrow().objectId(), api))
                .containsExactlyInAnyOrder("Twin.Read", "Twin.Write", "Method.Invoke");
    }

    @Test
    void defaultSecrets_areNewAtEveryStart_butIdsAreStable() {
        EntraApplication first = DefaultDirectory.create().application(DefaultDirectory.GATEWAY).orElseThrow();
        EntraApplication second = DefaultDirectory.create().application(DefaultDirectory.GATEWAY).orElseThrow();

        assertThat(first.clientId()).isEqualTo(second.clientId());
        assertThat(first.secrets()).doesNotContainAnyElementsOf(second.secrets());
        assertThat(first.secrets().get(0)).hasSize(DefaultDirectory.SECRET_LENGTH);
        assertThat(first.toString()).doesNotContain(first.secrets().get(0));
    }

    @Test
    void aConfigFile_definesAppsWithSecretsCertificatesFederationAndRoles() throws IOException {
        TestClientCertificate certificate = TestClientCertificate.generate("file-app");
        Files.writeString(dir.resolve("file-app.pem"), certificate.certificatePem());
        Path config = write("""
                {
                  "tenantId": "11111111-2222-3333-4444-555555555555",
                  "applications": [
                    {"displayName": "file-app", "clientId": "aaaaaaaa-0000-0000-0000-000000000001",
                     "secrets": ["fixed-secret"],
                     "certificates": [{"file": "file-app.pem"}],
                     "federatedCredentials": [{"issuer": "https://federated.hubgate.local", "subject": "system:serviceaccount:a:b"}]},
                    {"displayName": "api", "identifierUris": ["api://things"], "appRoles": ["Things.Read"], "secrets": []}
                  ],
                  "managedIdentities": [{"displayName": "mi", "type": "SystemAssigned"}],
                  "roleAssignments": [
                    {"principal": "file-app", "role": "IoT Hub Twin Contributor"},
                    {"principal": "mi", "role": "b447c946-2db7-41ec-983d-d8bf3b1c77e3"}
                  ],
                  "appRoleAssignments": [{"principal": "file-app", "resource": "api://things", "roles": ["Things.Read"]}]
                }
                """);

        EntraDirectory directory = EntraConfigFile.load(config);

        assertThat(directory.tenantId()).isEqualTo("11111111-2222-3333-4444-555555555555");
        EntraApplication app = directory.applicationByClientId("aaaaaaaa-0000-0000-0000-000000000001").orElseThrow();
        assertThat(app.secrets()).containsExactly("fixed-secret");
        assertThat(app.certificates()).containsExactly(ClientCertificate.of(certificate.certificate()));
        assertThat(app.federatedCredentials().get(0).audience()).isEqualTo(FederatedCredential.DEFAULT_AUDIENCE);
        assertThat(directory.hubRolesOf(app.objectId())).containsExactly(BuiltInRole.TWIN_CONTRIBUTOR);
        assertThat(directory.hubRolesOf(directory.managedIdentity(null).orElseThrow().objectId())).containsExactly(BuiltInRole.DATA_READER);
        assertThat(directory.application("api").orElseThrow().secrets()).isEmpty();
        assertThat(directory.appRolesOf(app.objectId(), directory.resourceApplication("api://things").orElseThrow()))
                .containsExactly("Things.Read");
    }

    @Test
    void includeDefaults_addsToTheDefaultSet() throws IOException {
        EntraDirectory directory = EntraConfigFile.load(write("""
                {"includeDefaults": true, "applications": [{"displayName": "extra"}],
                 "roleAssignments": [{"principal": "extra", "role": "IoT Hub Data Reader"}]}
                """));

        assertThat(directory.application(DefaultDirectory.GATEWAY)).isPresent();
        assertThat(directory.application("extra").orElseThrow().secrets()).hasSize(1);
    }

    @Test
    void badFiles_failWithTheFileAndTheOffendingPath() throws IOException {
        assertThatThrownBy(() -> EntraConfigFile.load(dir.resolve("missing.json")))
                .isInstanceOf(EntraConfigFile.EntraConfigException.class).hasMessageContaining("no such file");
        assertThatThrownBy(() -> EntraConfigFile.load(write("{not json")))
                .hasMessageContaining("entra.json").hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> EntraConfigFile.load(write("{\"applications\": [{\"displayName\": \"a\", \"secret\": \"x\"}]}")))
                .hasMessageContaining("$.applications[0].secret is not a known field");
        assertThatThrownBy(() -> EntraConfigFile.load(write("{\"applications\": [{\"clientId\": \"x\"}]}")))
                .hasMessageContaining("$.applications[0].displayName is required");
        assertThatThrownBy(() -> EntraConfigFile.load(write(
                "{\"applications\": [{\"displayName\": \"a\"}], \"roleAssignments\": [{\"principal\": \"a\", \"role\": \"Owner\"}]}")))
                .hasMessageContaining("$.roleAssignments[0].role").hasMessageContaining("IoT Hub Data Reader");
        assertThatThrownBy(() -> EntraConfigFile.load(write(
                "{\"roleAssignments\": [{\"principal\": \"ghost\", \"role\": \"IoT Hub Data Reader\"}]}")))
                .hasMessageContaining("'ghost'");
        assertThatThrownBy(() -> EntraConfigFile.load(write("{\"tenantId\": \"contoso\"}")))
                .hasMessageContaining("$.tenantId").hasMessageContaining("GUID");
        assertThatThrownBy(() -> EntraConfigFile.load(write(
                "{\"applications\": [{\"displayName\": \"a\", \"certificates\": [{\"pem\": \"-----BEGIN CERTIFICATE-----\\nnope\\n-----END CERTIFICATE-----\"}]}]}")))
                .hasMessageContaining("$.applications[0].certificates[0]").hasMessageContaining("not a readable certificate");
    }

    private static java.util.Set<BuiltInRole> roles(EntraDirectory directory, String name) {
        return directory.hubRolesOf(directory.application(name).orElseThrow().objectId());
    }
}
