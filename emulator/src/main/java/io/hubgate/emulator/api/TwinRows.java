package io.hubgate.emulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hubgate.emulator.query.QueryRow;
import io.hubgate.emulator.query.QuerySource;
import io.hubgate.emulator.query.RowSource;
import io.hubgate.emulator.store.AuthenticationMechanism;
import io.hubgate.emulator.store.DeviceEntry;
import io.hubgate.emulator.store.DeviceIdentity;
import io.hubgate.emulator.store.DeviceStore;
import io.hubgate.emulator.store.ModuleEntry;
import io.hubgate.emulator.store.ModuleIdentity;
import io.hubgate.emulator.twin.TwinSection;
import io.hubgate.emulator.twin.TwinState;
import io.hubgate.emulator.twin.TwinTimes;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * Presents the store's twins to the query engine without rendering them: a WHERE clause reads
 * single paths straight from the stored trees, and a whole twin document is built only for
 * rows that are returned. Device rows are keyed by device id; module rows by
 * {@code deviceId/moduleId} ('/' cannot occur in an id), both in store order.
 */
final class TwinRows implements RowSource {

    private final DeviceStore store;

    TwinRows(DeviceStore store) {
        this.store = store;
    }

    @Override
    public Iterable<QueryRow> rowsAfter(QuerySource source, String afterKeyExclusive) {
        return source == QuerySource.DEVICES ? devicesAfter(afterKeyExclusive) : modulesAfter(afterKeyExclusive);
    }

    private Iterable<QueryRow> devicesAfter(String afterKey) {
        return () -> {
            Iterator<DeviceEntry> devices = store.after(afterKey).iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return devices.hasNext();
                }

                @Override
                public QueryRow next() {
                    DeviceEntry entry = devices.next();
                    return new DeviceRow(entry.identity(), entry.twin());
                }
            };
        };
    }

    private Iterable<QueryRow> modulesAfter(String afterKey) {
        String afterDevice;
        String afterModule;
        if (afterKey == null) {
            afterDevice = null;
            afterModule = null;
        } else {
            int slash = afterKey.indexOf('/');
            afterDevice = slash < 0 ? afterKey : afterKey.substring(0, slash);
            afterModule = slash < 0 ? null : afterKey.substring(slash + 1);
        }
        return () -> new ModuleIterator(afterDevice, afterModule);
    }

    /** Walks the modules of every device, resuming inside the device the last page ended in. */
    private final class ModuleIterator implements Iterator<QueryRow> {
        private final Iterator<DeviceEntry> devices;
        private Iterator<ModuleEntry> modules;
        private ModuleEntry next;

        ModuleIterator(String afterDevice, String afterModule) {
            if (afterDevice == null) {
                devices = store.after(null).iterator();
                modules = null;
            } else {
                DeviceEntry resumed = store.get(afterDevice);
                modules = resumed == null ? null
                        : (afterModule == null ? resumed.modules() : resumed.modules().tailMap(afterModule + "\0")).values().iterator();
                devices = store.after(afterDevice).iterator();
            }
            advance();
        }

        private void advance() {
            next = null;
            while (true) {
                if (modules != null && modules.hasNext()) {
                    next = modules.next();
                    return;
                }
                if (!devices.hasNext()) {
                    return;
                }
                modules = devices.next().modules().values().iterator();
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public QueryRow next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            ModuleEntry current = next;
            advance();
            return new ModuleRow(current.identity(), current.twin());
        }
    }

    /** Path resolution shared by device and module rows. */
    private abstract static class TwinRow implements QueryRow {
        final TwinState twin;

        TwinRow(TwinState twin) {
            this.twin = twin;
        }

        /** A root property other than tags and properties, or null when undefined. */
        abstract JsonNode root(String lowerCaseName);

        @Override
        public JsonNode resolve(List<String> path) {
            if (path.isEmpty()) {
                return null;
            }
            String first = path.get(0).toLowerCase(Locale.ROOT);
            JsonNode node;
            int consumed = 1;
            switch (first) {
                case "tags" -> node = twin.tags();
                case "properties" -> {
                    if (path.size() == 1) {
                        return toJson().get("properties");
                    }
                    TwinSection section = switch (path.get(1)) {
                        case "desired" -> twin.desired();
                        case "reported" -> twin.reported();
                        default -> null;
                    };
                    if (section == null) {
                        return null;
                    }
                    consumed = 2;
                    if (path.size() > 2 && path.get(2).equals("$version")) {
                        return path.size() == 3 ? LongNode.valueOf(section.version()) : null;
                    }
                    if (path.size() > 2 && path.get(2).equals("$metadata")) {
                        node = section.metadata();
                        consumed = 3;
                    } else {
                        node = section.values();
                    }
                }
                default -> node = root(first);
            }
            for (int i = consumed; i < path.size() && node != null; i++) {
                node = node.isObject() ? node.get(path.get(i)) : null;
            }
            return node;
        }

        JsonNode common(String name, String etag, String deviceEtag, String connectionState,
                        java.time.Instant lastActivity, int c2d, AuthenticationMechanism auth) {
            return switch (name) {
                case "etag" -> TextNode.valueOf(etag);
                case "deviceetag" -> TextNode.valueOf(deviceEtag);
                case "version" -> LongNode.valueOf(twin.version());
                case "connectionstate" -> TextNode.valueOf(connectionState);
                case "lastactivitytime" -> TextNode.valueOf(TwinTimes.identity(lastActivity));
                case "cloudtodevicemessagecount" -> LongNode.valueOf(c2d);
                case "authenticationtype" -> TextNode.valueOf(auth.type().wireName());
                case "modelid" -> TextNode.valueOf("");
                default -> null;
            };
        }
    }

    private static final class DeviceRow extends TwinRow {
        private final DeviceIdentity device;

        DeviceRow(DeviceIdentity device, TwinState twin) {
            super(twin);
            this.device = device;
        }

        @Override
        JsonNode root(String name) {
            return switch (name) {
                case "deviceid" -> TextNode.valueOf(device.deviceId());
                case "status" -> TextNode.valueOf(device.enabled() ? "enabled" : "disabled");
                case "statusreason" -> device.statusReason() == null ? null : TextNode.valueOf(device.statusReason());
                case "statusupdatetime" -> TextNode.valueOf(TwinTimes.identity(device.statusUpdatedTime()));
                case "capabilities" -> toJson().get("capabilities");
                case "iotedge" -> BooleanNode.valueOf(device.iotEdge());
                default -> common(name, twin.etag(), device.etag(), device.connectionState().name(),
                        device.lastActivityTime(), device.cloudToDeviceMessageCount(), device.authentication());
            };
        }

        @Override
        public ObjectNode toJson() {
            return TwinJson.render(device, twin);
        }

        @Override
        public String key() {
            return device.deviceId();
        }
    }

    private static final class ModuleRow extends TwinRow {
        private final ModuleIdentity module;

        ModuleRow(ModuleIdentity module, TwinState twin) {
            super(twin);
            this.module = module;
        }

        @Override
        JsonNode root(String name) {
            return switch (name) {
                case "deviceid" -> TextNode.valueOf(module.deviceId());
                case "moduleid" -> TextNode.valueOf(module.moduleId());
                case "status" -> TextNode.valueOf("enabled");
                default -> common(name, twin.etag(), module.etag(), module.connectionState().name(),
                        module.lastActivityTime(), module.cloudToDeviceMessageCount(), module.authentication());
            };
        }

        @Override
        public ObjectNode toJson() {
            return TwinJson.render(module, twin);
        }

        @Override
        public String key() {
            return module.deviceId() + "/" + module.moduleId();
        }
    }
}
