-- 019: search terms per day, rolled up from Redis by `souk-jobs rollup` beside
-- seo_metrics_daily (src/cms/metrics.c). A fact table: its natural key is the primary key.
-- zero_results: how many of the day's searches for the term found nothing.

CREATE TABLE search_metrics_daily (
    day          date NOT NULL,
    term         text NOT NULL CHECK (length(term) BETWEEN 1 AND 100),
    searches     bigint NOT NULL DEFAULT 0 CHECK (searches >= 0),
    zero_results bigint NOT NULL DEFAULT 0 CHECK (zero_results >= 0 AND zero_results <= searches),
    PRIMARY KEY (day, term)
);
