import jdk.jfr.consumer.*;
import java.nio.file.Path;
import java.util.*;

/**
 * Samples (jdk.ExecutionSample, all threads) whose stack contains a method, grouped by the next
 * {@code depth} frames toward the leaf, per 1000 calls. For drilling into one part of a profile,
 * e.g. the SDK request write: java JfrUnder.java rec.jfr CALLS HttpClient.writeRequests 6
 */
public class JfrUnder {
    public static void main(String[] a) throws Exception {
        long calls = Long.parseLong(a[1]);
        String target = a[2];
        int depth = Integer.parseInt(a[3]);
        Map<String, Integer> parts = new HashMap<>();
        int total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(a[0]))) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) continue;
            List<RecordedFrame> f = e.getStackTrace().getFrames();
            for (int i = f.size() - 1; i >= 0; i--) {
                RecordedMethod m = f.get(i).getMethod();
                String name = m.getType().getName().replaceAll(".*\\.", "") + "." + m.getName();
                if (name.equals(target)) {
                    total++;
                    StringBuilder k = new StringBuilder();
                    for (int j = i - 1; j >= Math.max(0, i - depth); j--) {
                        RecordedMethod c = f.get(j).getMethod();
                        k.append(c.getType().getName().replaceAll(".*\\.", "")).append('.').append(c.getName()).append(" > ");
                    }
                    parts.merge(k.toString(), 1, Integer::sum);
                    break;
                }
            }
        }
        System.out.printf("%s: %d samples (%.1f per 1000 calls)%n", target, total, total * 1000.0 / calls);
        int t = total;
        parts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(12)
                .forEach(p -> System.out.printf("  %6.1f /1000  %5.1f%%  %s%n", p.getValue() * 1000.0 / calls, 100.0 * p.getValue() / t, p.getKey()));
    }
}
