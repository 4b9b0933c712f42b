package io.hubgate.emulator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The one HTTP handler: reads the exchange into a {@link HubRequest}, routes it, authenticates
 * it, runs the handler and writes the answer. Every failure becomes an IoT Hub error body here
 * and nowhere else; an unexpected exception is logged (never with the Authorization header)
 * and answered 500 / 500001, so one bad request cannot take the server down.
 */
public final class HubDispatcher implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HubDispatcher.class);

    /** Larger bodies are refused: bulk of 100 devices with keys and twins stays well below. */
    public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private final RouteTable routes;
    private final RequestAuthenticator authenticator;
    private final RequestGate gate;
    private final ErrorResponses errors;
    private final Executor lateAnswers;
    private final RequestCounts counts;

    /**
     * @param lateAnswers writes answers that come later (a direct method's), so that the thread
     *                    completing them (a timer) never does TLS and socket work itself
     */
    public HubDispatcher(RouteTable routes, RequestAuthenticator authenticator, RequestGate gate, ErrorResponses errors,
                         Executor lateAnswers) {
        this(routes, authenticator, gate, errors, lateAnswers, new RequestCounts());
    }

    /** @param counts where each routed request is counted, by operation */
    public HubDispatcher(RouteTable routes, RequestAuthenticator authenticator, RequestGate gate, ErrorResponses errors,
                         Executor lateAnswers, RequestCounts counts) {
        this.counts = counts;
        this.routes = routes;
        this.authenticator = authenticator;
        this.gate = gate;
        this.errors = errors;
        this.lateAnswers = lateAnswers;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        HubResponse response;
        Operation operation = null;
        HubRequest request = null;
        try {
            request = read(exchange);
            RouteTable.Match match = routes.match(request);
            operation = match.operation();
            counts.record(operation);
            response = serve(exchange, request, match);
        } catch (RequestGate.DropConnection drop) {
            // Closing before any status line: the client reads an empty reply (the JDK clients
            // resend once, then fail with "Unexpected end of file from server"). JDK 17's server
            // only closes the socket here and never counts the exchange as finished, so each
            // dropped connection stays in its bookkeeping until the server stops.
            exchange.close();
            return;
        } catch (Exception failure) {
            // Exception, not RuntimeException: a checked exception thrown sneakily by a library
            // must still become an answer, never a silently closed connection.
            response = toErrorResponse(exchange, failure, ErrorBodyForm.of(operation));
        }
        // A dropAfter fault: the handler has run (or its deferred work has started), and the
        // client must now see the connection close with no answer, as after a network failure.
        boolean dropAnswer = request != null && request.responseDropped();
        if (response.later() != null) {
            ErrorBodyForm form = ErrorBodyForm.of(operation);
            response.later().whenCompleteAsync((answer, failure) -> {
                if (dropAnswer) {
                    exchange.close();
                    return;
                }
                try {
                    write(exchange, failure == null ? answer : toErrorResponse(exchange, unwrap(failure), form));
                } catch (IOException clientGone) {
                    LOG.debug("Could not deliver a deferred answer: {}", clientGone.getMessage());
                }
            }, lateAnswers);
            return;
        }
        if (dropAnswer) {
            exchange.close();
            return;
        }
        write(exchange, response);
    }

    /** Authenticates, admits and handles a routed request. */
    private HubResponse serve(HttpExchange exchange, HubRequest request, RouteTable.Match match) {
        authenticator.authenticate(request, match.operation());
        gate.admit(request, match.operation().operationClass());
        if (request.responseDropped() && request.lateHandlingMs() > 0) {
            // A dropAfter fault with a latency: the client loses the connection now, while the
            // hub is still working; the request takes effect later, as a slow hub's would.
            exchange.close();
            pauseBeforeHandling(request.lateHandlingMs());
        }
        return match.handler().handle(request, match.path());
    }

    private static void pauseBeforeHandling(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt(); // the server is stopping; handle the request now
        }
    }

    private HubResponse toErrorResponse(HttpExchange exchange, Throwable failure, ErrorBodyForm form) {
        if (failure instanceof HubException refused) {
            return errors.of(refused, form);
        }
        LOG.error("{} {} failed unexpectedly", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), failure);
        return errors.of(new HubException(HubErrorCode.SERVER_ERROR,
                "The emulator failed to process the request: " + failure.getClass().getSimpleName()), form);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static HubRequest read(HttpExchange exchange) throws IOException {
        byte[] body = readBody(exchange.getRequestBody());
        return new HubRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            in.transferTo(OutputStream.nullOutputStream());
            throw new HubException(HubErrorCode.MESSAGE_TOO_LARGE,
                    "The request body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        return body;
    }

    private static void write(HttpExchange exchange, HubResponse response) throws IOException {
        try (exchange) {
            for (Map.Entry<String, String> header : response.headers().entrySet()) {
                exchange.getResponseHeaders().set(header.getKey(), header.getValue());
            }
            byte[] body = response.body();
            if (body == null) {
                exchange.sendResponseHeaders(response.status(), -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(response.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
