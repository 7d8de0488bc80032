// souk.js - njs for nginx (libnginx-mod-http-js): the catalog version that is
// part of the microcache key of public catalog reads.
//
// souk-fcgi writes a new random token to SOUK_CATALOG_VERSION_FILE after
// every committed catalog change (src/catalog/cache.c). Reading it per request
// (one small file read) makes every page cached before the change
// unreachable at once: no purge, no stale window. A missing file (no change
// since the stack started) reads as "0".
import fs from 'fs';

function catalogVersion(r) {
    try {
        return fs.readFileSync(r.variables.souk_catalog_version_file, 'utf8').trim();
    } catch (e) {
        return '0';
    }
}

export default { catalogVersion };
