-- The project database, schema version 1 (PRAGMA user_version = 1).
--
-- articles, article_sources, projects, facts and failures hold what was read; project_keys
-- and the groups (projects.consolidated_id) are updated with every chunk, the consolidated
-- rows of the groups that changed at the end of each run (stale lists them until then).
-- Nothing here depends on when or in which order the inputs were processed: the same
-- inputs give the same database.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per distinct article: content_hash is the sha256 of the text the extractor read
-- and of the reference date used for relative dates; id is its first 20 hex digits.
CREATE TABLE articles (
    id           TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    source       TEXT NOT NULL,      -- the first input it was read from (in input order)
    locator      TEXT NOT NULL,      -- '' for a whole file, 'line 12' / 'row 3' in a dump
    doc_id       TEXT,
    url          TEXT,
    title        TEXT,
    publish_date TEXT,
    media        TEXT,
    author       TEXT,
    text_basis   TEXT NOT NULL,      -- input | title+text | html-main-text
    text         TEXT,               -- the text spans refer to, when it is not the input as is
    n_projects   INTEGER NOT NULL,
    warnings     TEXT NOT NULL       -- JSON list
);

-- Every input that carried an article (several inputs may carry the same text).
CREATE TABLE article_sources (
    source     TEXT NOT NULL,
    locator    TEXT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles (id),
    PRIMARY KEY (source, locator)
);

-- One row per project per article: a mention.
CREATE TABLE projects (
    id              TEXT PRIMARY KEY,    -- article id '#' index in the article
    article_id      TEXT NOT NULL REFERENCES articles (id),
    idx             INTEGER NOT NULL,
    name            TEXT NOT NULL,
    aliases         TEXT NOT NULL,       -- JSON list
    company         TEXT,
    location        TEXT,
    status          TEXT,
    -- what consolidation compares (see consolidate.py)
    match_name      TEXT NOT NULL,
    match_phase     TEXT NOT NULL,
    match_company   TEXT NOT NULL,
    match_investment REAL,
    consolidated_id TEXT NOT NULL
);
CREATE INDEX projects_article ON projects (article_id);
CREATE INDEX projects_consolidated ON projects (consolidated_id);

-- One row per extracted value, with the mention it was read from.
CREATE TABLE facts (
    project_id TEXT NOT NULL REFERENCES projects (id),
    article_id TEXT NOT NULL REFERENCES articles (id),
    seq        INTEGER NOT NULL,         -- order within the project
    field      TEXT NOT NULL,            -- name, company, location, investment, capacity, ...
    value_num  REAL,                     -- money, quantities, areas
    value_text TEXT,                     -- names, places, ISO partial dates
    unit       TEXT,                     -- currency for money, unit for quantities and areas
    qualifier  TEXT,                     -- exact | at_least | at_most | about (money)
    product    TEXT,                     -- capacity: what is produced
    text       TEXT,                     -- the mention as written
    span_start INTEGER,                  -- original[span_start:span_end] == text
    span_end   INTEGER,
    sentence   TEXT,                     -- the sentence of the mention
    PRIMARY KEY (project_id, seq)
);
CREATE INDEX facts_article ON facts (article_id);

-- Blocking keys: mentions that share a key are compared by consolidate.same_project.
CREATE TABLE project_keys (
    key        TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects (id),
    PRIMARY KEY (key, project_id)
);
CREATE INDEX project_keys_project ON project_keys (project_id);

-- One row per consolidated project: the values chosen among its mentions.
CREATE TABLE consolidated (
    id               TEXT PRIMARY KEY,   -- the smallest mention id of the group
    name             TEXT NOT NULL,
    aliases          TEXT NOT NULL,      -- JSON list: the other names its mentions use
    company          TEXT,
    location         TEXT,
    status           TEXT,
    investment       REAL,
    investment_currency TEXT,
    investment_qualifier TEXT,
    output_value     REAL,
    output_value_currency TEXT,
    output_value_qualifier TEXT,
    tax              REAL,
    tax_currency     TEXT,
    tax_qualifier    TEXT,
    capacity         TEXT,               -- JSON list of {value, unit, product}
    land_area        REAL,
    land_area_unit   TEXT,
    floor_area       REAL,
    floor_area_unit  TEXT,
    start_date       TEXT,
    completion_date  TEXT,
    production_date  TEXT,
    n_articles       INTEGER NOT NULL,
    n_mentions       INTEGER NOT NULL,
    first_published  TEXT,
    last_published   TEXT,
    article_ids      TEXT NOT NULL,      -- JSON list, sorted
    chosen_from      TEXT NOT NULL       -- JSON {field: mention id the value was taken from}
);

-- Groups whose consolidated row must be rebuilt (empty after a run that finished).
CREATE TABLE stale (
    id TEXT PRIMARY KEY
);

-- Inputs that could not be read or extracted; a later run that reads them removes the row.
CREATE TABLE failures (
    source  TEXT NOT NULL,
    locator TEXT NOT NULL,
    reason  TEXT NOT NULL,
    PRIMARY KEY (source, locator)
);
