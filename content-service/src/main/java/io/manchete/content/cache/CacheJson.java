package io.manchete.content.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Cached values are JSON strings; an unreadable one counts as a miss. */
@ApplicationScoped
public class CacheJson {
    private static final Logger LOG = Logger.getLogger(CacheJson.class);

    private final ObjectMapper mapper;

    public CacheJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** The value, or null when the text is missing or unreadable. */
    public <T> T read(String text, Class<T> type) {
        if (text == null) {
            return null;
        }
        try {
            return mapper.readValue(text, type);
        } catch (JsonProcessingException e) {
            LOG.debugf("ignoring an unreadable cached %s: %s", type.getSimpleName(), e.getOriginalMessage());
            return null;
        }
    }
}
