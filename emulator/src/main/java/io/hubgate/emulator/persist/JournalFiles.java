package io.hubgate.emulator.persist;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.hubgate.emulator.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file handling a snapshot-plus-journal store shares ({@link StateDirectory} for devices,
 * the job journal for scheduled jobs): replaying a journal of JSON lines that forgives only a
 * torn last line, replacing a snapshot atomically (which makes the journal it folded in
 * obsolete), and opening a journal for appending. It knows nothing of what the lines mean.
 */
public final class JournalFiles {

    private static final Logger LOG = LoggerFactory.getLogger(JournalFiles.class);

    /** Something done with a JSON value that may fail with an I/O error. */
    @FunctionalInterface
    public interface JsonAction<T> {
        void accept(T value) throws IOException;
    }

    private JournalFiles() {
    }

    /**
     * Applies each line of a journal in order. A last line that is not JSON (a write a crash cut
     * short) is skipped with a warning; an unreadable line before the end stops the replay,
     * because skipping it would drop acknowledged changes after it.
     *
     * @return how many changes were applied
     */
    public static int replay(Path journal, JsonAction<JsonNode> apply) throws IOException {
        int replayed = 0;
        try (BufferedReader reader = Files.newBufferedReader(journal, StandardCharsets.UTF_8)) {
            String line;
            boolean torn = false;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                if (torn) {
                    throw new IOException(journal + " has an unreadable line before its end; refusing to drop "
                            + "the acknowledged changes after it");
                }
                JsonNode change;
                try {
                    change = Json.parse(line.getBytes(StandardCharsets.UTF_8));
                } catch (IOException unreadable) {
                    torn = true;
                    continue;
                }
                apply.accept(change);
                replayed++;
            }
            if (torn) {
                LOG.warn("Ignoring an incomplete last journal line in {} (a write interrupted by a crash)", journal);
            }
        }
        LOG.info("Replayed {} journaled changes from {}", replayed, journal);
        return replayed;
    }

    /**
     * Writes {@code directory/snapshot} anew (owner-only, through a temporary file renamed into
     * place atomically), then deletes {@code directory/journal}, whose changes it now holds.
     */
    public static void replaceSnapshot(Path directory, String snapshot, String journal, JsonAction<JsonGenerator> write)
            throws IOException {
        Path temporary = directory.resolve(snapshot + ".tmp");
        Files.deleteIfExists(temporary);
        try (OutputStream out = Files.newOutputStream(PrivateFiles.createFile(temporary));
             JsonGenerator generator = Json.MAPPER.createGenerator(out)) {
            write.accept(generator);
        }
        Files.move(temporary, directory.resolve(snapshot), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(directory.resolve(journal));
    }

    /** Opens a journal for appending, creating it owner-only if it is not there. */
    public static Writer openForAppend(Path journal) throws IOException {
        if (!Files.exists(journal)) {
            PrivateFiles.createFile(journal);
        }
        return Files.newBufferedWriter(journal, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
