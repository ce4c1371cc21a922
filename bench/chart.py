#!/usr/bin/env python3
"""Draws bench/run's results.json as an SVG: requests per second, and p50/p90/p99 latency, per scenario.

    python3 bench/chart.py bench/results/<run>/results.json out.svg

Standard library only. Scenarios that did not run ("n/a") are shown as such.
"""
import json
import math
import sys
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 980, 500
LEFT, TOP, PANEL_H = 70, 90, 300
COLORS = {"rps": "#2f6db5", "p50": "#7fb77e", "p90": "#e0a030", "p99": "#c8453b"}


def fmt_rps(v):
    return f"{v/1000:.1f}k" if v >= 10000 else f"{v:,.0f}"


def fmt_ms(v):
    return f"{v:g}" if v < 10 else f"{v:,.0f}"


def nice_max(v):
    if v <= 0:
        return 1
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * exp:
            return m * exp
    return 10 * exp


def main(src, dst):
    with open(src, encoding="utf-8") as f:
        data = json.load(f)
    scenarios = data.get("scenarios", [])
    meta = data.get("meta", {})
    out = []
    add = out.append
    add(f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">')
    add(f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>')
    title = (f"Manchete bench {escape(str(meta.get('date', ''))[:16])}: "
             f"{meta.get('articles', '?')} articles, {meta.get('durationS', '?')} s per scenario, "
             f"{meta.get('connections', '?')} connections, {meta.get('cores', '?')} cores")
    add(f'<text x="{LEFT}" y="28" font-size="15" font-weight="bold">{title}</text>')
    ratio = data.get("varnishRatio")
    if ratio is not None:
        add(f'<text x="{LEFT}" y="48" fill="#444">(a)/(e) = {ratio:.2f}× Varnish (goal ≥ 1.0×)</text>')

    n = max(1, len(scenarios))
    panel_w = (WIDTH - LEFT - 40) / 2 - 30
    # left panel: req/s (linear)
    x0, y0 = LEFT, TOP
    ok = [s for s in scenarios if s.get("status") == "ok"]
    top = nice_max(max([s.get("rps", 0) or 0 for s in ok] + [1]))
    add(f'<text x="{x0}" y="{y0 - 8}" font-weight="bold">requests / s</text>')
    for i in range(5):
        v = top * i / 4
        y = y0 + PANEL_H - PANEL_H * i / 4
        add(f'<line x1="{x0}" x2="{x0 + panel_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        add(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#666">{fmt_rps(v) if v < 10000 else f"{v/1000:g}k"}</text>')
    slot = panel_w / n
    for i, s in enumerate(scenarios):
        cx = x0 + slot * i + slot / 2
        label = f"({s.get('id')})"
        add(f'<text x="{cx:.1f}" y="{y0 + PANEL_H + 16}" text-anchor="middle">{escape(label)}</text>')
        if s.get("status") != "ok":
            add(f'<text x="{cx:.1f}" y="{y0 + PANEL_H - 6}" text-anchor="middle" fill="#999">n/a</text>')
            continue
        v = s.get("rps", 0) or 0
        h = PANEL_H * v / top
        w = slot * 0.6
        add(f'<rect x="{cx - w / 2:.1f}" y="{y0 + PANEL_H - h:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'fill="{COLORS["rps"]}"><title>{escape(s.get("title", ""))}: {v:,.0f} req/s</title></rect>')
        add(f'<text x="{cx:.1f}" y="{y0 + PANEL_H - h - 4:.1f}" text-anchor="middle">{fmt_rps(v)}</text>')

    # right panel: latency percentiles (log scale, ms)
    x1 = LEFT + panel_w + 80
    add(f'<text x="{x1}" y="{y0 - 8}" font-weight="bold">latency, ms (log scale)</text>')
    lat = [v for s in ok for v in (s.get("latencyMs", {}).get(k) for k in ("p50", "p90", "p99")) if v]
    lo = 10 ** math.floor(math.log10(max(min(lat), 0.01))) if lat else 0.1
    hi = 10 ** math.ceil(math.log10(max(lat))) if lat else 100
    if hi <= lo:
        hi = lo * 10

    def ly(v):
        v = max(v, lo)
        return y0 + PANEL_H - PANEL_H * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    d = lo
    while d <= hi * 1.0001:
        y = ly(d)
        add(f'<line x1="{x1}" x2="{x1 + panel_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        add(f'<text x="{x1 - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#666">{fmt_ms(d)}</text>')
        d *= 10
    for i, s in enumerate(scenarios):
        cx = x1 + slot * i + slot / 2
        add(f'<text x="{cx:.1f}" y="{y0 + PANEL_H + 16}" text-anchor="middle">({escape(str(s.get("id")))})</text>')
        if s.get("status") != "ok":
            add(f'<text x="{cx:.1f}" y="{y0 + PANEL_H - 6}" text-anchor="middle" fill="#999">n/a</text>')
            continue
        w = slot * 0.22
        for j, k in enumerate(("p50", "p90", "p99")):
            v = s.get("latencyMs", {}).get(k)
            if v is None:
                continue
            x = cx - 1.5 * w + j * w
            y = ly(v)
            add(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w * 0.9:.1f}" height="{y0 + PANEL_H - y:.1f}" '
                f'fill="{COLORS[k]}"><title>({s.get("id")}) {k} {v:.2f} ms</title></rect>')

    # legend: scenario names and percentile colours
    ly0 = y0 + PANEL_H + 40
    ordered = sorted(scenarios, key=lambda s: str(s.get("id")))
    per_col = (len(ordered) + 1) // 2
    for i, s in enumerate(ordered):
        text = f"({s.get('id')}) {s.get('title', '')}"
        if s.get("status") != "ok":
            text += " — n/a"
        col, row = i // max(1, per_col), i % max(1, per_col)
        add(f'<text x="{LEFT + col * 450}" y="{ly0 + row * 16}" fill="#333">{escape(text)}</text>')
    lx = x1 + panel_w - 150
    for j, k in enumerate(("p50", "p90", "p99")):
        add(f'<rect x="{lx + j * 52}" y="{y0 - 20}" width="10" height="10" fill="{COLORS[k]}"/>')
        add(f'<text x="{lx + j * 52 + 14}" y="{y0 - 11}">{k}</text>')
    add("</svg>")
    with open(dst, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: chart.py results.json out.svg")
    main(sys.argv[1], sys.argv[2])
