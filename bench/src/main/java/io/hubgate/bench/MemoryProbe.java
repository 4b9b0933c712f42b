package io.hubgate.bench;

import com.sun.tools.attach.VirtualMachine;

import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A JVM's memory, read from outside: resident set now and at its highest (VmRSS and VmHWM of
 * /proc/&lt;pid&gt;/status, Linux) and heap used, through the JVM's own MemoryMXBean.
 *
 * <p>For another JVM the bean is reached by the attach API: the probe asks the JVM to start its
 * local JMX agent (loopback, in-JVM; it adds a few MB of its own to what is measured, the same for
 * every reading) and connects to it. That is one attach per gateway instead of a jcmd JVM per
 * reading, which would steal a core while the gateway is measured. Not thread-safe.
 */
final class MemoryProbe implements AutoCloseable {

    /** One reading, in bytes; -1 where unavailable. */
    record Reading(long rssBytes, long hwmBytes, long heapUsedBytes) {
        static final long MB = 1024 * 1024;

        long rssMb() {
            return mb(rssBytes);
        }

        long hwmMb() {
            return mb(hwmBytes);
        }

        long heapMb() {
            return mb(heapUsedBytes);
        }

        private static long mb(long bytes) {
            return bytes < 0 ? -1 : bytes / MB;
        }

        /** The larger of each figure. */
        Reading max(Reading other) {
            return new Reading(Math.max(rssBytes, other.rssBytes), Math.max(hwmBytes, other.hwmBytes),
                    Math.max(heapUsedBytes, other.heapUsedBytes));
        }
    }

    private final Path status;
    private final long pid;
    private JMXConnector connector;
    private MemoryMXBean memory;
    private String heapProblem;

    private MemoryProbe(long pid, Path status, MemoryMXBean memory) {
        this.pid = pid;
        this.status = status;
        this.memory = memory;
    }

    /** This JVM. */
    static MemoryProbe self() {
        return new MemoryProbe(ProcessHandle.current().pid(), Path.of("/proc/self/status"), ManagementFactory.getMemoryMXBean());
    }

    /** Another JVM, by process id; the heap bean is connected at the first reading. */
    static MemoryProbe of(long pid) {
        return new MemoryProbe(pid, Path.of("/proc", Long.toString(pid), "status"), null);
    }

    /** RSS, peak RSS and heap used, without collecting garbage: what the process holds right now. */
    Reading read() {
        return new Reading(procStatusBytes("VmRSS"), procStatusBytes("VmHWM"), heapUsed());
    }

    /** As {@link #read()}, after a full GC in that JVM: heap used is then what is live. */
    Reading readAfterGc() {
        MemoryMXBean bean = bean();
        if (bean != null) {
            try {
                bean.gc();
            } catch (RuntimeException e) {
                heapProblem = e.toString();
            }
        }
        return read();
    }

    /** Why the heap reads -1, or null. */
    String heapProblem() {
        return heapProblem;
    }

    private long heapUsed() {
        MemoryMXBean bean = bean();
        if (bean == null) {
            return -1;
        }
        try {
            return bean.getHeapMemoryUsage().getUsed();
        } catch (RuntimeException e) {
            heapProblem = e.toString();
            return -1;
        }
    }

    private MemoryMXBean bean() {
        if (memory == null && heapProblem == null) {
            try {
                VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
                String address;
                try {
                    address = vm.startLocalManagementAgent();
                } finally {
                    vm.detach();
                }
                connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
                memory = ManagementFactory.newPlatformMXBeanProxy(connector.getMBeanServerConnection(),
                        ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
            } catch (Exception | LinkageError e) {
                heapProblem = "cannot attach to pid " + pid + " (" + e + ")";
            }
        }
        return memory;
    }

    private long procStatusBytes(String field) {
        try {
            List<String> lines = Files.readAllLines(status);
            for (String line : lines) {
                if (line.startsWith(field + ":")) {
                    String value = line.substring(field.length() + 1).trim(); // "123456 kB"
                    return Long.parseLong(value.split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        if (connector != null) {
            try {
                connector.close();
            } catch (IOException ignored) {
                // the JVM is going away anyway
            }
        }
    }
}
