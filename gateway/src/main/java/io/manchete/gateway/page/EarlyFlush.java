package io.manchete.gateway.page;

import io.manchete.gateway.cache.Part;
import io.manchete.gateway.client.FragmentResult;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One assembly's early flush: told each part as it arrives ({@link #arrived}) and when the flush delay
 * has passed ({@link #due}); once both the delay has passed and every primary fragment is there (and
 * fine: its status is the page's), while a secondary fragment is still missing, it starts the answer
 * with the page up to the first missing fragment, then writes each further stretch as soon as the
 * fragments it needs are there; {@link #finish} writes the rest. A page whose parts all arrive within
 * the delay is never streamed (it is answered whole, with its validator and shared-cache headers).
 * The text written is, piece for piece, what {@link Stitcher#stitch} makes of the same parts (a failed
 * secondary becomes its placeholder). Thread-safe: parts and the timer may arrive on any thread.
 */
final class EarlyFlush {
    private final PageFlush flush;
    private final Layout layout;
    private final Part layoutPart;
    /** The template's pieces, cut only once the page is streamed (most assemblies never are). */
    private List<Stitcher.Piece> pieces;
    private final Map<String, Integer> slotIndex;
    private final Part[] parts;
    private final int placeholderMaxAge;
    private final String links;
    private boolean due;
    private boolean begun;
    private boolean over;
    private int written;
    private String titleHtml;

    EarlyFlush(PageFlush flush, Layout layout, Part layoutPart, int placeholderMaxAge, String links) {
        this.flush = flush;
        this.layout = layout;
        this.layoutPart = layoutPart;
        this.placeholderMaxAge = placeholderMaxAge;
        this.links = links;
        List<Layout.Slot> slots = layout.slots();
        this.parts = new Part[slots.size()];
        this.slotIndex = new HashMap<>(slots.size() * 2);
        for (int i = 0; i < slots.size(); i++) {
            slotIndex.put(slots.get(i).name(), i); // a name given twice: the later slot wins, as in build
        }
    }

    synchronized void arrived(int slot, Part part) {
        parts[slot] = part;
        if (begun) {
            String more = next();
            if (!more.isEmpty()) {
                flush.write(more);
            }
        } else {
            tryBegin();
        }
    }

    synchronized void due() {
        due = true;
        tryBegin();
    }

    /** All parts are in: writes what is left when streaming, else makes sure nothing is streamed any more. */
    synchronized boolean finish() {
        if (begun && !over) {
            String rest = next();
            if (!rest.isEmpty()) {
                flush.write(rest);
            }
        }
        over = true;
        return begun;
    }

    synchronized boolean begun() {
        return begun;
    }

    private void tryBegin() {
        if (!due || begun || over) {
            return;
        }
        List<Layout.Slot> slots = layout.slots();
        boolean late = false;
        long maxAge = Math.min(placeholderMaxAge, layoutPart.maxAge() >= 0
                ? Math.min(layout.maxAge(), layoutPart.maxAge()) : layout.maxAge());
        boolean personal = layoutPart.personal();
        String title = null;
        for (int i = 0; i < slots.size(); i++) {
            Part part = parts[i];
            if (slots.get(i).primary()) {
                if (part == null || !part.result().ok()) {
                    return; // the primary decides the status: not before it is there (and fine)
                }
                maxAge = Math.min(maxAge, Math.max(0, part.maxAge()));
                personal |= part.personal();
                if (title == null) {
                    title = PageAssembler.decodeTitle(part.result().title());
                }
            } else if (part == null) {
                late = true;
            }
        }
        if (!late) {
            return; // everything is there: answered whole
        }
        titleHtml = title != null ? Html.escape(title) + PageAssembler.TITLE_SUFFIX : Html.escape(layout.title());
        pieces = Stitcher.pieces(layout.template());
        String first = next();
        begun = flush.begin(new PageFlush.Head(links, (int) Math.max(0, maxAge), personal), first);
        if (!begun) {
            over = true;
        }
    }

    /** The text from where the last write stopped up to the next missing fragment. */
    private String next() {
        StringBuilder out = new StringBuilder();
        while (written < pieces.size()) {
            Stitcher.Piece piece = pieces.get(written);
            if (piece.slot() != null) {
                Integer index = slotIndex.get(piece.slot());
                if (index == null) {
                    out.append(piece.text()); // no such slot: the marker stays, as in build
                } else if (parts[index] == null) {
                    break;
                } else {
                    FragmentResult result = parts[index].result();
                    out.append(result.ok() ? result.body() : PageAssembler.placeholder(piece.slot()));
                }
            } else if (piece.title()) {
                out.append(titleHtml);
            } else {
                out.append(piece.text());
            }
            written++;
        }
        return out.toString();
    }
}
