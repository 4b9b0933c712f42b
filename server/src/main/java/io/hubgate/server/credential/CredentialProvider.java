package io.hubgate.server.credential;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.util.Configuration;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import io.hubgate.server.config.CredentialMode;
import io.hubgate.server.config.CredentialSettings;

import java.util.Objects;

/**
 * Builds the gateway's one Entra credential from its configuration and Azure's standard
 * environment variables, and wraps it in a {@link RefreshingTokenCredential} so that every IoT
 * Hub client shares one cached, pre-refreshed token.
 *
 * <p>Environment variables keep their azure-identity meaning: AZURE_TENANT_ID, AZURE_CLIENT_ID,
 * AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH (and _PASSWORD), AZURE_FEDERATED_TOKEN_FILE,
 * AZURE_AUTHORITY_HOST, IDENTITY_ENDPOINT/IDENTITY_HEADER, MSI_ENDPOINT… They are read from the
 * {@link Configuration} given (the process environment by default), which makes every mode
 * testable without touching the real environment — except managed identity, which MSAL reads
 * from the real process environment only.
 *
 * <p>SAS is not a token credential; see {@link SasCredentials}.
 *
 * <p>Reusable outside hubgate: it depends on azure-identity and nothing of the gateway's own.
 */
public final class CredentialProvider {

    private final Configuration environment;
    private final HttpClient httpClient;

    /**
     * @param environment where Azure's variables are read; {@code Configuration.getGlobalConfiguration()} in production
     * @param httpClient  azure-identity's HTTP client (custom trust), or null for its default
     */
    public CredentialProvider(Configuration environment, HttpClient httpClient) {
        this.environment = Objects.requireNonNull(environment);
        this.httpClient = httpClient;
    }

    /** The shared, caching credential for a token-based mode. */
    public RefreshingTokenCredential create(CredentialSettings settings) {
        return new RefreshingTokenCredential(build(settings));
    }

    /** The azure-identity credential for a mode, without caching (the caller wraps it). */
    public TokenCredential build(CredentialSettings settings) {
        CredentialMode mode = settings.mode();
        return switch (mode) {
            case DEFAULT -> defaultCredential(settings);
            case MANAGED_IDENTITY -> managedIdentity(settings);
            case CLIENT_SECRET -> clientSecret();
            case CLIENT_CERTIFICATE -> clientCertificate();
            case WORKLOAD_IDENTITY -> workloadIdentity();
            case SAS -> throw new IllegalArgumentException("SAS is not a token credential; use SasCredentials");
        };
    }

    private TokenCredential defaultCredential(CredentialSettings settings) {
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder().configuration(environment);
        String authorityHost = environment.get(Configuration.PROPERTY_AZURE_AUTHORITY_HOST);
        if (authorityHost != null) {
            builder.authorityHost(authorityHost);
            if (isLocal(authorityHost)) {
                builder.disableInstanceDiscovery();
            }
        }
        if (settings.managedIdentityClientId() != null) {
            builder.managedIdentityClientId(settings.managedIdentityClientId());
        }
        if (httpClient != null) {
            builder.httpClient(httpClient);
        }
        return builder.build();
    }

    private TokenCredential managedIdentity(CredentialSettings settings) {
        ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder().configuration(environment);
        if (settings.managedIdentityClientId() != null) {
            builder.clientId(settings.managedIdentityClientId());
        }
        if (httpClient != null) {
            builder.httpClient(httpClient);
        }
        return builder.build();
    }

    private TokenCredential clientSecret() {
        ClientSecretCredentialBuilder builder = new ClientSecretCredentialBuilder()
                .tenantId(require(Configuration.PROPERTY_AZURE_TENANT_ID))
                .clientId(require(Configuration.PROPERTY_AZURE_CLIENT_ID))
                .clientSecret(require(Configuration.PROPERTY_AZURE_CLIENT_SECRET));
        authority(builder::authorityHost, builder::disableInstanceDiscovery);
        if (httpClient != null) {
            builder.httpClient(httpClient);
        }
        return builder.build();
    }

    private TokenCredential clientCertificate() {
        ClientCertificateCredentialBuilder builder = new ClientCertificateCredentialBuilder()
                .tenantId(require(Configuration.PROPERTY_AZURE_TENANT_ID))
                .clientId(require(Configuration.PROPERTY_AZURE_CLIENT_ID));
        String path = require(Configuration.PROPERTY_AZURE_CLIENT_CERTIFICATE_PATH);
        String password = environment.get("AZURE_CLIENT_CERTIFICATE_PASSWORD");
        if (path.endsWith(".pfx") || path.endsWith(".p12")) {
            builder.pfxCertificate(path).clientCertificatePassword(password);
        } else {
            builder.pemCertificate(path);
        }
        authority(builder::authorityHost, builder::disableInstanceDiscovery);
        if (httpClient != null) {
            builder.httpClient(httpClient);
        }
        return builder.build();
    }

    private TokenCredential workloadIdentity() {
        WorkloadIdentityCredentialBuilder builder = new WorkloadIdentityCredentialBuilder()
                .tenantId(require(Configuration.PROPERTY_AZURE_TENANT_ID))
                .clientId(require(Configuration.PROPERTY_AZURE_CLIENT_ID))
                .tokenFilePath(require("AZURE_FEDERATED_TOKEN_FILE"));
        authority(builder::authorityHost, builder::disableInstanceDiscovery);
        if (httpClient != null) {
            builder.httpClient(httpClient);
        }
        return builder.build();
    }

    /** Applies AZURE_AUTHORITY_HOST; a local authority (the emulator) has no instance discovery. */
    private void authority(java.util.function.Function<String, ?> setAuthority, Runnable disableInstanceDiscovery) {
        String authorityHost = environment.get(Configuration.PROPERTY_AZURE_AUTHORITY_HOST);
        if (authorityHost != null && !authorityHost.isBlank()) {
            setAuthority.apply(authorityHost);
            if (isLocal(authorityHost)) {
                disableInstanceDiscovery.run();
            }
        }
    }

    private static boolean isLocal(String authorityHost) {
        return authorityHost.startsWith("https://127.") || authorityHost.startsWith("https://localhost")
                || authorityHost.startsWith("https://[::1]");
    }

    private String require(String variable) {
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the credential mode needs the environment variable " + variable);
        }
        return value;
    }
}
