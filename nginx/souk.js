// souk.js - njs for nginx (libnginx-mod-http-js): the catalog version that is
// part of the microcache key of public catalog reads.
//
// souk-fcgi writes a new random token to SOUK_CATALOG_VERSION_FILE after
// every committed catalog change (src/catalog/cache.c), and the pool master
// at start. Reading it per request (one small file read) makes every page
// cached before the change unreachable at once: no purge, no stale window.
// When it cannot be read, the key is unique to the request: nothing is served
// from the cache (safe, slow, and logged) rather than pages that an edit could
// no longer retire.
import fs from 'fs';

function catalogVersion(r) {
    try {
        return fs.readFileSync(r.variables.souk_catalog_version_file, 'utf8').trim();
    } catch (e) {
        r.error(`souk: cannot read the catalog version (${e.message}): not caching`);
        return `unread-${r.variables.request_id}`;
    }
}

export default { catalogVersion };
