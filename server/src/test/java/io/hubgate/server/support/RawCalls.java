package io.hubgate.server.support;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Calls a gateway method with request bytes of the test's choosing, over a real channel: each
 * byte array goes out as one gRPC message (a length-prefixed frame in an HTTP/2 DATA frame) with
 * no protobuf encoding in between, so a test can send what no generated stub would.
 */
public final class RawCalls {

    /** Passes bytes through untouched. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private RawCalls() {
    }

    /** The outcome of one raw call: its status and how many response messages came before it. */
    public record Outcome(Status status, int responses) {
    }

    /**
     * Sends {@code messages} to {@code fullMethodName} (as a bidi call on the wire, so any count
     * can be sent), half-closes, and waits for the status.
     */
    public static Outcome call(Channel channel, String fullMethodName, byte[]... messages) {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName(fullMethodName)
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        ClientCall<byte[], byte[]> call = channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
        CompletableFuture<Status> closed = new CompletableFuture<>();
        int[] responses = {0};
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                responses[0]++;
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status.withCause(new TrailersHolder(trailers)));
            }
        }, new Metadata());
        call.request(Integer.MAX_VALUE);
        for (byte[] message : messages) {
            call.sendMessage(message);
        }
        call.halfClose();
        try {
            return new Outcome(closed.get(40, TimeUnit.SECONDS), responses[0]);
        } catch (Exception e) {
            call.cancel("test gave up", e);
            throw new AssertionError("no status for " + fullMethodName + " in 40 s", e);
        }
    }

    /** The trailers of a raw call's status (carried as its cause, so {@link Outcome} stays one value). */
    public static Metadata trailers(Status status) {
        return status.getCause() instanceof TrailersHolder holder ? holder.trailers : new Metadata();
    }

    private static final class TrailersHolder extends RuntimeException {
        private final transient Metadata trailers;

        TrailersHolder(Metadata trailers) {
            super(null, null, false, false);
            this.trailers = trailers;
        }
    }

    /** Protobuf wire encoding by hand, for messages a builder cannot make (or would recurse to make). */
    public static final class Wire {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Wire bytes(int field, byte[] value) {
            tag(field, 2);
            varint(value.length);
            out.writeBytes(value);
            return this;
        }

        public Wire string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        public Wire raw(byte... value) {
            out.writeBytes(value);
            return this;
        }

        private void tag(int field, int wireType) {
            varint((field << 3) | wireType);
        }

        private void varint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }

        public byte[] toBytes() {
            return out.toByteArray();
        }

        /**
         * A {@code google.protobuf.Struct} nested {@code depth} objects deep ({"a":{"a":…{}}}),
         * built from the inside out without recursion.
         */
        public static byte[] nestedStruct(int depth) {
            byte[] struct = new byte[0];
            for (int i = 0; i < depth; i++) {
                byte[] value = new Wire().bytes(5, struct).toBytes();              // Value.struct_value
                byte[] entry = new Wire().string(1, "a").bytes(2, value).toBytes(); // map entry key, value
                struct = new Wire().bytes(1, entry).toBytes();                      // Struct.fields
            }
            return struct;
        }
    }
}
