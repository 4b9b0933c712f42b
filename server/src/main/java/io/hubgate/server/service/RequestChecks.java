package io.hubgate.server.service;

import io.hubgate.api.v1.AuthenticationType;
import io.hubgate.api.v1.SymmetricKeys;
import io.hubgate.api.v1.X509Thumbprints;

import java.util.Base64;

/** Validation of identities in create and update requests, shared by single calls and batches. */
final class RequestChecks {

    static final int MIN_KEY_BYTES = 16;
    static final int MAX_KEY_BYTES = 64;

    private RequestChecks() {
    }

    /** A device to create; {@code field} is its path in the request, e.g. "device" or "requests[3].device". */
    static Validation newDevice(io.hubgate.api.v1.Device device, String field) {
        Validation validation = new Validation().id(field + ".device_id", device.getDeviceId(), "device id");
        credentials(validation, field, device.getAuthenticationType(),
                device.hasSymmetricKeys() ? device.getSymmetricKeys() : null,
                device.hasX509Thumbprints() ? device.getX509Thumbprints() : null);
        return validation;
    }

    static Validation newModule(io.hubgate.api.v1.Module module, String field) {
        Validation validation = new Validation()
                .id(field + ".device_id", module.getDeviceId(), "device id")
                .id(field + ".module_id", module.getModuleId(), "module id");
        credentials(validation, field, module.getAuthenticationType(),
                module.hasSymmetricKeys() ? module.getSymmetricKeys() : null,
                module.hasX509Thumbprints() ? module.getX509Thumbprints() : null);
        return validation;
    }

    /** Keys must come as a valid pair (or not at all); self-signed needs a thumbprint. */
    static void credentials(Validation validation, String field, AuthenticationType type, SymmetricKeys keys,
                            X509Thumbprints thumbprints) {
        if (type == AuthenticationType.AUTHENTICATION_TYPE_NONE) {
            validation.add(field + ".authentication_type", "AUTHENTICATION_TYPE_NONE cannot be set; IoT Hub assigns it");
        }
        if (type == AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED) {
            if (thumbprints == null || thumbprints.getPrimaryThumbprint().isEmpty()) {
                validation.add(field + ".x509_thumbprints.primary_thumbprint", "self-signed authentication needs a primary thumbprint");
            } else {
                thumbprint(validation, field + ".x509_thumbprints.primary_thumbprint", thumbprints.getPrimaryThumbprint());
                if (!thumbprints.getSecondaryThumbprint().isEmpty()) {
                    thumbprint(validation, field + ".x509_thumbprints.secondary_thumbprint", thumbprints.getSecondaryThumbprint());
                }
            }
        } else if (thumbprints != null && !thumbprints.getPrimaryThumbprint().isEmpty()) {
            validation.add(field + ".x509_thumbprints", "thumbprints apply only to AUTHENTICATION_TYPE_SELF_SIGNED");
        }
        if (keys != null && (!keys.getPrimaryKey().isEmpty() || !keys.getSecondaryKey().isEmpty())) {
            if (type != AuthenticationType.AUTHENTICATION_TYPE_SAS && type != AuthenticationType.AUTHENTICATION_TYPE_UNSPECIFIED) {
                validation.add(field + ".symmetric_keys", "symmetric keys apply only to AUTHENTICATION_TYPE_SAS");
            } else {
                key(validation, field + ".symmetric_keys.primary_key", keys.getPrimaryKey());
                key(validation, field + ".symmetric_keys.secondary_key", keys.getSecondaryKey());
            }
        }
    }

    private static void key(Validation validation, String field, String key) {
        if (key.isEmpty()) {
            validation.add(field, "both keys are needed, or neither (then IoT Hub's SDK generates them)");
            return;
        }
        try {
            int length = Base64.getDecoder().decode(key).length;
            if (length < MIN_KEY_BYTES || length > MAX_KEY_BYTES) {
                validation.add(field, "the key decodes to " + length + " bytes; keys are " + MIN_KEY_BYTES + " to "
                        + MAX_KEY_BYTES + " bytes");
            }
        } catch (IllegalArgumentException notBase64) {
            validation.add(field, "the key is not valid base64");
        }
    }

    private static void thumbprint(Validation validation, String field, String thumbprint) {
        boolean hex = thumbprint.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
        if (!hex || (thumbprint.length() != 40 && thumbprint.length() != 64)) {
            validation.add(field, "a thumbprint is 40 (SHA-1) or 64 (SHA-256) hexadecimal digits");
        }
    }
}
