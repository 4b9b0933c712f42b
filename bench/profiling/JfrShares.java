import jdk.jfr.consumer.*;

import java.nio.file.Path;
import java.util.*;

/**
 * Reads a JFR recording of CallCost (or of the benchmark) and attributes CPU samples
 * (jdk.ExecutionSample) and allocation (jdk.ObjectAllocationSample, by weight) of the gateway's
 * threads to what the gateway does per call. A sample belongs to the first frame, walking from the
 * leaf to the root, whose class matches a rule below; generic code (JDK, protobuf, Gson,
 * collections) has no rule, so it is charged to whoever called it.
 *
 * java bench/profiling/JfrShares.java rec.jfr [calls] [--top N]
 */
public class JfrShares {
    static final String[][] RULES = {
            {"io.hubgate.server.observability.AccessLog", "access log"},
            {"org.apache.logging.log4j", "access log"},
            {"org.slf4j", "access log"},
            {"io.hubgate.server.observability.RequestId", "request id"},
            {"io.hubgate.server.observability", "observability (other)"},
            {"io.hubgate.server.hub.UpstreamTelemetry", "OpenTelemetry"},
            {"io.hubgate.server.hub.UpstreamAttempt", "OpenTelemetry"},
            {"io.opentelemetry", "OpenTelemetry"},
            {"io.hubgate.server.RequestGuard", "RequestGuard"},
            {"io.hubgate.server.errors", "errors (GatewayStatus)"},
            {"io.hubgate.server.auth.Jwt", "JWT verification"},
            {"io.hubgate.server.auth.TokenRules", "JWT verification"},
            {"io.hubgate.server.auth.VerifiedTokens", "JWT verification"},
            {"com.nimbusds", "JWT verification"},
            {"io.hubgate.server.auth.AuthorizationInterceptor", "authorization"},
            {"io.hubgate.server.auth.AuthorizationHeader", "authentication (other)"},
            {"io.hubgate.server.auth.AccessPolicy", "authorization"},
            {"io.hubgate.server.auth", "authentication (other)"},
            {"io.hubgate.server.service.TwinJson", "mapping JSON->proto"},
            {"io.hubgate.server.service.IdentityJson", "mapping REST JSON->proto"},
            {"io.hubgate.server.service.StructConverter", "mapping SDK->proto"},
            {"io.hubgate.server.service.Timestamps", "mapping SDK->proto"},
            {"io.hubgate.server.service.Validation", "validation"},
            {"io.hubgate.server.service.TwinChecks", "validation"},
            {"io.hubgate.server.service.Responses", "Responses/guard"},
            {"io.hubgate.server.hub.rest", "controlled path (hub.rest)"},
            {"io.hubgate.server.hub.UpstreamCalls", "upstream hand-off/retry"},
            {"io.hubgate.server.hub.HubClients", "upstream hand-off/retry"},
            {"io.hubgate.server.credential", "hub credential"},
            {"io.hubgate.server.service", "handler"},
            {"com.microsoft.azure.sdk.iot", "SDK call (HTTP, Gson, auth)"},
            {"com.azure.core", "azure-core"},
            {"com.microsoft.aad", "azure-identity"},
            {"com.azure.identity", "azure-identity"},
            {"reactor.", "azure-core"},
            {"sun.security.ssl", "TLS (JDK)"},
            {"jdk.internal.net.http", "JDK HttpClient"},
            {"io.grpc.netty", "gRPC/Netty transport"},
            {"io.grpc.internal.ServerImpl", "gRPC server (call dispatch)"},
            {"io.grpc.internal.ServerCallImpl", "gRPC server (call dispatch)"},
            {"io.grpc.internal.SerializingExecutor", "gRPC server (call dispatch)"},
            {"io.grpc.internal.MessageFramer", "gRPC/Netty transport"},
            {"io.grpc.internal.MessageDeframer", "gRPC/Netty transport"},
            {"io.grpc.protobuf", "gRPC protobuf marshalling"},
            {"io.grpc.Contexts", "gRPC server (call dispatch)"},
            {"io.grpc", "gRPC (other)"},
            {"io.hubgate.emulator", "emulator"},
            {"com.sun.net.httpserver", "emulator"},
            {"sun.net.httpserver", "emulator"},
    };

    static int DEPTH = Integer.getInteger("depth", 4);

    static String group(String thread) {
        if (thread == null) return "?";
        if (thread.startsWith("grpc-default-worker") || thread.startsWith("grpc-nio") || thread.startsWith("grpc-default-boss")) return "gw-netty";
        if (thread.startsWith("grpc-default-executor") || thread.startsWith("grpc-server") || thread.startsWith("grpc-handler")) return "gw-handler";
        if (thread.startsWith("iothub-call") || thread.startsWith("HttpClient-")) return "gw-upstream";
        if (thread.startsWith("Log4j2-")) return "gw-log4j2";
        if (thread.startsWith("iothub-emulator") || thread.startsWith("HTTP-Dispatcher")) return "emulator";
        if (thread.startsWith("direct-")) return "direct-sdk";
        if (thread.startsWith("load-") || thread.equals("main")) return "load";
        return "other";
    }

    static String category(RecordedStackTrace stack) {
        if (stack == null) return "(no stack)";
        for (RecordedFrame frame : stack.getFrames()) {
            String cls = frame.getMethod().getType().getName();
            for (String[] rule : RULES) {
                if (cls.startsWith(rule[0])) return rule[1];
            }
        }
        // JDK only: name the outermost non-Thread frame group
        return "JDK/other";
    }

    static String leaf(RecordedStackTrace stack, int depth) {
        if (stack == null || stack.getFrames().isEmpty()) return "?";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(depth, stack.getFrames().size()); i++) {
            RecordedFrame f = stack.getFrames().get(i);
            if (i > 0) b.append(" < ");
            String cls = f.getMethod().getType().getName();
            b.append(cls.substring(cls.lastIndexOf('.') + 1)).append('.').append(f.getMethod().getName());
        }
        return b.toString();
    }

    public static void main(String[] args) throws Exception {
        long calls = args.length > 1 && !args[1].startsWith("--") ? Long.parseLong(args[1]) : 0;
        int top = 0;
        String only = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--top")) top = Integer.parseInt(args[++i]);
            if (args[i].equals("--only")) only = args[++i];
        }
        Map<String, Map<String, Long>> cpu = new TreeMap<>();
        Map<String, Map<String, Double>> alloc = new TreeMap<>();
        Map<String, Map<String, Long>> cpuLeaves = new HashMap<>();
        Map<String, Map<String, Double>> allocLeaves = new HashMap<>();
        long cpuTotal = 0;
        double allocTotal = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.ExecutionSample")) {
                RecordedThread t = e.getThread("sampledThread");
                String g = group(t == null ? null : t.getJavaName());
                String c = category(e.getStackTrace());
                cpu.computeIfAbsent(g, k -> new TreeMap<>()).merge(c, 1L, Long::sum);
                if (g.startsWith("gw-")) cpu.computeIfAbsent("GATEWAY(all)", k -> new TreeMap<>()).merge(c, 1L, Long::sum);
                if (only == null || c.equals(only)) cpuLeaves.computeIfAbsent(g + " | " + c, k -> new HashMap<>()).merge(leaf(e.getStackTrace(), DEPTH), 1L, Long::sum);
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                RecordedThread t = e.getThread("eventThread");
                String g = group(t == null ? null : t.getJavaName());
                String c = category(e.getStackTrace());
                double w = e.getLong("weight");
                alloc.computeIfAbsent(g, k -> new TreeMap<>()).merge(c, w, Double::sum);
                if (g.startsWith("gw-")) alloc.computeIfAbsent("GATEWAY(all)", k -> new TreeMap<>()).merge(c, w, Double::sum);
                RecordedClass oc = e.getClass("objectClass");
                if (only == null || c.equals(only)) allocLeaves.computeIfAbsent(g + " | " + c, k -> new HashMap<>()).merge(
                        (oc == null ? "?" : oc.getName()) + " @ " + leaf(e.getStackTrace(), 3), w, Double::sum);
            }
        }
        System.out.println("CPU samples (jdk.ExecutionSample) by thread group and category:");
        for (var g : cpu.entrySet()) {
            long sum = g.getValue().values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("  %-14s %6d samples%n", g.getKey(), sum);
            g.getValue().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(c ->
                    System.out.printf("      %-32s %6d  %5.1f%%%n", c.getKey(), c.getValue(), 100.0 * c.getValue() / sum));
        }
        System.out.println("Allocation (jdk.ObjectAllocationSample weight) by thread group and category" + (calls > 0 ? ", bytes per call:" : ", MB:"));
        for (var g : alloc.entrySet()) {
            double sum = g.getValue().values().stream().mapToDouble(Double::doubleValue).sum();
            System.out.printf("  %-14s %10.0f %s%n", g.getKey(), calls > 0 ? sum / calls : sum / 1e6, calls > 0 ? "B/call" : "MB");
            g.getValue().entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).forEach(c ->
                    System.out.printf("      %-32s %10.0f  %5.1f%%%n", c.getKey(), calls > 0 ? c.getValue() / calls : c.getValue() / 1e6, 100.0 * c.getValue() / sum));
        }
        if (top > 0) {
            int n = top;
            System.out.println("Top CPU stacks (leaf first) per group | category:");
            cpuLeaves.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(k -> {
                System.out.println("  " + k.getKey());
                k.getValue().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                        .forEach(l -> System.out.printf("      %5d  %s%n", l.getValue(), l.getKey()));
            });
            System.out.println("Top allocations per group | category:");
            allocLeaves.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(k -> {
                System.out.println("  " + k.getKey());
                k.getValue().entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(n)
                        .forEach(l -> System.out.printf("      %10.0f  %s%n", calls > 0 ? l.getValue() / calls : l.getValue(), l.getKey()));
            });
        }
    }
}
