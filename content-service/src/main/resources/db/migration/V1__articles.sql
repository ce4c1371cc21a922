CREATE TABLE article (
    id          BIGSERIAL PRIMARY KEY,
    slug        VARCHAR(160) NOT NULL UNIQUE,
    section     VARCHAR(60)  NOT NULL,
    title       VARCHAR(300) NOT NULL,
    summary     VARCHAR(1000) NOT NULL,
    body        TEXT         NOT NULL,
    author      VARCHAR(120) NOT NULL,
    published_at TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ  NOT NULL,
    version     INTEGER      NOT NULL DEFAULT 0
);
CREATE INDEX article_section_published ON article (section, published_at DESC) WHERE published_at IS NOT NULL;
