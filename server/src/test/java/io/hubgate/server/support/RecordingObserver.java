package io.hubgate.server.support;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A client-side stream observer that keeps every message it receives and completes {@link #ended}
 * with the stream's final status (OK on completion), for tests that watch server streams.
 * Thread-safe: messages arrive on gRPC's threads while the test reads them.
 */
public class RecordingObserver<T> implements StreamObserver<T> {

    /** Every message received, in order. */
    public final List<T> received = new CopyOnWriteArrayList<>();
    /** The stream's final status, once it ended. */
    public final CompletableFuture<Status> ended = new CompletableFuture<>();

    @Override
    public void onNext(T message) {
        received.add(message);
    }

    @Override
    public void onError(Throwable failure) {
        ended.complete(Status.fromThrowable(failure));
    }

    @Override
    public void onCompleted() {
        ended.complete(Status.OK);
    }
}
