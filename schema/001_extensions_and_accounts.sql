-- 001: extensions, shared helpers, accounts (users, roles, permissions, sign-in state)
--
-- Conventions for every migration in schema/ (see docs/schema.md):
--   * applied in name order by `souk-admin migrate`, each file inside ONE transaction,
--     so no BEGIN/COMMIT here and nothing that cannot run in a transaction;
--   * an applied migration is never edited: change the schema with a new file;
--   * id bigint identity for joins, public_id uuid for anything the API exposes;
--   * money is bigint paise + currency char(3); times are timestamptz (UTC);
--   * status columns are text + CHECK (... IN (...));
--   * every foreign key column is indexed (alone or as the leading column of an index).

-- Both are in Debian's postgresql-15 package and are "trusted", so the database owner
-- (not only a superuser) can create them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;   -- trigram similarity for fuzzy title search
CREATE EXTENSION IF NOT EXISTS citext;    -- case-insensitive e-mail addresses and coupon codes
-- gen_random_uuid() is built into PostgreSQL >= 13: no pgcrypto needed.

-- One trigger function keeps every updated_at column current.
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION set_updated_at() IS
    'BEFORE UPDATE trigger: sets NEW.updated_at to the transaction time';

-- Lowercase slug: "ui-kits", "notion-template". Used by slug columns and tag arrays.
CREATE OR REPLACE FUNCTION souk_is_slug(s text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN s ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(s) <= 100;

-- Tag arrays: at most 20 lowercase slugs, no NULLs, no duplicates.
CREATE OR REPLACE FUNCTION souk_tags_valid(tags text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN tags IS NOT NULL
   AND cardinality(tags) <= 20
   AND (SELECT coalesce(bool_and(t IS NOT NULL AND souk_is_slug(t)), true)
           AND count(DISTINCT t) = count(*)
          FROM unnest(tags) AS t);

-- array_to_string() is only STABLE (it calls the element type's output function), so it
-- cannot appear in a GENERATED column. For text[] the result never changes, so this
-- wrapper is honestly IMMUTABLE. Used by the search vectors of products and blog_posts.
CREATE OR REPLACE FUNCTION souk_tags_text(tags text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN coalesce(pg_catalog.array_to_string(tags, ' '), '');

------------------------------------------------------------------------------------------
-- Roles and permissions (RBAC). The rows themselves are in 006 (production data).
------------------------------------------------------------------------------------------

CREATE TABLE roles (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (souk_is_slug(name)),
    description text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE permissions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- "<area>:<verb>", e.g. products:write, orders:refund
    name        text NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z_]*:[a-z][a-z_]*$'),
    description text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Pure link table: the (role_id, permission_id) pair is the key.
CREATE TABLE role_permissions (
    role_id       bigint NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission_id bigint NOT NULL REFERENCES permissions (id) ON DELETE CASCADE,
    PRIMARY KEY (role_id, permission_id)
);
CREATE INDEX role_permissions_permission_id_idx ON role_permissions (permission_id);

------------------------------------------------------------------------------------------
-- Users. Never deleted: a user who closes the account is anonymised (status 'deleted',
-- e-mail/name/avatar/password wiped) so that orders, invoices and the audit trail keep
-- their references. That is why most FKs to users are ON DELETE RESTRICT.
------------------------------------------------------------------------------------------

CREATE TABLE users (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id          uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    email              citext NOT NULL UNIQUE
                       CHECK (email ~ '^[^@\s]+@[^@\s]+$' AND length(email) <= 254),
    name               text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    avatar_url         text CHECK (length(avatar_url) <= 2000),
    -- argon2id PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash);
    -- NULL for accounts that only sign in with Google/GitHub.
    password_hash      text CHECK (password_hash LIKE '$argon2id$%'),
    email_verified_at  timestamptz,
    status             text NOT NULL DEFAULT 'active'
                       CHECK (status IN ('active', 'disabled', 'deleted')),
    -- one role per user; the application inserts the 'customer' role's id at sign-up
    role_id            bigint NOT NULL REFERENCES roles (id) ON DELETE RESTRICT,
    failed_login_count integer NOT NULL DEFAULT 0 CHECK (failed_login_count >= 0),
    locked_until       timestamptz,
    last_login_at      timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_role_id_idx ON users (role_id);
CREATE INDEX users_created_at_idx ON users (created_at DESC);   -- admin user list
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Google / GitHub sign-in links. One identity per provider account, one per provider per user.
CREATE TABLE oauth_identities (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider         text NOT NULL CHECK (provider IN ('google', 'github')),
    provider_user_id text NOT NULL CHECK (length(provider_user_id) BETWEEN 1 AND 255),
    email            citext,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (provider, provider_user_id),
    UNIQUE (user_id, provider)          -- also serves as the index on user_id
);
CREATE TRIGGER oauth_identities_set_updated_at BEFORE UPDATE ON oauth_identities
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Rotating opaque refresh tokens. Only the SHA-256 of the token is stored. All tokens
-- descended from one sign-in share family_id; presenting a revoked token revokes the
-- whole family (reuse detection). replaced_by points at the token that superseded it.
CREATE TABLE refresh_tokens (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    family_id   uuid NOT NULL,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    replaced_by bigint REFERENCES refresh_tokens (id) ON DELETE SET NULL,
    user_agent  text CHECK (length(user_agent) <= 1000),
    ip          inet,
    CHECK (expires_at > issued_at)
);
CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_replaced_by_idx ON refresh_tokens (replaced_by);
CREATE INDEX refresh_tokens_expires_at_idx ON refresh_tokens (expires_at);  -- cleanup job

-- Single-use e-mail verification and password reset tokens (SHA-256 of the token).
CREATE TABLE user_tokens (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     text NOT NULL CHECK (purpose IN ('email_verification', 'password_reset')),
    token_hash  bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX user_tokens_user_id_purpose_idx ON user_tokens (user_id, purpose);
CREATE INDEX user_tokens_expires_at_idx ON user_tokens (expires_at);        -- cleanup job
