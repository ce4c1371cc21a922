package io.manchete.gateway.page;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PreloadsTest {

    @Test
    void stylesheetsScriptsAndPreloadsOfTheHeadInOrder() {
        String template = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<title><!--manchete:title--></title>\n<link rel=\"stylesheet\" href=\"/assets/site.abc.css\">\n"
                + "<link rel=\"icon\" href=\"/assets/logo.1.svg\" type=\"image/svg+xml\">\n"
                + "<LINK REL='preload' HREF='/assets/font.woff2' AS='font' crossorigin>\n"
                + "<script src=\"/assets/site.def.js\" defer></script>\n</head>\n<body>"
                + "<script src=\"/assets/late.js\"></script></body></html>";
        assertEquals("</assets/site.abc.css>; rel=preload; as=style, </assets/font.woff2>; rel=preload; as=font, "
                + "</assets/site.def.js>; rel=preload; as=script", Preloads.links(template));
    }

    @Test
    void onlySameSitePathsThatNeedNoEscaping() {
        assertNull(Preloads.links("<head><link rel=stylesheet href=https://cdn.example/x.css>"
                + "<link rel=stylesheet href=//cdn.example/x.css><script src=\"/a,b.js\"></script>"
                + "<script>inline()</script></head>"));
        assertEquals("</x.css>; rel=preload; as=style", Preloads.links("<head><link rel=stylesheet href=/x.css></head>"));
        assertNull(Preloads.links("<p>no head at all</p>"));
        assertNull(Preloads.links(null));
    }
}
