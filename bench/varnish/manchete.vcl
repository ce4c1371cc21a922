vcl 4.1;
# Varnish 7 in front of Manchete's gateway, for bench/run scenario (e): the same pages as scenario (a),
# cached by Varnish instead of the gateway's own page cache (the backend gateway runs with
# manchete.page-cache.enabled=false). bench/run copies this file and replaces @GATEWAY_PORT@.
#
# Caching follows the gateway's headers: Surrogate-Control max-age (what the gateway gives a CDN: the
# page's whole freshness) when present, else Cache-Control as Varnish's built-in rules read it
# (s-maxage, max-age, private/no-store/no-cache, Set-Cookie, Vary: *). Grace (serve stale while one
# fetch refreshes) comes from Cache-Control stale-while-revalidate, at least 10 s; keep lets Varnish
# revalidate an expired page with If-None-Match against the gateway's ETag.

import std;

backend gateway {
    .host = "127.0.0.1";
    .port = "@GATEWAY_PORT@";
    .connect_timeout = 1s;
    .first_byte_timeout = 5s;
    .between_bytes_timeout = 2s;
    .max_connections = 512;
}

sub vcl_recv {
    if (req.method != "GET" && req.method != "HEAD") {
        # comment form posts and anything else go to the gateway untouched
        return (pass);
    }
    # the site sets no cookies: a cookie must not split the cache
    unset req.http.Cookie;
    # tracking parameters do not change a page (the gateway leaves the same ones out of its cache key)
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url, "(?i)([?&])(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|_ga|_gl|igshid|yclid|ref)=[^&]*", "\1");
        set req.url = regsuball(req.url, "&&+", "&");
        set req.url = regsub(req.url, "\?&", "?");
        set req.url = regsub(req.url, "[?&]$", "");
    }
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Surrogate-Control ~ "(?i)no-store") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    if (beresp.http.Surrogate-Control ~ "(?i)max-age=[0-9]+") {
        set beresp.ttl = std.duration(regsub(beresp.http.Surrogate-Control, "(?i)^.*max-age=([0-9]+).*$", "\1s"), beresp.ttl);
    }
    # the Surrogate-Control is for this cache only
    unset beresp.http.Surrogate-Control;
    if (beresp.grace < 10s) {
        set beresp.grace = 10s;
    }
    set beresp.keep = 1h;
    # no return: Varnish's built-in vcl_backend_response still refuses private/no-store/Set-Cookie answers
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
