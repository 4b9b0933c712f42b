package io.hubgate.emulator.persist;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.auth.SharedAccessPolicy;
import io.hubgate.emulator.http.AccessRight;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.store.DeviceEntry;
import io.hubgate.emulator.store.DeviceStore;
import io.hubgate.emulator.store.EtagSequence;
import io.hubgate.emulator.store.StoreListener;
import io.hubgate.emulator.store.SymmetricKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the hub's state in a directory across restarts: a snapshot ({@code state.json}) plus a
 * journal ({@code journal.jsonl}) with one line per device change.
 *
 * <ul>
 *   <li>A change is appended to the journal and handed to the operating system before it is
 *       published and acknowledged, so an acknowledged write survives a restart and a crash of
 *       the emulator process (not a power cut: there is no fsync per write).</li>
 *   <li>If an append fails, the change is cancelled and the journal refuses every later write
 *       (500) until restart: it never acknowledges a write it may have lost.</li>
 *   <li>At start the snapshot is loaded and the journal replayed; only a torn <em>last</em>
 *       line is forgiven, anything unreadable before it stops the start. Both are then folded
 *       into a fresh snapshot, again when the journal passes {@link #CHECKPOINT_JOURNAL_BYTES},
 *       and at a clean stop. Snapshots are streamed and renamed into place atomically.</li>
 *   <li>The directory and its files are readable by the owner only: they hold every key of
 *       the hub. A lock file keeps a second emulator out.</li>
 * </ul>
 */
public final class StateDirectory implements StoreListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StateDirectory.class);
    private static final int FORMAT_VERSION = 1;
    /** Fold the journal into a new snapshot once it is this large, so it never grows unbounded. */
    public static final long CHECKPOINT_JOURNAL_BYTES = 64L * 1024 * 1024;
    private static final String SNAPSHOT = "state.json";
    private static final String JOURNAL = "journal.jsonl";
    private static final String LOCK = ".lock";
    /** Reads one value out of a stream that goes on after it (the shared mapper refuses trailing tokens). */
    private static final ObjectReader SUBTREE = Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path directory;
    private final DeviceStore store;
    private final EtagSequence etags;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private List<SharedAccessPolicy> policies;
    private Writer journal;
    private long journalBytes;
    private IOException journalFailure;

    private StateDirectory(Path directory, DeviceStore store, EtagSequence etags, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.store = store;
        this.etags = etags;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens (or creates) the directory, restores its state into the store, and starts journaling.
     *
     * @param defaultPolicies written to a new directory; an existing one keeps its own (and its keys)
     * @throws IOException when the directory is in use by another emulator or its state is unreadable
     */
    public static StateDirectory open(Path directory, DeviceStore store, EtagSequence etags,
                                      List<SharedAccessPolicy> defaultPolicies) throws IOException {
        PrivateFiles.createDirectory(directory);
        FileChannel lockChannel = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException heldInThisProcess) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new InUseException(directory + " is in use by another emulator");
        }
        StateDirectory state = new StateDirectory(directory, store, etags, lockChannel, lock);
        try {
            List<SharedAccessPolicy> restoredPolicies = state.load();
            state.policies = restoredPolicies == null ? defaultPolicies : restoredPolicies;
            state.writeSnapshot();
            state.openJournal();
            return state;
        } catch (IOException | RuntimeException e) {
            state.releaseLock();
            throw e;
        }
    }

    /** Another emulator (another process, or another instance in this one) holds the directory's lock. */
    public static final class InUseException extends IOException {
        InUseException(String message) {
            super(message);
        }
    }

    /** The hub's policies: restored from the directory, or the defaults it was created with. */
    public List<SharedAccessPolicy> policies() {
        return policies;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public synchronized void committed(String deviceId, DeviceEntry entry, Runnable publish) {
        if (journalFailure != null) {
            throw journalUnavailable();
        }
        try {
            if (journalBytes > CHECKPOINT_JOURNAL_BYTES) {
                checkpointLocked();
            }
            ObjectNode line = Json.object();
            line.put("d", deviceId);
            line.put("s", etags.current());
            line.set("e", entry == null ? null : EntryCodec.encode(entry));
            String text = Json.text(line) + "\n";
            journal.write(text);
            journal.flush();
            journalBytes += text.length();
        } catch (IOException e) {
            journalFailure = e;
            LOG.error("Could not append to the journal in {}; refusing writes until restart", directory, e);
            throw journalUnavailable();
        }
        // Published under this monitor, so a checkpoint never misses a journaled change.
        publish.run();
    }

    /** Folds the journal into a new snapshot; call on a clean stop. */
    public synchronized void checkpoint() throws IOException {
        checkpointLocked();
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            if (journal != null) {
                journal.close();
            }
        } finally {
            releaseLock();
        }
    }

    private void checkpointLocked() throws IOException {
        journal.close();
        writeSnapshot();
        openJournal();
    }

    private HubException journalUnavailable() {
        return new HubException(HubErrorCode.SERVER_ERROR,
                "The emulator cannot save changes (its journal failed); restart it to resume writes");
    }

    private List<SharedAccessPolicy> load() throws IOException {
        Map<String, DeviceEntry> devices = new LinkedHashMap<>();
        List<SharedAccessPolicy> restoredPolicies = null;
        Path snapshot = directory.resolve(SNAPSHOT);
        if (Files.exists(snapshot)) {
            restoredPolicies = readSnapshot(snapshot, devices);
        }
        Path journalFile = directory.resolve(JOURNAL);
        if (Files.exists(journalFile)) {
            replay(journalFile, devices);
        }
        store.restore(devices);
        return restoredPolicies;
    }

    /** Streams the snapshot: one device at a time, never the whole file as one tree. */
    private List<SharedAccessPolicy> readSnapshot(Path snapshot, Map<String, DeviceEntry> devices) throws IOException {
        List<SharedAccessPolicy> restoredPolicies = null;
        try (InputStream in = Files.newInputStream(snapshot); JsonParser parser = Json.MAPPER.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(snapshot + " is not a hub snapshot");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "formatVersion" -> {
                        if (parser.getIntValue() != FORMAT_VERSION) {
                            throw new IOException(snapshot + " has format version " + parser.getIntValue()
                                    + "; this emulator reads version " + FORMAT_VERSION);
                        }
                    }
                    case "etagSequence" -> etags.advanceTo(parser.getLongValue());
                    case "policies" -> restoredPolicies = decodePolicies(SUBTREE.readTree(parser));
                    case "devices" -> {
                        while (parser.nextToken() == JsonToken.START_OBJECT) {
                            DeviceEntry entry = EntryCodec.decode(SUBTREE.readTree(parser));
                            devices.put(entry.deviceId(), entry);
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
        }
        return restoredPolicies;
    }

    private void replay(Path journalFile, Map<String, DeviceEntry> devices) throws IOException {
        JournalFiles.replay(journalFile, change -> {
            etags.advanceTo(change.path("s").longValue());
            JsonNode entry = change.get("e");
            if (entry == null || entry.isNull()) {
                devices.remove(change.get("d").textValue());
            } else {
                devices.put(change.get("d").textValue(), EntryCodec.decode(entry));
            }
        });
    }

    private void writeSnapshot() throws IOException {
        JournalFiles.replaceSnapshot(directory, SNAPSHOT, JOURNAL, generator -> {
            generator.writeStartObject();
            generator.writeNumberField("formatVersion", FORMAT_VERSION);
            generator.writeNumberField("etagSequence", etags.current());
            generator.writeFieldName("policies");
            Json.MAPPER.writeTree(generator, encodePolicies(policies));
            generator.writeArrayFieldStart("devices");
            for (DeviceEntry entry : store.after(null)) {
                Json.MAPPER.writeTree(generator, EntryCodec.encode(entry));
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

    private void releaseLock() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }

    private static ArrayNode encodePolicies(List<SharedAccessPolicy> policies) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (SharedAccessPolicy policy : policies) {
            ObjectNode json = array.addObject();
            json.put("keyName", policy.keyName());
            json.put("primaryKey", policy.keys().primaryKey());
            json.put("secondaryKey", policy.keys().secondaryKey());
            policy.rights().forEach(right -> json.withArray("rights").add(right.name()));
        }
        return array;
    }

    private static List<SharedAccessPolicy> decodePolicies(JsonNode array) {
        if (array == null || !array.isArray()) {
            return null;
        }
        List<SharedAccessPolicy> policies = new ArrayList<>();
        for (JsonNode json : array) {
            EnumSet<AccessRight> rights = EnumSet.noneOf(AccessRight.class);
            json.path("rights").forEach(right -> rights.add(AccessRight.valueOf(right.textValue())));
            policies.add(new SharedAccessPolicy(json.get("keyName").textValue(),
                    new SymmetricKeys(json.get("primaryKey").textValue(), json.get("secondaryKey").textValue()), rights));
        }
        return policies;
    }
}
