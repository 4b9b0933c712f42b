package io.hubgate.server;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gateway-wide budget of request bytes held at once: a request takes its wire size from the
 * budget before it is parsed and gives it back when its call ends. Per-method size limits
 * ({@code RequestSizeLimits}) bound one request; this bounds them all together, since every
 * handler thread (and every queued call) may hold a parsed request of its method's largest size,
 * and a parsed {@code Struct} of tiny entries takes about {@value #HEAP_BYTES_PER_WIRE_BYTE} heap
 * bytes per wire byte (measured: a 4.16 MB request of 285,000 null entries holds about 50 MB).
 *
 * <p>The budget follows the heap instead of an option: a quarter of the maximum heap, divided by
 * that expansion (4 MiB of requests for the launcher's {@code -Xmx192m}), and never less than the
 * largest single request, so any legal request is admitted when the gateway is otherwise idle.
 * An operator who raises {@code -Xmx} raises it with the heap. Over budget, a call is refused
 * RESOURCE_EXHAUSTED with a RetryInfo, as the bounded handler pool refuses calls.
 *
 * <p>Not a heap accounting: answers, upstream reads and the gateway's own state are bounded
 * elsewhere. Thread-safe, lock-free.
 */
final class RequestBudget {

    /** Heap bytes a parsed request may take per wire byte, at worst. */
    static final int HEAP_BYTES_PER_WIRE_BYTE = 12;
    /** The share of the heap requests being handled may take. */
    static final int HEAP_SHARE_DIVISOR = 4;

    private final long capacity;
    private final AtomicLong held = new AtomicLong();

    RequestBudget(long capacity) {
        this.capacity = capacity;
    }

    /** The budget for this JVM's maximum heap, at least {@code largestRequest}. */
    static RequestBudget forHeap(long maxHeapBytes, int largestRequest) {
        return new RequestBudget(Math.max(largestRequest, maxHeapBytes / HEAP_SHARE_DIVISOR / HEAP_BYTES_PER_WIRE_BYTE));
    }

    long capacity() {
        return capacity;
    }

    /** Takes {@code bytes} from the budget; null when that would exceed it. */
    Lease tryTake(long bytes) {
        while (true) {
            long now = held.get();
            if (now + bytes > capacity) {
                return null;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return new Lease(bytes);
            }
        }
    }

    /** Bytes taken by one request; giving them back twice gives them back once. */
    final class Lease {
        private final long bytes;
        private final AtomicBoolean returned = new AtomicBoolean();

        private Lease(long bytes) {
            this.bytes = bytes;
        }

        void giveBack() {
            if (returned.compareAndSet(false, true)) {
                held.addAndGet(-bytes);
            }
        }
    }
}
