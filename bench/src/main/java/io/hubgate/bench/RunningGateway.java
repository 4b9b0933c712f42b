package io.hubgate.bench;

/** A started gateway the bench calls: in its own JVM or in the bench's. Closing stops it. */
interface RunningGateway extends AutoCloseable {

    int port();

    /** Reads this gateway's memory: its process's, or the whole bench JVM's when it runs inside it. */
    MemoryProbe memory();

    /** How it runs, for the output: "own JVM, pid 1234" or "in the bench's JVM". */
    String where();

    @Override
    void close();
}
