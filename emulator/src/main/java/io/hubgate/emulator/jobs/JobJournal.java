package io.hubgate.emulator.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.persist.JournalFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps scheduled jobs across restarts in the emulator's data directory, the way the device
 * state is kept: a snapshot ({@code jobs.json}) and a journal ({@code jobs-journal.jsonl}) with
 * one line per change of a job or a device entry, handed to the operating system before the
 * change is published. A torn last line is forgiven at start; anything else unreadable stops it.
 * The journal is folded into a new snapshot at start, past {@link #CHECKPOINT_JOURNAL_BYTES}
 * and at a clean stop. If an append fails, every later change is refused (500) until restart.
 *
 * <p>It relies on the device state's directory lock: it only opens a directory that
 * {@link io.hubgate.emulator.persist.StateDirectory} holds. Thread-safe (its monitor).
 */
public final class JobJournal implements JobStore.Listener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobJournal.class);
    private static final int FORMAT_VERSION = 1;
    static final long CHECKPOINT_JOURNAL_BYTES = 64L * 1024 * 1024;
    private static final String SNAPSHOT = "jobs.json";
    private static final String JOURNAL = "jobs-journal.jsonl";

    private final Path directory;
    private final JobStore store;
    private Writer journal;
    private long journalBytes;
    private IOException failure;

    private JobJournal(Path directory, JobStore store) {
        this.directory = directory;
        this.store = store;
    }

    /** Restores the directory's jobs into the store and starts journaling its changes. */
    public static JobJournal open(Path directory, JobStore store) throws IOException {
        JobJournal journal = new JobJournal(directory, store);
        journal.load();
        journal.writeSnapshot();
        journal.openJournal();
        store.setListener(journal);
        return journal;
    }

    @Override
    public synchronized void jobChanged(String jobId, ScheduledJob job) {
        ObjectNode line = Json.object();
        if (job == null) {
            line.put("r", jobId);
        } else {
            line.set("j", JobCodec.encode(job));
        }
        append(line);
    }

    @Override
    public synchronized void deviceJobChanged(DeviceJob entry) {
        ObjectNode line = Json.object();
        line.set("d", JobCodec.encode(entry));
        append(line);
    }

    /** Folds the journal into a new snapshot; call on a clean stop. */
    public synchronized void checkpoint() throws IOException {
        journal.close();
        writeSnapshot();
        openJournal();
    }

    @Override
    public synchronized void close() throws IOException {
        if (journal != null) {
            journal.close();
            journal = null;
        }
    }

    private void append(ObjectNode line) {
        if (failure != null) {
            throw unavailable();
        }
        try {
            if (journalBytes > CHECKPOINT_JOURNAL_BYTES) {
                checkpoint();
            }
            String text = Json.text(line) + "\n";
            journal.write(text);
            journal.flush();
            journalBytes += text.length();
        } catch (IOException e) {
            failure = e;
            LOG.error("Could not append to the job journal in {}; refusing job changes until restart", directory, e);
            throw unavailable();
        }
    }

    private HubException unavailable() {
        return new HubException(HubErrorCode.SERVER_ERROR,
                "The emulator cannot save job changes (its journal failed); restart it to resume");
    }

    private void load() throws IOException {
        Map<String, ScheduledJob> jobs = new LinkedHashMap<>();
        Map<String, DeviceJob> entries = new LinkedHashMap<>();
        Path snapshot = directory.resolve(SNAPSHOT);
        if (Files.exists(snapshot)) {
            JsonNode root = Json.parse(Files.readAllBytes(snapshot));
            if (root.path("formatVersion").intValue() != FORMAT_VERSION) {
                throw new IOException(snapshot + " has format version " + root.path("formatVersion")
                        + "; this emulator reads version " + FORMAT_VERSION);
            }
            root.path("jobs").forEach(json -> {
                ScheduledJob job = JobCodec.decodeJob(json);
                jobs.put(job.jobId(), job);
            });
            root.path("deviceJobs").forEach(json -> {
                DeviceJob entry = JobCodec.decodeEntry(json);
                entries.put(entry.key(), entry);
            });
        }
        Path journalFile = directory.resolve(JOURNAL);
        if (Files.exists(journalFile)) {
            replay(journalFile, jobs, entries);
        }
        store.restore(jobs.values(), entries.values());
    }

    private static void replay(Path file, Map<String, ScheduledJob> jobs, Map<String, DeviceJob> entries) throws IOException {
        JournalFiles.replay(file, change -> {
            if (change.has("j")) {
                ScheduledJob job = JobCodec.decodeJob(change.get("j"));
                jobs.put(job.jobId(), job);
            } else if (change.has("d")) {
                DeviceJob entry = JobCodec.decodeEntry(change.get("d"));
                entries.put(entry.key(), entry);
            } else if (change.has("r")) {
                String jobId = change.get("r").textValue();
                jobs.remove(jobId);
                entries.keySet().removeIf(key -> key.startsWith(jobId + "/"));
            }
        });
    }

    private void writeSnapshot() throws IOException {
        JournalFiles.replaceSnapshot(directory, SNAPSHOT, JOURNAL, generator -> {
            generator.writeStartObject();
            generator.writeNumberField("formatVersion", FORMAT_VERSION);
            generator.writeArrayFieldStart("jobs");
            for (ScheduledJob job : store.jobs()) {
                Json.MAPPER.writeTree(generator, JobCodec.encode(job));
            }
            generator.writeEndArray();
            generator.writeArrayFieldStart("deviceJobs");
            for (DeviceJob entry : store.deviceJobsAfter(null)) {
                Json.MAPPER.writeTree(generator, JobCodec.encode(entry));
            }
            generator.writeEndArray();
            generator.writeEndObject();
        });
    }

    private void openJournal() throws IOException {
        Path file = directory.resolve(JOURNAL);
        journal = JournalFiles.openForAppend(file);
        journalBytes = Files.size(file);
    }
}
