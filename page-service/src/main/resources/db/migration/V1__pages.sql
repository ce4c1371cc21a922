-- Navigation: the site's sections, in menu order.
CREATE TABLE section (
    slug     VARCHAR(60)  PRIMARY KEY,
    name     VARCHAR(120) NOT NULL,
    position INTEGER      NOT NULL
);

-- Front-page curation: which article goes into which slot of a front, in order.
-- The demo-data loader writes these rows directly.
CREATE TABLE front (
    name         VARCHAR(60)  NOT NULL,
    slot         VARCHAR(60)  NOT NULL,
    position     INTEGER      NOT NULL,
    article_slug VARCHAR(160) NOT NULL,
    PRIMARY KEY (name, slot, position)
);

-- One skeleton per route kind. front: the front that fills its 'front' slots (tag front:{front});
-- max_age: the layout's max-age in seconds, NULL for the configured default.
CREATE TABLE layout (
    route   VARCHAR(20) PRIMARY KEY CHECK (route IN ('home', 'section', 'article')),
    front   VARCHAR(60),
    max_age INTEGER CHECK (max_age IS NULL OR max_age >= 0)
);

-- The slots of a layout, in page order. kind says how a slot row becomes slots of the layout JSON:
--   fixed        one slot, path as stored ({slug} and {section} are left for the gateway)
--   front        one slot named after the front slot it shows (teasers by slugs, heading); none when empty
--   section      one slot: the current section's teasers (item_limit, heading = section name)
--   each-section one slot per section, named {name}-{section} (item_limit, heading = section name)
CREATE TABLE layout_slot (
    route      VARCHAR(20)  NOT NULL REFERENCES layout (route),
    position   INTEGER      NOT NULL,
    name       VARCHAR(60)  NOT NULL,
    kind       VARCHAR(20)  NOT NULL CHECK (kind IN ('fixed', 'front', 'section', 'each-section')),
    service    VARCHAR(20)  NOT NULL,
    path       VARCHAR(300),
    heading    VARCHAR(120),
    item_limit INTEGER,
    is_primary BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (route, position),
    CHECK (kind <> 'fixed' OR path IS NOT NULL)
);

-- Static assets, served under a content-hashed name. hash: SHA-256 of content, hex.
CREATE TABLE asset (
    name         VARCHAR(100) PRIMARY KEY,
    content_type VARCHAR(120) NOT NULL,
    content      BYTEA        NOT NULL,
    hash         CHAR(64)     NOT NULL,
    updated_at   TIMESTAMPTZ  NOT NULL
);
