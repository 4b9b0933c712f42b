package io.hubgate.server.hub.rest;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.Context;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import io.hubgate.server.hub.HubErrorResponse;
import io.hubgate.server.hub.UpstreamAttempt;
import io.opentelemetry.api.trace.Span;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The controlled upstream path's transport: azure-core's {@link HttpPipeline} over the JDK's
 * {@code java.net.http} client, with the same credential the SDK clients use, and nothing else.
 *
 * <p>Why built by hand rather than with an SDK client builder's defaults: the pipeline has exactly
 * two policies, a fixed {@code User-Agent} and the credential ({@link BearerTokenAuthenticationPolicy}
 * for Entra, {@link SasAuthorizationPolicy} for SAS). There is no azure-core {@code RetryPolicy}:
 * whether to try again is {@link io.hubgate.server.hub.RetryPolicy}'s decision, made with the
 * operation's repeatability, and the hub's {@code Retry-After} is read here and handed up in
 * {@link HubErrorResponse}. The bearer policy does not resend on a 401 unless the hub sends a
 * CAE challenge, which IoT Hub does not.
 *
 * <p>Why the JDK client: measured on GetTwin against the emulator (README, "Benchmarks"), and it
 * never resends a request whose method is not GET or HEAD, unless the JVM is started with
 * {@code jdk.httpclient.enableAllMethodRetry}, which this class refuses. (HttpURLConnection, under
 * the SDK, resends PUT and DELETE after a lost answer; that resend is what turns a create that
 * happened into ALREADY_EXISTS.)
 *
 * <p>Why the client runs with a direct executor and reads each answer whole (measured in
 * {@code bench/PROFILING.md}, "The upstream path's own cost"): a synchronous send is the JDK's
 * {@code sendAsync().get()}; its default executor hands every answer from the selector manager
 * thread to a worker thread, which completes the future the caller waits on, and a streamed body is
 * then handed over again buffer by buffer. With {@code Runnable::run} the selector manager thread
 * completes the future itself (java.net.http runs executor tasks inline unless they come from that
 * thread, so the caller's own thread still writes the request), and with azure-core's
 * eagerly-read flag the future completes only once the body is in, as one byte array. Nothing
 * the selector thread then runs can block: the JDK's byte-array body subscriber only collects,
 * no stage is chained on the future but the caller's wait, and the response timeout is the
 * selector's own timer. What it costs: a new connection's TLS handshake tasks run on the selector
 * thread too (CPU only, once per pooled connection).
 *
 * <p>Each request carries its own response timeout: the time left in the caller's deadline.
 * Thread-safe.
 */
public final class RestTransport {

    /** Entra scope of the IoT Hub data plane. */
    public static final String IOT_HUB_SCOPE = "https://iothubs.azure.net/.default";
    /** Connecting never takes longer than this, as for the SDK clients. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The JDK property that would make java.net.http resend POST, PUT and DELETE on its own. */
    static final String ALL_METHOD_RETRY_PROPERTY = "jdk.httpclient.enableAllMethodRetry";
    private static final String USER_AGENT = "hubgate-gateway";
    /** IoT Hub names the error of a failed request in this header too. */
    private static final HttpHeaderName ERROR_CODE_HEADER = HttpHeaderName.fromString("iothub-errorcode");
    /** Where the next page of a query starts; absent on the last page. */
    static final HttpHeaderName CONTINUATION_HEADER = HttpHeaderName.fromString("x-ms-continuation");
    /** The hub's id of a request, where it answers with one. */
    private static final HttpHeaderName REQUEST_ID_HEADER = HttpHeaderName.X_MS_REQUEST_ID;
    /** The JDK property for how long java.net.http keeps an idle connection (default 1200 s). */
    static final String KEEP_ALIVE_PROPERTY = "jdk.httpclient.keepalive.timeout";
    /**
     * Idle connections are dropped after this many seconds: before the hub's side closes them
     * (the emulator after 30 s, Azure's load balancers after about 4 minutes). A POST or PUT
     * written to a connection the server has closed fails exactly like one whose answer was lost,
     * so a stale pooled connection would turn a bulk request or a direct method into
     * UPSTREAM_OUTCOME_UNKNOWN for nothing. Read once by the JDK, so set before its client loads
     * ({@link #limitIdleConnections}).
     */
    static final String KEEP_ALIVE_SECONDS = "20";

    static {
        limitIdleConnections();
    }

    /**
     * Sets the keep-alive of {@link #KEEP_ALIVE_SECONDS} unless the JVM was started with one. Must
     * run before the JVM's first {@code java.net.http.HttpClient} (azure-identity may build one
     * for the credential, before this class loads): the gateway calls it first thing at start
     * ({@link io.hubgate.server.hub.HubConnection}); this class's loading covers other users.
     */
    public static void limitIdleConnections() {
        if (System.getProperty(KEEP_ALIVE_PROPERTY) == null) {
            System.setProperty(KEEP_ALIVE_PROPERTY, KEEP_ALIVE_SECONDS);
        }
    }

    /**
     * azure-core's flag (its {@code HttpUtils.AZURE_EAGERLY_READ_RESPONSE}, not exported) for a body
     * read whole by the JDK client before {@code sendSync} returns, instead of an InputStream fed
     * buffer by buffer from the selector thread; the per-request timeout is added to it.
     */
    private static final Context READ_WHOLE = new Context("azure-eagerly-read-response", true);

    private final String baseUrl;
    private final HttpPipeline pipeline;

    private RestTransport(String hostName, HttpPipelinePolicy credentialPolicy, SSLContext tls) {
        this(hostName, credentialPolicy, new JdkHttpClientBuilder(jdkClient()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .sslContext(tls))
                .connectionTimeout(CONNECT_TIMEOUT)
                // No separate body-read timeout: azure-core times body reads with its shared
                // executor, which its own shutdown hook stops, so calls still draining after
                // SIGTERM failed with IllegalStateException. The per-request response timeout
                // (the caller's deadline) bounds the wait for the answer; bodies are small JSON.
                .readTimeout(Duration.ZERO)
                .build());
    }

    private RestTransport(String hostName, HttpPipelinePolicy credentialPolicy, HttpClient client) {
        String allMethodRetry = System.getProperty(ALL_METHOD_RETRY_PROPERTY);
        if (allMethodRetry != null && !allMethodRetry.equalsIgnoreCase("false")) {
            throw new IllegalStateException("-D" + ALL_METHOD_RETRY_PROPERTY + " makes the JDK resend creates, deletes "
                    + "and direct methods on its own after a lost answer; start the gateway without it");
        }
        this.baseUrl = "https://" + hostName;
        this.pipeline = new HttpPipelineBuilder()
                .httpClient(client)
                .policies(new com.azure.core.http.policy.AddHeadersPolicy(
                        new com.azure.core.http.HttpHeaders().set(HttpHeaderName.USER_AGENT, USER_AGENT)), credentialPolicy)
                .build();
    }

    /** The JDK client with a direct executor: answers complete on the selector thread (see the class comment). */
    static java.net.http.HttpClient.Builder jdkClient() {
        return java.net.http.HttpClient.newBuilder().executor(Runnable::run);
    }

    public static RestTransport withToken(String hostName, TokenCredential credential, SSLContext tls) {
        return new RestTransport(hostName, new BearerTokenAuthenticationPolicy(credential, IOT_HUB_SCOPE), tls);
    }

    public static RestTransport withSas(String hostName, AzureSasCredential credential, SSLContext tls) {
        return new RestTransport(hostName, new SasAuthorizationPolicy(credential), tls);
    }

    /**
     * The same pipeline on another azure-core HTTP client: for measuring clients against each
     * other (the benchmark's upstream-path cell), never for serving, since only the JDK client's
     * resend behaviour is known here.
     */
    public static RestTransport withSas(String hostName, AzureSasCredential credential, HttpClient client) {
        return new RestTransport(hostName, new SasAuthorizationPolicy(credential), client);
    }

    /**
     * An answer with a 2xx status: its body as text (parsed only by whoever needs it, once), and
     * the {@code x-ms-continuation} header of a query page (null when absent).
     */
    record Answer(int status, String text, String continuation) {
        /** The body as JSON (JSON null when there is none). */
        JsonElement body() {
            return text.isBlank() ? JsonNull.INSTANCE : JsonParser.parseString(text);
        }
    }

    /**
     * Sends one request, once.
     *
     * @param headers extra headers (If-Match …); values are the gateway's own, never raw caller text
     * @param body    the JSON body, or null for none
     * @param timeout how long to wait for the answer
     * @throws HubErrorResponse for an answer with status 300 or more
     * @throws IOException      when no answer came (the request may or may not have reached the hub)
     */
    Answer send(HttpMethod method, HubPath path, Map<String, String> headers, JsonElement body, Duration timeout)
            throws IOException, HubErrorResponse {
        Raw raw = exchange(method, path, headers, body, timeout);
        if (raw.status() >= 300) {
            throw raw.error();
        }
        return new Answer(raw.status(), raw.text(), raw.continuation());
    }

    /** Any answer, error statuses included: for the bulk API, whose 400 can carry per-item results. */
    record Raw(int status, String text, String retryAfter, String errorName, String requestId, String continuation) {
        JsonElement json() {
            return text.isBlank() ? JsonNull.INSTANCE : JsonParser.parseString(text);
        }

        HubErrorResponse error() {
            return RestErrors.of(status, text, retryAfter, errorName);
        }
    }

    /**
     * Sends one request, once, and returns whatever answer came; IOException when none did. Within
     * an upstream attempt, the request is a client span of the caller's trace ({@link UpstreamAttempt}).
     */
    Raw exchange(HttpMethod method, HubPath path, Map<String, String> headers, JsonElement body, Duration timeout)
            throws IOException {
        UpstreamAttempt attempt = UpstreamAttempt.current();
        if (attempt == null) {
            return sendOnce(method, path, headers, body, timeout);
        }
        Span span = attempt.requestSpan(method.name(), path.template());
        Raw raw;
        try {
            raw = sendOnce(method, path, headers, body, timeout);
        } catch (IOException | RuntimeException | Error failure) {
            UpstreamAttempt.failed(span, failure);
            throw failure;
        }
        UpstreamAttempt.answered(span, raw.status(), raw.requestId(), raw.errorName(), raw.status() >= 400 ? raw.text() : null);
        return raw;
    }

    private Raw sendOnce(HttpMethod method, HubPath path, Map<String, String> headers, JsonElement body, Duration timeout)
            throws IOException {
        HttpRequest request = new HttpRequest(method, url(path));
        request.setHeader(HttpHeaderName.ACCEPT, "application/json");
        headers.forEach(request::setHeader);
        if (body != null) {
            request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json; charset=utf-8");
            request.setBody(body.toString().getBytes(StandardCharsets.UTF_8));
            // setBody adds Content-Length, which java.net.http refuses to take from a caller (it
            // computes it from the byte-array body itself): azure-core's JdkHttpClient would drop
            // it with one WARN per request.
            request.getHeaders().remove(HttpHeaderName.CONTENT_LENGTH);
        }
        Context context = READ_WHOLE.addData("azure-response-timeout", timeout);
        try (HttpResponse response = pipeline.sendSync(request, context)) {
            var content = response.getBodyAsBinaryData();
            return new Raw(response.getStatusCode(), content == null ? "" : content.toString(),
                    response.getHeaderValue(HttpHeaderName.RETRY_AFTER), response.getHeaderValue(ERROR_CODE_HEADER),
                    response.getHeaderValue(REQUEST_ID_HEADER), response.getHeaderValue(CONTINUATION_HEADER));
        } catch (RuntimeException failed) {
            throw transportFailure(failed);
        }
    }

    private URL url(HubPath path) {
        try {
            return new URL(baseUrl + path.withApiVersion());
        } catch (MalformedURLException e) {
            throw new IllegalStateException("not a URL: " + baseUrl + path, e);
        }
    }

    /** azure-core wraps the JDK client's IOException; the retry policy and error mapper need it as it was. */
    private static IOException transportFailure(RuntimeException failed) {
        for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException io) {
                return io;
            }
        }
        throw failed;
    }
}
