package io.hubgate.emulator.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes etags and generation ids. One hub-wide counter guarantees that no two writes ever
 * produce the same etag, even for a device deleted and created again under the same id.
 * The spellings copy the service: identity etags are the base64 of an ASCII decimal number,
 * twin etags the base64 of an 8-byte big-endian counter.
 */
public final class EtagSequence {

    private final AtomicLong counter;

    public EtagSequence(long start) {
        this.counter = new AtomicLong(start);
    }

    public String nextIdentityEtag() {
        return Base64.getEncoder().encodeToString(
                Long.toString(counter.incrementAndGet()).getBytes(StandardCharsets.US_ASCII));
    }

    public String nextTwinEtag() {
        return Base64.getEncoder().encodeToString(
                ByteBuffer.allocate(Long.BYTES).putLong(counter.incrementAndGet()).array());
    }

    /** A generation id distinguishes a device from an earlier one with the same id: 18 digits, like the hub's. */
    public String nextGenerationId() {
        return String.format("%018d", 636_000_000_000_000_000L + counter.incrementAndGet());
    }

    /** The last value handed out, for persistence. */
    public long current() {
        return counter.get();
    }

    /** Never goes backwards: used when restoring state whose etags were made by an earlier run. */
    public void advanceTo(long value) {
        counter.accumulateAndGet(value, Math::max);
    }
}
