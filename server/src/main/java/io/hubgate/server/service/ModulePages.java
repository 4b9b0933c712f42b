package io.hubgate.server.service;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import io.hubgate.api.v1.ListModulesResponse;

import java.util.Comparator;
import java.util.List;

/**
 * Pages over a device's modules. IoT Hub returns all of them (at most 50) in one call; the
 * gateway pages them anyway so ListModules behaves like every other list.
 */
final class ModulePages {

    private ModulePages() {
    }

    /** Where a page of {@code deviceId}'s modules starts: 0, or the offset its token carries. */
    static int offset(PageTokens.Binding binding, String pageToken, String deviceId) {
        if (pageToken.isEmpty()) {
            return 0;
        }
        PageTokens.Cursor cursor = binding.read(pageToken, "page_token");
        if (!cursor.text().equals(deviceId)) {
            throw PageTokens.mismatch("page_token", "device");
        }
        return cursor.offset();
    }

    /** @param modules the device's modules as IoT Hub lists them (JSON); listings never carry keys */
    static ListModulesResponse page(JsonArray modules, PageTokens.Binding binding, String deviceId, int offset, int size) {
        List<io.hubgate.api.v1.Module> sorted = new java.util.ArrayList<>();
        for (JsonElement module : modules) {
            if (module.isJsonObject()) {
                sorted.add(IdentityJson.toModule(module.getAsJsonObject(), false));
            }
        }
        sorted.sort(Comparator.comparing(io.hubgate.api.v1.Module::getModuleId));
        ListModulesResponse.Builder response = ListModulesResponse.newBuilder();
        int end = Math.min(sorted.size(), offset + size);
        for (int i = offset; i < end; i++) {
            response.addModules(sorted.get(i));
        }
        if (end < sorted.size()) {
            response.setNextPageToken(binding.mint(new PageTokens.Cursor(deviceId, null, end)));
        }
        return response.build();
    }
}
