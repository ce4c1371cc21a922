package io.manchete.launcher.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** results.json is read by bench/chart.py and by people: every number must be valid JSON. */
class JsonTest {

    @Test
    void ratiosThatRoundToAWholeNumberHaveNoBarePoint() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("hitRatio", 338255.0 / 338256.0);
        values.put("almostHundred", 99.999_99);
        values.put("half", 0.5);
        values.put("tenAndAHalf", 10.5);
        values.put("whole", 3.0);
        values.put("none", Double.NaN);
        assertEquals("{\"hitRatio\":1,\"almostHundred\":100,\"half\":0.5,\"tenAndAHalf\":10.5,\"whole\":3,\"none\":null}",
                Json.write(values).replaceAll("\\s", ""));
    }
}
