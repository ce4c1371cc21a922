-- Active expiration: tags a write changed, recorded in the write's transaction (commons PurgeOutbox)
-- and posted to the gateway's purge API by the relay (commons PurgeRelay), which deletes them on a 2xx.
CREATE TABLE purge_outbox (id BIGSERIAL PRIMARY KEY, tags TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
