package io.hubgate.bench;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;

/**
 * The official SDK's clients as a typical application builds them: one of each, default
 * options, shared by all its threads (the SDK documents them as thread-safe), with one SAS token.
 */
record DirectClients(TwinClient twins, RegistryClient registry, QueryClient query) {

    static DirectClients withSas(String hostWithPort, AzureSasCredential credential) {
        return new DirectClients(new TwinClient(hostWithPort, credential), new RegistryClient(hostWithPort, credential),
                new QueryClient(hostWithPort, credential));
    }
}
