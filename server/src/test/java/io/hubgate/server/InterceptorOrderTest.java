package io.hubgate.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.hubgate.server.auth.AuthorizationInterceptor;
import io.hubgate.server.config.GatewayConfig;
import io.hubgate.server.observability.AccessLogInterceptor;
import io.hubgate.server.observability.RequestIdInterceptor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The fixed order of the API's interceptors, outermost first. */
class InterceptorOrderTest {

    private static final ServerInterceptor AUTHENTICATION = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            return next.startCall(call, headers);
        }
    };

    @Test
    void requestId_accessLog_authentication_authorization() throws Exception {
        GatewayConfig config = GatewayConfig.localDevelopment(0);
        assertThat(Gateway.interceptors(config, config.auth(), AUTHENTICATION))
                .extracting(Object::getClass)
                .containsExactly(RequestIdInterceptor.class, AccessLogInterceptor.class, AUTHENTICATION.getClass(),
                        AuthorizationInterceptor.class);
    }

    @Test
    void insecureNoAuth_hasNeitherAuthenticationNorAuthorization() throws Exception {
        GatewayConfig config = GatewayConfig.localDevelopment(0).withAuth(io.hubgate.server.auth.AuthSettings.insecureNoAuth());
        assertThat(Gateway.interceptors(config, config.auth(), null)).extracting(Object::getClass)
                .containsExactly(RequestIdInterceptor.class, AccessLogInterceptor.class);
    }
}
