// Drives the npm "webdav" library (https://www.npmjs.com/package/webdav) the way its users do, for
// NpmWebdavClientTest: a deep listing of a folder, then a lock, its refresh and its release.
// Usage: node npm-webdav.mjs URL USER PASSWORD FOLDER FILE
// Prints one line per listed entry, "entry TYPE SIZE ENCODED-PATH", then "lock", "refresh" and
// "unlock" lines; exits non-zero on the first failure.
import { createClient } from "webdav";

const [url, username, password, folder, file] = process.argv.slice(2);
const client = createClient(url, { username, password });

const entries = await client.getDirectoryContents(folder, { deep: true });
for (const entry of entries) {
    console.log(`entry ${entry.type} ${entry.size} ${encodeURIComponent(entry.filename)}`);
}

const lock = await client.lock(file);
console.log(`lock ${lock.token}`);
const refreshed = await client.lock(file, { refreshToken: lock.token });
console.log(`refresh ${refreshed.token} ${refreshed.serverTimeout}`);
await client.unlock(file, lock.token);
console.log("unlock ok");
