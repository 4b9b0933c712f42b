package io.hubgate.server.hub.rest;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;

/**
 * Puts the current service SAS token in the {@code Authorization} header, as IoT Hub wants it.
 * azure-core's own {@code AzureSasCredentialPolicy} appends the signature to the query string,
 * which IoT Hub does not read. The credential is renewed by its owner; this reads it per request.
 */
final class SasAuthorizationPolicy extends HttpPipelineSyncPolicy {

    private final AzureSasCredential credential;

    SasAuthorizationPolicy(AzureSasCredential credential) {
        this.credential = credential;
    }

    @Override
    protected void beforeSendingRequest(HttpPipelineCallContext context) {
        context.getHttpRequest().setHeader(com.azure.core.http.HttpHeaderName.AUTHORIZATION, credential.getSignature());
    }
}
