package io.manchete.gateway.cache;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * One cached page or fragment, stored in Infinispan as compact bytes (no JSON): status, when it was
 * stored, its freshness (max-age, stale-while-revalidate, stale-if-error, in seconds), content type,
 * ETag, title (fragments), {@code Surrogate-Key} and, per tag, the version it was built from, then the
 * body bytes. A page hit writes the body straight from these bytes (no copy, no String).
 *
 * <pre>
 * u8 format(1) | u16 status | i64 storedAt (epoch ms) | i32 maxAge | i32 swr | i32 sie
 * | str contentType | str etag | str title | str surrogateKey
 * | u16 tagCount | tagCount × (str tag, str version) | i32 bodyLength | body
 * str = u16 length + UTF-8 bytes
 * </pre>
 *
 * Instances are immutable (but for a hint kept for {@link LastGoodPages}); {@link #encoded()} is the stored form and must not be changed (the near
 * cache hands the same array to every reader).
 */
public final class CacheEntry {
    static final byte FORMAT = 1;
    private static final String[] NONE = new String[0];

    private final byte[] raw;
    private final int status;
    private final long storedAt;
    private final int maxAge;
    private final int staleWhileRevalidate;
    private final int staleIfError;
    private final String contentType;
    private final String etag;
    private final String title;
    private final String surrogateKey;
    private final String[] tags;
    private final String[] versions;
    private final int bodyOffset;
    private final int bodyLength;
    private String bodyText;
    /** A hint for {@link LastGoodPages}: this instance is its copy (racy by design: a stale hint costs one look-up). */
    private volatile boolean keptAsLastGood;
    /** {@link DecodedEntries}' second chance: read since it was placed in its slot (racy by design). */
    private boolean readSincePlaced;
    /** {@link NearCacheChanges#stamp(CacheEntry)} of the last check that found every tag version current (see {@link TagVersions#current}). */
    private volatile long currentAt = NearCacheChanges.NONE;

    private CacheEntry(byte[] raw, int status, long storedAt, int maxAge, int staleWhileRevalidate, int staleIfError,
                       String contentType, String etag, String title, String surrogateKey, String[] tags,
                       String[] versions, int bodyOffset, int bodyLength) {
        this.raw = raw;
        this.status = status;
        this.storedAt = storedAt;
        this.maxAge = maxAge;
        this.staleWhileRevalidate = staleWhileRevalidate;
        this.staleIfError = staleIfError;
        this.contentType = contentType;
        this.etag = etag;
        this.title = title;
        this.surrogateKey = surrogateKey;
        this.tags = tags;
        this.versions = versions;
        this.bodyOffset = bodyOffset;
        this.bodyLength = bodyLength;
    }

    /**
     * Encodes a new entry. {@code versions} maps each tag to the version it was built from (its
     * iteration order is kept, and the tags joined by spaces are the {@code Surrogate-Key}).
     *
     * @throws IllegalArgumentException when a string is longer than 65535 bytes
     */
    public static CacheEntry create(int status, long storedAt, int maxAge, int staleWhileRevalidate, int staleIfError,
                                    String contentType, String etag, String title, Map<String, String> versions,
                                    byte[] body) {
        String[] tags = versions.keySet().toArray(NONE);
        String[] tagVersions = new String[tags.length];
        for (int i = 0; i < tags.length; i++) {
            tagVersions[i] = versions.get(tags[i]);
        }
        String surrogateKey = String.join(" ", tags);
        byte[][] strings = new byte[4 + 2 * tags.length][];
        strings[0] = utf8(contentType);
        strings[1] = utf8(etag);
        strings[2] = utf8(title);
        strings[3] = utf8(surrogateKey);
        for (int i = 0; i < tags.length; i++) {
            strings[4 + 2 * i] = utf8(tags[i]);
            strings[5 + 2 * i] = utf8(tagVersions[i]);
        }
        int size = 1 + 2 + 8 + 4 * 3 + 2 + 4 + body.length;
        for (byte[] string : strings) {
            if (string.length > 0xffff) {
                throw new IllegalArgumentException("cache entry field longer than 65535 bytes");
            }
            size += 2 + string.length;
        }
        byte[] raw = new byte[size];
        int at = 0;
        raw[at++] = FORMAT;
        at = putShort(raw, at, status);
        at = putLong(raw, at, storedAt);
        at = putInt(raw, at, maxAge);
        at = putInt(raw, at, staleWhileRevalidate);
        at = putInt(raw, at, staleIfError);
        for (int i = 0; i < 4; i++) {
            at = putString(raw, at, strings[i]);
        }
        at = putShort(raw, at, tags.length);
        for (int i = 4; i < strings.length; i++) {
            at = putString(raw, at, strings[i]);
        }
        at = putInt(raw, at, body.length);
        System.arraycopy(body, 0, raw, at, body.length);
        return new CacheEntry(raw, status, storedAt, maxAge, staleWhileRevalidate, staleIfError,
                nullIfEmpty(contentType), nullIfEmpty(etag), nullIfEmpty(title), surrogateKey, tags, tagVersions,
                at, body.length);
    }

    /** The entry in {@code raw}, or {@code null} when it is not one (another format, truncated). */
    public static CacheEntry decode(byte[] raw) {
        if (raw == null || raw.length < 1 || raw[0] != FORMAT) {
            return null;
        }
        try {
            Reader in = new Reader(raw);
            int status = in.u16();
            long storedAt = in.i64();
            int maxAge = in.i32();
            int swr = in.i32();
            int sie = in.i32();
            String contentType = in.string();
            String etag = in.string();
            String title = in.string();
            String surrogateKey = in.string();
            int count = in.u16();
            String[] tags = count == 0 ? NONE : new String[count];
            String[] versions = count == 0 ? NONE : new String[count];
            for (int i = 0; i < count; i++) {
                tags[i] = in.string();
                versions[i] = in.string();
            }
            int bodyLength = in.i32();
            if (bodyLength < 0 || in.at + bodyLength != raw.length) {
                return null;
            }
            return new CacheEntry(raw, status, storedAt, maxAge, swr, sie, nullIfEmpty(contentType),
                    nullIfEmpty(etag), nullIfEmpty(title), surrogateKey, tags, versions, in.at, bodyLength);
        } catch (ArrayIndexOutOfBoundsException truncated) {
            return null;
        }
    }

    public byte[] encoded() {
        return raw;
    }

    boolean keptAsLastGood() {
        return keptAsLastGood;
    }

    void keptAsLastGood(boolean kept) {
        keptAsLastGood = kept;
    }

    public int status() {
        return status;
    }

    public long storedAt() {
        return storedAt;
    }

    public int maxAge() {
        return maxAge;
    }

    public int staleWhileRevalidate() {
        return staleWhileRevalidate;
    }

    public int staleIfError() {
        return staleIfError;
    }

    public String contentType() {
        return contentType;
    }

    public String etag() {
        return etag;
    }

    public String title() {
        return title;
    }

    /** The tags, space-separated ({@code ""} when none). */
    public String surrogateKey() {
        return surrogateKey;
    }

    public int tagCount() {
        return tags.length;
    }

    public String tag(int i) {
        return tags[i];
    }

    public String version(int i) {
        return versions[i];
    }

    void read() {
        if (!readSincePlaced) {
            readSincePlaced = true;
        }
    }

    boolean readSincePlaced() {
        return readSincePlaced;
    }

    void placed() {
        readSincePlaced = false;
    }

    long currentAt() {
        return currentAt;
    }

    void currentAt(long stamp) {
        currentAt = stamp;
    }

    public String[] tags() {
        return tags.clone();
    }

    /** The body, sharing this entry's bytes (read-only use). */
    public Buffer body() {
        return Buffer.buffer(Unpooled.wrappedBuffer(raw, bodyOffset, bodyLength));
    }

    /** The body as text, decoded once per instance (a fragment kept in {@code DecodedEntries} is read many times). */
    public String bodyString() {
        String text = bodyText;
        if (text == null) {
            text = new String(raw, bodyOffset, bodyLength, StandardCharsets.UTF_8);
            bodyText = text; // racy on purpose: a String is safe to publish, a lost write decodes once more
        }
        return text;
    }

    public byte[] bodyBytes() {
        return Arrays.copyOfRange(raw, bodyOffset, bodyOffset + bodyLength);
    }

    public long ageMillis(long now) {
        return Math.max(0, now - storedAt);
    }

    /** Within max-age. */
    public boolean fresh(long now) {
        return ageMillis(now) < maxAge * 1000L;
    }

    /** Past max-age but still inside the stale-while-revalidate window. */
    public boolean revalidatable(long now) {
        long age = ageMillis(now);
        return age >= maxAge * 1000L && age < (maxAge + (long) staleWhileRevalidate) * 1000L;
    }

    /** Inside max-age + stale-if-error: may stand in when a rebuild fails. */
    public boolean usableOnError(long now) {
        return ageMillis(now) < (maxAge + (long) staleIfError) * 1000L;
    }

    /** Whole seconds of freshness left: max-age minus the age in whole seconds (≤ 0 once stale). */
    public long remainingSeconds(long now) {
        return maxAge - ageMillis(now) / 1000;
    }

    /** How long Infinispan keeps it: max-age plus the longer stale window (stale-if-error capped). */
    public long lifespanSeconds(long staleRetentionSeconds) {
        return maxAge + Math.max(staleWhileRevalidate, Math.min(staleIfError, staleRetentionSeconds));
    }

    // ------------------------------------------------------------------ encoding helpers

    private static byte[] utf8(String value) {
        return value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
    }

    private static String nullIfEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static int putShort(byte[] raw, int at, int value) {
        raw[at] = (byte) (value >>> 8);
        raw[at + 1] = (byte) value;
        return at + 2;
    }

    private static int putInt(byte[] raw, int at, int value) {
        raw[at] = (byte) (value >>> 24);
        raw[at + 1] = (byte) (value >>> 16);
        raw[at + 2] = (byte) (value >>> 8);
        raw[at + 3] = (byte) value;
        return at + 4;
    }

    private static int putLong(byte[] raw, int at, long value) {
        putInt(raw, at, (int) (value >>> 32));
        return putInt(raw, at + 4, (int) value);
    }

    private static int putString(byte[] raw, int at, byte[] string) {
        at = putShort(raw, at, string.length);
        System.arraycopy(string, 0, raw, at, string.length);
        return at + string.length;
    }

    private static final class Reader {
        private final byte[] raw;
        private int at = 1;

        Reader(byte[] raw) {
            this.raw = raw;
        }

        int u16() {
            int value = ((raw[at] & 0xff) << 8) | (raw[at + 1] & 0xff);
            at += 2;
            return value;
        }

        int i32() {
            int value = ((raw[at] & 0xff) << 24) | ((raw[at + 1] & 0xff) << 16) | ((raw[at + 2] & 0xff) << 8)
                    | (raw[at + 3] & 0xff);
            at += 4;
            return value;
        }

        long i64() {
            long high = i32() & 0xffffffffL;
            long low = i32() & 0xffffffffL;
            return (high << 32) | low;
        }

        String string() {
            int length = u16();
            if (length == 0) {
                return "";
            }
            if (at + length > raw.length) {
                throw new ArrayIndexOutOfBoundsException(at + length);
            }
            String value = new String(raw, at, length, StandardCharsets.UTF_8);
            at += length;
            return value;
        }
    }
}
