package io.hubgate.server.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.server.support.Statuses;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Page tokens on their own: what they carry back, and every way a token can fail to belong. */
class PageTokensTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private final AtomicReference<String> caller = new AtomicReference<>("jwt\u0000alice\u0000t1");
    private final PageTokens tokens = new PageTokens(KEY, caller::get);

    private static String refusal(Runnable read) {
        try {
            read.run();
        } catch (StatusRuntimeException refused) {
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(Statuses.violatedFields(refused)).containsExactly("page_token");
            return refused.getStatus().getDescription();
        }
        throw new AssertionError("expected INVALID_ARGUMENT");
    }

    @Test
    void aToken_carriesItsCursorBack() {
        String token = tokens.bind(PageTokens.Kind.QUERY_TWINS, 10).mint(new PageTokens.Cursor("SELECT * FROM devices WHERE x = 'ü'", "{\"c\":1}", 7));
        PageTokens.Cursor cursor = tokens.bind(PageTokens.Kind.QUERY_TWINS, 10).read(token, "page_token");
        assertThat(cursor).isEqualTo(new PageTokens.Cursor("SELECT * FROM devices WHERE x = 'ü'", "{\"c\":1}", 7));
        String noUpstream = tokens.bind(PageTokens.Kind.LIST_MODULES, 0).mint(new PageTokens.Cursor("dev", null, 0));
        assertThat(tokens.bind(PageTokens.Kind.LIST_MODULES, 0).read(noUpstream, "page_token")).isEqualTo(new PageTokens.Cursor("dev", null, 0));
        assertThat(token).matches("[A-Za-z0-9_-]+").doesNotContain("SELECT");
    }

    @Test
    void aToken_ofAnotherMethodPageSizeOrCaller_isRefused() {
        String token = tokens.bind(PageTokens.Kind.LIST_DEVICES, 5).mint(new PageTokens.Cursor("", "c", 1));
        assertThat(refusal(() -> tokens.bind(PageTokens.Kind.QUERY_TWINS, 5).read(token, "page_token"))).contains("another method");
        assertThat(refusal(() -> tokens.bind(PageTokens.Kind.LIST_DEVICES, 6).read(token, "page_token"))).contains("page_size 5");
        caller.set("jwt\u0000mallory\u0000t1");
        assertThat(refusal(() -> tokens.bind(PageTokens.Kind.LIST_DEVICES, 5).read(token, "page_token"))).contains("not one this gateway gave");
    }

    @Test
    void aToken_underAnotherKey_isRefused_andTheSameKeyAccepts() {
        String token = tokens.bind(PageTokens.Kind.LIST_DEVICES, 5).mint(new PageTokens.Cursor("", "c", 1));
        PageTokens replica = new PageTokens(KEY.clone(), caller::get);
        assertThat(replica.bind(PageTokens.Kind.LIST_DEVICES, 5).read(token, "page_token").offset()).isEqualTo(1);
        byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;
        PageTokens stranger = new PageTokens(otherKey, caller::get);
        refusal(() -> stranger.bind(PageTokens.Kind.LIST_DEVICES, 5).read(token, "page_token"));
    }

    @Test
    void anyAlteredByte_isRefused() {
        String token = tokens.bind(PageTokens.Kind.QUERY_TWINS, 3).mint(new PageTokens.Cursor("SELECT * FROM devices", "up", 2));
        byte[] bytes = Base64.getUrlDecoder().decode(token);
        for (int i = 0; i < bytes.length; i++) {
            byte[] altered = bytes.clone();
            altered[i] ^= 0x20;
            String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
            refusal(() -> tokens.bind(PageTokens.Kind.QUERY_TWINS, 3).read(forged, "page_token"));
        }
        String truncated = Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(bytes, bytes.length - 1));
        refusal(() -> tokens.bind(PageTokens.Kind.QUERY_TWINS, 3).read(truncated, "page_token"));
    }

    @Test
    void garbageOversizedAndShortTokens_areRefusedWithoutParsing() {
        PageTokens.Binding binding = tokens.bind(PageTokens.Kind.QUERY_TWINS, 0);
        assertThat(refusal(() -> binding.read("A".repeat(PageTokens.MAX_TOKEN_CHARS + 1), "page_token"))).contains("longer");
        refusal(() -> binding.read("%%%", "page_token"));
        refusal(() -> binding.read("AQ", "page_token"));
        refusal(() -> binding.read(Base64.getUrlEncoder().withoutPadding().encodeToString("[".repeat(12_000).getBytes()), "page_token"));
        refusal(() -> binding.read(Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[34]), "page_token"));
    }

    @Test
    void theLongestPositionFits_underTheCap() {
        String query = "SELECT * FROM devices WHERE x = '" + "東".repeat(8192 - 40) + "'";
        String token = tokens.bind(PageTokens.Kind.QUERY_TWINS, 1).mint(new PageTokens.Cursor(query, "c".repeat(PageTokens.MAX_UPSTREAM_BYTES), 1));
        assertThat(token.length()).isLessThanOrEqualTo(PageTokens.MAX_TOKEN_CHARS);
        assertThat(tokens.bind(PageTokens.Kind.QUERY_TWINS, 1).read(token, "page_token").text()).isEqualTo(query);
        assertThatThrownBy(() -> tokens.bind(PageTokens.Kind.QUERY_TWINS, 1)
                .mint(new PageTokens.Cursor("q", "c".repeat(PageTokens.MAX_UPSTREAM_BYTES + 1), 0))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theCaps_areExact() {
        PageTokens.Binding binding = tokens.bind(PageTokens.Kind.QUERY_TWINS, 0);
        assertThat(refusal(() -> binding.read("A".repeat(PageTokens.MAX_TOKEN_CHARS), "page_token"))).doesNotContain("longer");
        assertThatThrownBy(() -> binding.mint(new PageTokens.Cursor("q".repeat(PageTokens.MAX_TEXT_BYTES + 1), null, 0)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(binding.read(binding.mint(new PageTokens.Cursor("q".repeat(PageTokens.MAX_TEXT_BYTES), null, 0)), "page_token").text())
                .hasSize(PageTokens.MAX_TEXT_BYTES);
    }

    @Test
    void theCallerIsBoundByItsWholeName() {
        String token = tokens.bind(PageTokens.Kind.LIST_DEVICES, 5).mint(new PageTokens.Cursor("", null, 1));
        caller.set("jwt\u0000alice\u0000t");
        refusal(() -> tokens.bind(PageTokens.Kind.LIST_DEVICES, 5).read(token, "page_token"));
        caller.set("jwt\u0000alicE\u0000t1"); // the same length: the name itself is bound, not only its size
        refusal(() -> tokens.bind(PageTokens.Kind.LIST_DEVICES, 5).read(token, "page_token"));
        caller.set("");
        String anonymous = tokens.bind(PageTokens.Kind.LIST_DEVICES, 5).mint(new PageTokens.Cursor("", null, 1));
        assertThat(tokens.bind(PageTokens.Kind.LIST_DEVICES, 5).read(anonymous, "page_token").offset()).isEqualTo(1);
        assertThat(anonymous).isNotEqualTo(token);
    }

    @Test
    void aKey_shorterThan32Bytes_isRefused() {
        assertThatThrownBy(() -> new PageTokens(new byte[31], () -> "")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new PageTokens(new byte[32], () -> "")).isNotNull();
    }

    @Test
    void aMismatch_namesWhatDiffers() {
        StatusRuntimeException query = PageTokens.mismatch("page_token", "query");
        assertThat(query.getStatus().getDescription()).contains("another query");
        assertThat(Statuses.violatedFields(query)).containsExactly("page_token");
    }

    @SuppressWarnings("unused")
    private static ByteBuffer unused() {
        return null;
    }
}
