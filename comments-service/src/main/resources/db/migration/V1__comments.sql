CREATE TABLE comment (
    id              BIGSERIAL     PRIMARY KEY,
    article_slug    VARCHAR(160)  NOT NULL,
    author          VARCHAR(80)   NOT NULL,
    body            VARCHAR(4000) NOT NULL,
    created_at      TIMESTAMPTZ   NOT NULL,
    status          VARCHAR(16)   NOT NULL DEFAULT 'VISIBLE',
    idempotency_key VARCHAR(100)  UNIQUE
);

-- Keyset pages, counts and the fragment's first page read visible comments newest first.
CREATE INDEX comment_visible_keyset ON comment (article_slug, created_at DESC, id DESC) WHERE status = 'VISIBLE';
