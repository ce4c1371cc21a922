package io.manchete.gateway.cache;

/**
 * The decoded {@link CacheEntry} of each hot page, by page key, with the stamp of the page near
 * cache ({@link NearCacheChanges#PAGES}) under which it was last read there:
 * <ul>
 * <li>{@link #known}: while the key's counter still shows that stamp, the near cache holds the same
 * array and would answer it again, so a hit takes the entry from here and reads no cache at all;</li>
 * <li>{@link #get}: an array read from the near cache is decoded once while it stays here (the near
 * cache hands every reader the same array), and the entry keeps what hangs on that instance (the tag
 * stamp of its last check, {@link LastGoodPages}' mark). An entry decoded anew loses both, so the
 * table must keep the hot pages of a Zipf load while the near cache holds thousands.</li>
 * </ul>
 *
 * <p>Two candidate slots per key (from different bits of its hash), second-chance replacement: an
 * entry read since it was placed is kept over one that was not, so a hot page is not pushed out by a
 * cold one that happens to share a slot. Racy on purpose: slots hold immutable records, a lost or
 * overwritten slot only means one more near-cache read or decode. Each slot keeps its page's bytes
 * alive, hence a bounded table, not a map.
 */
public final class DecodedEntries {
    /** One slot: {@code entry} was read as {@code key} under {@code stamp}. */
    record Known(String key, CacheEntry entry, long stamp) {
    }

    private final Known[] slots;
    private final int mask;
    private final int shift;

    /** {@code size}: a power of two. */
    public DecodedEntries(int size) {
        if (size < 2 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("a power of two: " + size);
        }
        this.slots = new Known[size];
        this.mask = size - 1;
        this.shift = Integer.numberOfTrailingZeros(size);
    }

    /** A table for a near cache of {@code entries}: the power of two at or under it, 1,024 to 2^20 slots. */
    public static DecodedEntries forNearCache(int entries) {
        return new DecodedEntries(Integer.highestOneBit(Math.max(1024, Math.min(1 << 20, entries))));
    }

    /**
     * The entry of {@code key} if it was last read under {@code stamp} (the key's counter now), or
     * {@code null}; {@link NearCacheChanges#NONE} never matches.
     */
    public CacheEntry known(String key, long stamp) {
        if (stamp == NearCacheChanges.NONE) {
            return null;
        }
        int h = spread(key);
        Known known = slots[h & mask];
        if (known == null || known.stamp != stamp || !known.key.equals(key)) {
            known = slots[other(h)];
            if (known == null || known.stamp != stamp || !known.key.equals(key)) {
                return null;
            }
        }
        known.entry.read();
        return known.entry;
    }

    /**
     * The entry stored as {@code raw} under {@code key} (decoded at most once while it stays here),
     * remembered as read under {@code stamp} (taken before the read); null for null or unreadable
     * bytes.
     */
    public CacheEntry get(String key, byte[] raw, long stamp) {
        if (raw == null) {
            return null;
        }
        int h = spread(key);
        int a = h & mask;
        int b = other(h);
        Known first = slots[a];
        Known second = slots[b];
        if (first != null && first.entry.encoded() == raw) {
            return again(a, first, stamp);
        }
        if (second != null && second.entry.encoded() == raw) {
            return again(b, second, stamp);
        }
        CacheEntry decoded = CacheEntry.decode(raw);
        if (decoded == null) {
            return null;
        }
        Known placed = new Known(key, decoded, stamp);
        if (first == null || first.key.equals(key) || !first.entry.readSincePlaced()) {
            slots[a] = placed; // free, an older copy of this page, or not read since placed
        } else if (second == null || second.key.equals(key) || !second.entry.readSincePlaced()) {
            slots[b] = placed;
        } else {
            // both in use: both get a second chance from now on, this one takes the first slot
            second.entry.placed();
            slots[a] = placed;
        }
        return decoded;
    }

    private CacheEntry again(int slot, Known known, long stamp) {
        known.entry.read();
        if (known.stamp != stamp) {
            slots[slot] = new Known(known.key, known.entry, stamp);
        }
        return known.entry;
    }

    private static int spread(String key) {
        int h = key.hashCode();
        return h ^ (h >>> 16);
    }

    private int other(int h) {
        int a = h & mask;
        int b = (h >>> shift) & mask;
        return b == a ? a ^ 1 : b; // two slots, always
    }
}
