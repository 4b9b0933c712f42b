package io.hubgate.emulator.persist;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories only their owner may read, where the file system has POSIX permissions
 * (none elsewhere): what the data directory holds is as secret as the hub's keys.
 */
public final class PrivateFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

    /** Creates the directory (and its parents) readable by the owner only, unless it exists. */
    public static void createDirectory(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            Files.createDirectories(directory, ownerOnly(OWNER_ONLY_DIRECTORY));
        }
    }

    /** Creates a new empty file readable by the owner only. */
    public static Path createFile(Path file) throws IOException {
        return Files.createFile(file, ownerOnly(OWNER_ONLY_FILE));
    }

    private static FileAttribute<?>[] ownerOnly(Set<PosixFilePermission> permissions) {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
    }
}
