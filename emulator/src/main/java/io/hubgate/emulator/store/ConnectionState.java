package io.hubgate.emulator.store;

/** Whether the device side is connected. The Java SDK parses exactly these two spellings. */
public enum ConnectionState {
    Connected, Disconnected
}
