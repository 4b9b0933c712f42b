package io.hubgate.emulator.store;

import io.hubgate.emulator.twin.TwinState;

/** A module: its identity record and its twin. Immutable. */
public record ModuleEntry(ModuleIdentity identity, TwinState twin) {

    public ModuleEntry withTwin(TwinState newTwin) {
        return new ModuleEntry(identity, newTwin);
    }

    public ModuleEntry withIdentity(ModuleIdentity newIdentity) {
        return new ModuleEntry(newIdentity, twin);
    }
}
