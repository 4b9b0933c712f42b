package io.hubgate.emulator.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTPS listener: the JDK's HttpsServer with keep-alive, TCP_NODELAY and a fixed pool of
 * worker threads. It knows nothing of IoT Hub; each request goes to the handler of its longest
 * matching path prefix.
 */
public final class HubHttpServer implements AutoCloseable {

    static {
        // Without TCP_NODELAY the JDK server adds ~40 ms (Nagle + delayed ACK) to every
        // keep-alive response. The property is read once, when the server classes first load.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Seconds in-flight requests get to finish when the server stops. */
    public static final int STOP_GRACE_SECONDS = 2;

    private final HttpsServer server;
    private final ExecutorService workers;

    /**
     * @param contexts      handlers by path prefix; the longest matching prefix wins, so "/" takes
     *                      whatever no other prefix claims
     * @param workerThreads requests served at once; more wait in an unbounded queue, because a
     *                      refused request would be a dropped connection the client cannot
     *                      tell from a network fault
     */
    public HubHttpServer(String bindAddress, int port, SSLContext tls, Map<String, ? extends HttpHandler> contexts,
                         int workerThreads) throws IOException {
        server = HttpsServer.create(new InetSocketAddress(bindAddress, port), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        AtomicInteger threadNumber = new AtomicInteger();
        workers = new ThreadPoolExecutor(workerThreads, workerThreads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "iothub-emulator-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        server.setExecutor(workers);
        contexts.forEach(server::createContext);
    }

    /** Adds a handler for a path prefix before {@link #start()}, e.g. one that needs {@link #port()} to be built. */
    public void addContext(String pathPrefix, HttpHandler handler) {
        server.createContext(pathPrefix, handler);
    }

    /** The worker pool, also used to deliver answers that come later (direct methods). */
    public Executor workers() {
        return workers;
    }

    public void start() {
        server.start();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(STOP_GRACE_SECONDS);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
