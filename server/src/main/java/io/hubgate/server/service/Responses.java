package io.hubgate.server.service;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hubgate.server.hub.HubErrorMapper;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Ends a unary gRPC call with the outcome of an upstream call: the mapped result, or the one
 * status {@link HubErrorMapper} makes of the failure. A call the caller already cancelled gets
 * nothing (gRPC would refuse it anyway).
 */
final class Responses {

    private Responses() {
    }

    /**
     * Runs a handler's synchronous part (validation, then submitting the upstream call): a
     * request refused there ends the call with that status instead of escaping to gRPC.
     */
    static void guard(StreamObserver<?> observer, Runnable handler) {
        try {
            handler.run();
        } catch (io.grpc.StatusRuntimeException refused) {
            observer.onError(refused);
        }
    }

    static <T, R> void complete(CompletableFuture<T> upstream, Function<T, R> toResponse, StreamObserver<R> observer) {
        upstream.whenComplete((result, failure) -> {
            if (observer instanceof ServerCallStreamObserver<R> call && call.isCancelled()) {
                return;
            }
            if (failure != null) {
                observer.onError(HubErrorMapper.map(failure));
                return;
            }
            R response;
            try {
                response = toResponse.apply(result);
            } catch (RuntimeException mappingFailed) {
                observer.onError(HubErrorMapper.map(new CompletionException(mappingFailed)));
                return;
            }
            observer.onNext(response);
            observer.onCompleted();
        });
    }
}
