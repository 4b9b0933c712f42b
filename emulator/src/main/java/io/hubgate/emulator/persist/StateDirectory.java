package io.hubgate.emulator.persist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.auth.SharedAccessPolicy;
import io.hubgate.emulator.http.AccessRight;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.store.DeviceEntry;
import io.hubgate.emulator.store.DeviceStore;
import io.hubgate.emulator.store.EtagSequence;
import io.hubgate.emulator.store.StoreListener;
import io.hubgate.emulator.store.SymmetricKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the hub's state in a directory across restarts: a snapshot ({@code state.json}) plus a
 * journal ({@code journal.jsonl}) with one line per committed device change.
 *
 * <p>A write is appended to the journal and handed to the operating system before the client
 * gets its answer, so an acknowledged write survives a restart, and a crash of the emulator
 * process too (not a power cut: there is no fsync per write). At start the snapshot is loaded,
 * the journal replayed (a torn last line is ignored), and both are folded into a fresh snapshot;
 * a clean stop does the same. Writes are atomic: a temporary file renamed into place.
 */
public final class StateDirectory implements StoreListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StateDirectory.class);
    private static final int FORMAT_VERSION = 1;

    private final Path directory;
    private final EtagSequence etags;
    private BufferedWriter journal;

    private StateDirectory(Path directory, EtagSequence etags) {
        this.directory = directory;
        this.etags = etags;
    }

    /** What was restored: the policies (null when the directory is new) and the devices. */
    public record Restored(List<SharedAccessPolicy> policies, Map<String, DeviceEntry> devices) {
    }

    /**
     * Opens (or creates) the directory, restores its state into the store, and starts journaling.
     *
     * @param defaultPolicies written to a new directory; an existing one keeps its own (and its keys)
     */
    public static StateDirectory open(Path directory, DeviceStore store, EtagSequence etags,
                                      List<SharedAccessPolicy> defaultPolicies) throws IOException {
        Files.createDirectories(directory);
        StateDirectory state = new StateDirectory(directory, etags);
        Restored restored = state.load();
        store.restore(restored.devices());
        state.policies = restored.policies() == null ? defaultPolicies : restored.policies();
        state.writeSnapshot(store);
        state.openJournal();
        return state;
    }

    private List<SharedAccessPolicy> policies;

    /** The hub's policies: restored from the directory, or the defaults it was created with. */
    public List<SharedAccessPolicy> policies() {
        return policies;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public synchronized void committed(String deviceId, DeviceEntry entry) {
        ObjectNode line = Json.object();
        line.put("d", deviceId);
        line.put("s", etags.current());
        line.set("e", entry == null ? null : EntryCodec.encode(entry));
        try {
            journal.write(Json.text(line));
            journal.newLine();
            journal.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to the journal in " + directory, e);
        }
    }

    /** Folds the journal into a new snapshot; call on a clean stop. */
    public synchronized void checkpoint(DeviceStore store) throws IOException {
        journal.close();
        writeSnapshot(store);
        openJournal();
    }

    @Override
    public synchronized void close() throws IOException {
        journal.close();
    }

    private Restored load() throws IOException {
        Map<String, DeviceEntry> devices = new LinkedHashMap<>();
        List<SharedAccessPolicy> restoredPolicies = null;
        Path snapshot = directory.resolve("state.json");
        if (Files.exists(snapshot)) {
            JsonNode json = Json.parse(Files.readAllBytes(snapshot));
            if (json.path("formatVersion").intValue() != FORMAT_VERSION) {
                throw new IOException(snapshot + " has format version " + json.path("formatVersion")
                        + "; this emulator reads version " + FORMAT_VERSION);
            }
            etags.advanceTo(json.path("etagSequence").longValue());
            restoredPolicies = decodePolicies(json.get("policies"));
            for (JsonNode device : json.path("devices")) {
                DeviceEntry entry = EntryCodec.decode(device);
                devices.put(entry.deviceId(), entry);
            }
        }
        Path journalFile = directory.resolve("journal.jsonl");
        if (Files.exists(journalFile)) {
            int replayed = 0;
            for (String line : Files.readAllLines(journalFile, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode change;
                try {
                    change = Json.parse(line.getBytes(StandardCharsets.UTF_8));
                } catch (IOException torn) {
                    LOG.warn("Ignoring an incomplete last journal line in {}", journalFile);
                    break;
                }
                etags.advanceTo(change.path("s").longValue());
                JsonNode entry = change.get("e");
                if (entry == null || entry.isNull()) {
                    devices.remove(change.get("d").textValue());
                } else {
                    devices.put(change.get("d").textValue(), EntryCodec.decode(entry));
                }
                replayed++;
            }
            LOG.info("Replayed {} journaled changes from {}", replayed, journalFile);
        }
        return new Restored(restoredPolicies, devices);
    }

    private void writeSnapshot(DeviceStore store) throws IOException {
        ObjectNode json = Json.object();
        json.put("formatVersion", FORMAT_VERSION);
        json.put("etagSequence", etags.current());
        json.set("policies", encodePolicies(policies));
        ArrayNode devices = json.putArray("devices");
        for (DeviceEntry entry : store.after(null)) {
            devices.add(EntryCodec.encode(entry));
        }
        Path temporary = directory.resolve("state.json.tmp");
        Files.write(temporary, Json.bytes(json));
        Files.move(temporary, directory.resolve("state.json"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(directory.resolve("journal.jsonl"));
    }

    private void openJournal() throws IOException {
        journal = Files.newBufferedWriter(directory.resolve("journal.jsonl"), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
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
