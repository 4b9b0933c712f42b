package io.hubgate.emulator.persist;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only their owner may read, for what the data directory keeps (every key of the hub, the
 * issuer's signing keys, generated client secrets). Where the file system has no POSIX
 * permissions, files get the default ones.
 */
public final class PrivateFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

    /** Creates the directory (and its parents) readable by the owner only, unless it exists. */
    public static void createDirectory(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            Files.createDirectories(directory, attributes(OWNER_ONLY_DIRECTORY));
        }
    }

    /** Creates a new, empty file readable by the owner only. */
    public static Path createFile(Path file) throws IOException {
        return Files.createFile(file, attributes(OWNER_ONLY_FILE));
    }

    /**
     * Replaces the file's content in one step: written beside it, then renamed over it, so a
     * reader (or a crash) sees the old content or the new, never half of it.
     */
    public static void writeAtomically(Path file, byte[] content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.write(createFile(temporary), content);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> permissions) {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
    }
}
