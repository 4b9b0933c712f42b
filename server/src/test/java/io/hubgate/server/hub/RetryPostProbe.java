package io.hubgate.server.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run in a fresh JVM by {@link RetryPostTest}: POSTs once with HttpURLConnection (what the IoT SDK
 * uses) to a local server that reads each request and closes the connection without answering,
 * and prints how many requests the server received. With {@code load-gateway} as its argument it
 * first loads the gateway's {@link HubConnection}, as the gateway does before its first request.
 */
public final class RetryPostProbe {

    private RetryPostProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("load-gateway")) {
            Class.forName(HubConnection.class.getName());
        }
        AtomicInteger received = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        readRequest(socket.getInputStream());
                        received.incrementAndGet(); // then close: the answer is lost
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            HttpURLConnection post = (HttpURLConnection) new URL("http://127.0.0.1:" + server.getLocalPort() + "/methods").openConnection();
            post.setRequestMethod("POST");
            post.setDoOutput(true);
            post.setReadTimeout(10_000);
            try (OutputStream body = post.getOutputStream()) {
                body.write("{}".getBytes(StandardCharsets.UTF_8));
            }
            try {
                post.getResponseCode();
            } catch (IOException expected) {
                // the connection closed without an answer
            }
        }
        System.out.println("requests=" + received.get());
    }

    /** Reads the head and a Content-Length body. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            head.append((char) c);
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).trim()));
            }
        }
    }
}
