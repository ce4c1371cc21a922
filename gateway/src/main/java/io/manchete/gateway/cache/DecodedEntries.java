package io.manchete.gateway.cache;

/**
 * The decoded {@link CacheEntry} of each stored array, found by the array's identity: the near cache
 * hands every reader of a page the same array, so a hit finds its entry here instead of decoding the
 * header again, and keeps what hangs on that instance ({@link TagChanges}' stamp of its last check,
 * {@link LastGoodPages}' mark). An entry decoded anew loses both, so the table must keep the hot
 * pages of a Zipf load while the near cache holds thousands.
 *
 * <p>Two candidate slots per array (from different bits of its identity hash), second-chance
 * replacement: an entry read since it was placed is kept over one that was not, so a hot page is
 * not pushed out by a cold one that happens to share a slot. Racy on purpose: entries are
 * immutable, a lost or overwritten slot only means one more decode. Each slot keeps its page's bytes
 * alive, hence a bounded table, not a map.
 */
public final class DecodedEntries {
    private final CacheEntry[] slots;
    private final int mask;
    private final int shift;

    /** {@code size}: a power of two. */
    public DecodedEntries(int size) {
        if (size < 2 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("a power of two: " + size);
        }
        this.slots = new CacheEntry[size];
        this.mask = size - 1;
        this.shift = Integer.numberOfTrailingZeros(size);
    }

    /** The entry stored as {@code raw} (decoded at most once while it stays here); null for null or unreadable bytes. */
    public CacheEntry get(byte[] raw) {
        if (raw == null) {
            return null;
        }
        int h = System.identityHashCode(raw);
        int a = h & mask;
        int b = (h >>> shift) & mask;
        if (b == a) {
            b = a ^ 1; // two slots, always
        }
        CacheEntry entry = slots[a];
        if (entry != null && entry.encoded() == raw) {
            entry.read();
            return entry;
        }
        CacheEntry other = slots[b];
        if (other != null && other.encoded() == raw) {
            other.read();
            return other;
        }
        CacheEntry decoded = CacheEntry.decode(raw);
        if (decoded == null) {
            return null;
        }
        if (entry == null || !entry.readSincePlaced()) {
            slots[a] = decoded;
        } else if (other == null || !other.readSincePlaced()) {
            slots[b] = decoded;
        } else {
            // both in use: both get a second chance from now on, this one takes the first slot
            other.placed();
            slots[a] = decoded;
        }
        return decoded;
    }
}
