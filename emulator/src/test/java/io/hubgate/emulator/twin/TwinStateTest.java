package io.hubgate.emulator.twin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.json.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Twin merge, replace and metadata rules, with a fixed clock. */
class TwinStateTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2026-01-01T00:01:00.123Z");

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.parse(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void patch_mergesNestedObjects_andNullDeletesRecursively() {
        TwinState twin = TwinState.created(T0, "e0")
                .patch(json("{'a':{'b':1,'c':2}}"), json("{'x':{'y':1,'z':2}}"), T0, "e1")
                .patch(json("{'a':{'c':null,'d':3}}"), json("{'x':{'y':null}}"), T1, "e2");

        assertThat(twin.tags()).isEqualTo(json("{'a':{'b':1,'d':3}}"));
        assertThat(twin.desired().values()).isEqualTo(json("{'x':{'z':2}}"));
        assertThat(twin.version()).isEqualTo(3);
        assertThat(twin.desired().version()).isEqualTo(3);
        assertThat(twin.etag()).isEqualTo("e2");
    }

    @Test
    void patch_updatesMetadataOnlyAlongTheChangedPath() {
        TwinState twin = TwinState.created(T0, "e0")
                .patch(null, json("{'x':{'y':1},'other':5}"), T0, "e1")
                .patch(null, json("{'x':{'y':2}}"), T1, "e2");

        ObjectNode metadata = twin.desired().metadata();
        assertThat(metadata.get("$lastUpdated").textValue()).isEqualTo("2026-01-01T00:01:00.123Z");
        assertThat(metadata.get("$lastUpdatedVersion").intValue()).isEqualTo(3);
        assertThat(metadata.at("/x/y/$lastUpdated").textValue()).isEqualTo("2026-01-01T00:01:00.123Z");
        assertThat(metadata.at("/x/y/$lastUpdatedVersion").intValue()).isEqualTo(3);
        assertThat(metadata.at("/other/$lastUpdated").textValue()).isEqualTo("2026-01-01T00:00:00.000Z");
        assertThat(metadata.at("/other/$lastUpdatedVersion").intValue()).isEqualTo(2);
    }

    @Test
    void deletedProperty_losesItsMetadata() {
        TwinState twin = TwinState.created(T0, "e0")
                .patch(null, json("{'gone':1,'kept':2}"), T0, "e1")
                .patch(null, json("{'gone':null}"), T1, "e2");

        assertThat(twin.desired().metadata().has("gone")).isFalse();
        assertThat(twin.desired().metadata().has("kept")).isTrue();
    }

    @Test
    void replace_dropsWhatIsNotInTheReplacement_andIgnoresNulls() {
        TwinState twin = TwinState.created(T0, "e0")
                .patch(json("{'old':1}"), json("{'old':1}"), T0, "e1")
                .replace(json("{'new':1,'nothing':null}"), json("{'new':2}"), T1, "e2");

        assertThat(twin.tags()).isEqualTo(json("{'new':1}"));
        assertThat(twin.desired().values()).isEqualTo(json("{'new':2}"));
        assertThat(twin.desired().metadata().has("old")).isFalse();
    }

    @Test
    void reportedPatch_bumpsTwinAndReportedVersions_butNotDesired() {
        TwinState twin = TwinState.created(T0, "e0").patchReported(json("{'temp':21.5}"), T1, "e1");

        assertThat(twin.version()).isEqualTo(2);
        assertThat(twin.reported().version()).isEqualTo(2);
        assertThat(twin.desired().version()).isEqualTo(1);
        assertThat(twin.reported().metadata().at("/temp/$lastUpdated").textValue()).isEqualTo("2026-01-01T00:01:00.123Z");
        assertThat(twin.reported().metadata().at("/temp").has("$lastUpdatedVersion")).isFalse();
    }

    @Test
    void earlierStates_neverChange() {
        TwinState before = TwinState.created(T0, "e0").patch(json("{'a':{'b':1}}"), json("{'a':{'b':1}}"), T0, "e1");
        String tagsBefore = before.tags().toString();
        String desiredBefore = before.desired().toWire().toString();

        before.patch(json("{'a':{'b':2}}"), json("{'a':{'b':2}}"), T1, "e2");

        assertThat(before.tags().toString()).isEqualTo(tagsBefore);
        assertThat(before.desired().toWire().toString()).isEqualTo(desiredBefore);
    }

    @Test
    void tagsOver8KB_areRefused() {
        ObjectNode big = Json.object();
        for (int i = 0; i < 3; i++) {
            big.put("k" + i, "v".repeat(3000));
        }

        assertThatThrownBy(() -> TwinState.created(T0, "e0").patch(big, null, T1, "e1"))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("tags would be")
                .hasMessageContaining("8192");
    }

    @Test
    void sizeCountsKeysAndValues_numbersAsEightBooleansAsFour() {
        assertThat(TwinRules.sizeOf(json("{'ab':'xyz','n':1,'t':true,'o':{'p':null}}"))).isEqualTo(2 + 3 + 1 + 8 + 1 + 4 + 1 + 1);
    }
}
