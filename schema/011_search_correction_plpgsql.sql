-- 011: souk_search_correction() in PL/pgSQL.
--
-- The SQL version (008) cannot be inlined (it has a SET clause), so PostgreSQL parsed and
-- planned its body again for every word of every search: about a third of the time of
-- the statement that turns a query's words into a tsquery. PL/pgSQL keeps its statements'
-- plans for the life of the connection, and returns at once for the common case, a word
-- that needs no correction (too short, not letters only, a lexicon word, the stem of one,
-- or the beginning of one while being typed), before any trigram search.
--
-- Same answers as 008 (t/unit and t/api search tests; ./souk bench catalog for the time).

CREATE OR REPLACE FUNCTION souk_search_correction(w text, typing boolean) RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET pg_trgm.similarity_threshold = 0.2
AS $$
BEGIN
    IF length(w) < 4 OR w !~ '^[[:alpha:]]+$'
       OR EXISTS (SELECT 1 FROM search_lexicon k WHERE k.word = w)
       OR EXISTS (SELECT 1 FROM search_lexicon k WHERE k.stem = souk_lexicon_stem(w))
       OR (typing AND EXISTS (SELECT 1 FROM search_lexicon k
                               WHERE k.word >= w AND k.word < w || U&'\+10FFFF')) THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT c.word
              FROM (SELECT l.word, similarity(l.word, w) AS sim
                      FROM search_lexicon l WHERE l.word % w
                     ORDER BY sim DESC, l.word LIMIT 12) AS c
             WHERE souk_edit_distance(c.word, w) <= CASE WHEN length(w) < 6 THEN 1 ELSE 2 END
             ORDER BY souk_edit_distance(c.word, w), c.sim DESC, c.word
             LIMIT 1);
END;
$$;
