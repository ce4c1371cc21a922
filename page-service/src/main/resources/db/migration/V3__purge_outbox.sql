-- Active expiration: the cache tags a write changes (space-separated), recorded in the write's own
-- transaction (commons PurgeOutbox) and deleted by the relay (commons PurgeRelay) once the gateway's
-- purge API answered 2xx.
CREATE TABLE purge_outbox (id BIGSERIAL PRIMARY KEY, tags TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
