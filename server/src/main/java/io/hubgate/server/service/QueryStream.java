package io.hubgate.server.service;

import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.hubgate.api.v1.QueryResult;
import io.hubgate.server.hub.HubErrorMapper;
import io.hubgate.server.hub.RetryPolicy.Repeatability;
import io.hubgate.server.hub.UpstreamCalls;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Streams every result of a query with flow control: a page is fetched from IoT Hub only when
 * the previous one has been handed to gRPC, and results are handed over only while the
 * caller's stream is ready. A slow reader therefore holds at most one page in memory and no
 * thread; a cancelled stream stops fetching.
 */
final class QueryStream {

    private final UpstreamCalls calls;
    private final ServerCallStreamObserver<QueryResult> observer;
    private final Context context;
    private final boolean twins;
    private final int pageSize;
    private final Deque<QueryResult> pending = new ArrayDeque<>();
    private QueryPager.Position next;
    /** IoT Hub's item size seen so far (0: none yet): later upstream reads are sized by it. */
    private long hubItemBytes;
    private boolean fetching;
    private boolean finished;

    QueryStream(UpstreamCalls calls, ServerCallStreamObserver<QueryResult> observer, String query, int pageSize) {
        this.calls = calls;
        this.observer = observer;
        this.context = Context.current();
        this.twins = QueryResults.selectsTwins(query);
        this.pageSize = pageSize;
        this.next = new QueryPager.Position(query, null, 0);
    }

    void start() {
        observer.setOnReadyHandler(this::drain);
        observer.setOnCancelHandler(() -> {
            synchronized (this) {
                finished = true;
                pending.clear();
            }
        });
        drain();
    }

    private synchronized void drain() {
        if (finished) {
            return;
        }
        while (observer.isReady() && !pending.isEmpty()) {
            observer.onNext(pending.poll());
        }
        if (!pending.isEmpty() || fetching) {
            return;
        }
        if (next == null) {
            finished = true;
            observer.onCompleted();
            return;
        }
        fetch(next);
    }

    private void fetch(QueryPager.Position position) {
        fetching = true;
        long hubItemBytesSeen = hubItemBytes;
        // Run in the call's context so the upstream call sees its deadline and cancellation.
        context.run(() -> calls.submit(Repeatability.REPEATABLE, upstream ->
                QueryPager.read(upstream.rest(), position, pageSize, QueryPager.MAX_ITEM_BYTES,
                        item -> QueryResults.of(item, twins), hubItemBytesSeen)
        ).whenComplete((page, failure) -> {
            synchronized (this) {
                fetching = false;
                if (finished) {
                    return;
                }
                if (failure != null) {
                    finished = true;
                    observer.onError(HubErrorMapper.map(failure));
                    return;
                }
                pending.addAll(page.items());
                next = page.next();
                hubItemBytes = page.hubItemBytes();
            }
            drain();
        }));
    }
}
