package io.manchete.content.api;

import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TitleHeaderTest {
    @Test
    void titlesArePercentEncodedUtf8AndDecodeBack() {
        String title = "Élections : 1+1 = \"2\" <b>";
        String header = FragmentResource.titleHeader(title);
        assertEquals("%C3%89lections%20%3A%201%2B1%20%3D%20%222%22%20%3Cb%3E", header);
        assertEquals(title, URLDecoder.decode(header, StandardCharsets.UTF_8));
    }
}
