package io.hubgate.emulator.http;

/** The permissions a shared access policy grants, as IoT Hub names them. */
public enum AccessRight {
    REGISTRY_READ("RegistryRead"),
    REGISTRY_WRITE("RegistryWrite"),
    SERVICE_CONNECT("ServiceConnect"),
    DEVICE_CONNECT("DeviceConnect");

    private final String wireName;

    AccessRight(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
