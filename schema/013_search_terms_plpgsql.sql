-- 013: souk_search_terms(): a query's words -> tsquery text and the corrected query, in
-- PL/pgSQL.
--
-- The same answers as the words statement search.c sent before (t/api search tests). That
-- statement was planned on every call (0.21 ms of planning for 0.26 ms of work: a generic
-- plan cannot know how many words there are and was measured slower); a PL/pgSQL
-- function keeps the plans of its few simple statements for the life of the connection,
-- and the statement that calls it has nothing to plan.
--
-- words: the words joined by one space (letters and digits only: search_words() in C);
-- typing: the last word is still being typed. Every word becomes a quoted operand, OR-ed
-- with its correction; the word being typed is a prefix ('word':*) when it has 3+ letters
-- and is not a whole lexicon word; operands are AND-ed. No words: both NULL.

CREATE OR REPLACE FUNCTION souk_search_terms(words text, typing boolean,
                                             OUT tsquery_text text, OUT corrected text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
    ws      text[] := string_to_array(lower(words), ' ');
    n       integer := coalesce(array_length(ws, 1), 0);
    parts   text[] := '{}';
    fixed   text[] := '{}';
    any_fix boolean := false;
    w       text;
    fix     text;
    last    boolean;
BEGIN
    IF n = 0 THEN
        RETURN;
    END IF;
    FOR i IN 1 .. n LOOP
        w := ws[i];
        last := i = n AND coalesce(typing, false);
        fix := souk_search_correction(w, last);
        parts := parts || ('(''' || w || ''''
                 || CASE WHEN last AND length(w) >= 3
                              AND NOT EXISTS (SELECT 1 FROM search_lexicon l WHERE l.word = w)
                         THEN ':*' ELSE '' END
                 || coalesce(' | ''' || fix || '''', '') || ')');
        fixed := fixed || coalesce(fix, w);
        any_fix := any_fix OR fix IS NOT NULL;
    END LOOP;
    tsquery_text := to_tsquery('english', array_to_string(parts, ' & '))::text;
    IF any_fix THEN
        corrected := to_json(array_to_string(fixed, ' '))::text;
    END IF;
END;
$$;
