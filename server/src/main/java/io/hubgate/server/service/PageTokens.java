package io.hubgate.server.service;

import io.grpc.StatusRuntimeException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * Page tokens bound to the request they continue (AIP-158): opaque to clients, protected by an
 * HMAC-SHA256 under the gateway's key, and valid only for the same method, page size and caller
 * that got them (the query or device they page through is checked by the handler against the
 * request's). Anything else — another caller's token, another page size, an altered, forged or
 * oversized token — is INVALID_ARGUMENT on {@code page_token}.
 *
 * <p>Layout, base64url without padding: {@code version(1) kind(1) page_size(4) text(4+n)
 * upstream(1[+4+n]) offset(4) mac(32)}, the MAC over the caller's binding and everything before
 * it. The caller is in the MAC, not in the token, so a token names no one. The size is checked
 * before anything is decoded, and decoding is a flat read of that layout: nothing in a token can
 * recurse or allocate beyond its cap.
 *
 * <p>The key is per process unless configured ({@code --page-token-key}): replicas behind one
 * load balancer need the same key to honour each other's tokens. Tokens do not expire; IoT Hub's
 * continuation inside them may. Thread-safe.
 */
public final class PageTokens {

    /** The RPC a token pages through: a token of one is refused by another. */
    enum Kind {
        // Codes written into signed tokens: fixed, so that reordering or adding a kind never makes
        // one method's tokens acceptable to another (gateways of two versions share a key).
        QUERY_TWINS(0), LIST_DEVICES(1), LIST_MODULES(2), LIST_JOB_DEVICES(3), LIST_JOBS(4);

        final byte code;

        Kind(int code) {
            this.code = (byte) code;
        }
    }

    /**
     * Where a listing goes on: what it lists (the query, the device id, the job filters), IoT
     * Hub's continuation (or null) and a count to skip.
     */
    record Cursor(String text, String upstream, int offset) {
    }

    private static final byte VERSION = 1;
    private static final int MAC_BYTES = 32;
    /** Query text: at most 8192 chars, at most 3 UTF-8 bytes each. */
    static final int MAX_TEXT_BYTES = 3 * QueryResults.MAX_QUERY_LENGTH;
    /** IoT Hub's continuation tokens are a few hundred bytes; this leaves room to spare. */
    static final int MAX_UPSTREAM_BYTES = 16 * 1024;
    /** The longest token this gateway mints, in characters: refused unread beyond it. */
    static final int MAX_TOKEN_CHARS = (1 + 1 + 4 + 4 + MAX_TEXT_BYTES + 1 + 4 + MAX_UPSTREAM_BYTES + 4 + MAC_BYTES + 2) / 3 * 4;
    private static final String ALGORITHM = "HmacSHA256";
    private static final String UNRECOGNISED = "the page token is not one this gateway gave this caller, or it was altered; "
            + "pass back next_page_token unchanged, as the caller that received it";

    private final SecretKeySpec key;
    private final Supplier<String> caller;

    /**
     * @param key    the HMAC key (at least 32 bytes)
     * @param caller who is calling, read on the calling thread when a request starts
     */
    public PageTokens(byte[] key, Supplier<String> caller) {
        if (key.length < 32) {
            throw new IllegalArgumentException("a page token key needs at least 32 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
        this.caller = caller;
    }

    /** The tokens of one request: its method, page size (as sent) and the current caller. */
    Binding bind(Kind kind, int pageSize) {
        return new Binding(kind, pageSize, caller.get());
    }

    /** Reads and mints the tokens of one request; may be used on any thread once made. */
    final class Binding {
        private final Kind kind;
        private final int pageSize;
        private final byte[] callerBytes;

        private Binding(Kind kind, int pageSize, String caller) {
            this.kind = kind;
            this.pageSize = pageSize;
            this.callerBytes = caller.getBytes(StandardCharsets.UTF_8);
        }

        String mint(Cursor cursor) {
            byte[] text = cursor.text().getBytes(StandardCharsets.UTF_8);
            byte[] upstream = cursor.upstream() == null ? null : cursor.upstream().getBytes(StandardCharsets.UTF_8);
            if (text.length > MAX_TEXT_BYTES || (upstream != null && upstream.length > MAX_UPSTREAM_BYTES)) {
                throw new IllegalStateException("a page position too long for a page token (IoT Hub continuation of "
                        + (upstream == null ? 0 : upstream.length) + " bytes)");
            }
            ByteBuffer body = ByteBuffer.allocate(1 + 1 + 4 + 4 + text.length + 1 + (upstream == null ? 0 : 4 + upstream.length) + 4);
            body.put(VERSION).put(kind.code).putInt(pageSize).putInt(text.length).put(text);
            if (upstream == null) {
                body.put((byte) 0);
            } else {
                body.put((byte) 1).putInt(upstream.length).put(upstream);
            }
            body.putInt(cursor.offset());
            byte[] signed = Arrays.copyOf(body.array(), body.capacity() + MAC_BYTES);
            System.arraycopy(mac(body.array()), 0, signed, body.capacity(), MAC_BYTES);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(signed);
        }

        /** The cursor of a token minted for this request; INVALID_ARGUMENT on {@code field} otherwise. */
        Cursor read(String token, String field) {
            if (token.length() > MAX_TOKEN_CHARS) {
                throw Validation.invalidField(field, "the page token is longer than any this gateway makes");
            }
            byte[] bytes;
            try {
                bytes = Base64.getUrlDecoder().decode(token);
            } catch (IllegalArgumentException notBase64) {
                throw Validation.invalidField(field, UNRECOGNISED);
            }
            if (bytes.length <= MAC_BYTES + 2 || bytes[0] != VERSION) {
                throw Validation.invalidField(field, UNRECOGNISED);
            }
            byte[] body = Arrays.copyOf(bytes, bytes.length - MAC_BYTES);
            if (!MessageDigest.isEqual(mac(body), Arrays.copyOfRange(bytes, body.length, bytes.length))) {
                throw Validation.invalidField(field, UNRECOGNISED);
            }
            Cursor cursor;
            int mintedKind;
            int mintedPageSize;
            try {
                ByteBuffer in = ByteBuffer.wrap(body);
                in.get();
                mintedKind = in.get();
                mintedPageSize = in.getInt();
                String text = string(in, MAX_TEXT_BYTES);
                String upstream = in.get() == 0 ? null : string(in, MAX_UPSTREAM_BYTES);
                cursor = new Cursor(text, upstream, in.getInt());
                if (in.hasRemaining() || cursor.offset() < 0) {
                    throw new IllegalArgumentException("trailing bytes");
                }
            } catch (BufferUnderflowException | IllegalArgumentException malformed) {
                throw Validation.invalidField(field, UNRECOGNISED); // signed but unreadable: another version's layout
            }
            if (mintedKind != kind.code) {
                throw Validation.invalidField(field, "the page token belongs to another method");
            }
            if (mintedPageSize != pageSize) {
                throw Validation.invalidField(field, "the page token was given for page_size " + mintedPageSize
                        + "; keep page_size the same on every page");
            }
            return cursor;
        }

        private byte[] mac(byte[] body) {
            try {
                Mac mac = Mac.getInstance(ALGORITHM);
                mac.init(key);
                mac.update(ByteBuffer.allocate(4).putInt(callerBytes.length).array());
                mac.update(callerBytes);
                return mac.doFinal(body);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every JDK has " + ALGORITHM, e);
            }
        }
    }

    private static String string(ByteBuffer in, int max) {
        int length = in.getInt();
        if (length < 0 || length > max || length > in.remaining()) {
            throw new IllegalArgumentException("bad length");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** An INVALID_ARGUMENT on {@code field} for a token that does not belong with the request's other fields. */
    static StatusRuntimeException mismatch(String field, String what) {
        return Validation.invalidField(field, "the page token belongs to another " + what
                + "; send it with the same request that returned it");
    }
}
