package io.hubgate.server.hub.rest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every id reaches the hub as exactly itself: each path segment percent-encoded once. */
class HubPathTest {

    @Test
    void everyCharacterOutsideTheUnreservedSet_isPercentEncoded() {
        assertThat(HubPath.segment("%72x")).isEqualTo("%2572x");
        assertThat(HubPath.segment("x?api-version=1")).isEqualTo("x%3Fapi-version%3D1");
        assertThat(HubPath.segment("a#b+c;d/e")).isEqualTo("a%23b%2Bc%3Bd%2Fe");
        assertThat(HubPath.segment("q'$(!)*,@:")).isEqualTo("q%27%24%28%21%29%2A%2C%40%3A");
        assertThat(HubPath.segment("AZaz09-._~")).isEqualTo("AZaz09-._~");
        assertThat(HubPath.segment("caf\u00e9")).isEqualTo("caf%C3%A9");
    }

    @Test
    void paths_encodeEachIdAndCarryTheApiVersion() {
        assertThat(HubPath.module("d?1", "m#1").withApiVersion())
                .isEqualTo("/devices/d%3F1/modules/m%231?api-version=" + HubPath.API_VERSION);
        assertThat(HubPath.twin("d", "").toString()).isEqualTo("/twins/d");
        assertThat(HubPath.twin("d", null).toString()).isEqualTo("/twins/d");
        assertThat(HubPath.methods("d", "m").toString()).isEqualTo("/twins/d/modules/m/methods");
        assertThat(HubPath.modules("a/b").toString()).isEqualTo("/devices/a%2Fb/modules");
        assertThat(HubPath.devices().toString()).isEqualTo("/devices");
    }

    @Test
    void templates_nameThePathWithoutAnyId() {
        assertThat(HubPath.device("secret-id").template()).isEqualTo("/devices/{id}");
        assertThat(HubPath.devices().template()).isEqualTo("/devices");
        assertThat(HubPath.modules("secret-id").template()).isEqualTo("/devices/{id}/modules");
        assertThat(HubPath.module("secret-id", "m").template()).isEqualTo("/devices/{id}/modules/{mid}");
        assertThat(HubPath.twin("secret-id", "").template()).isEqualTo("/twins/{id}");
        assertThat(HubPath.twin("secret-id", "m").template()).isEqualTo("/twins/{id}/modules/{mid}");
        assertThat(HubPath.methods("secret-id", null).template()).isEqualTo("/twins/{id}/methods");
        assertThat(HubPath.methods("secret-id", "m").template()).isEqualTo("/twins/{id}/modules/{mid}/methods");
    }
}
