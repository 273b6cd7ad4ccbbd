// The file-sending half shared by the playground server and the browser-test server, so both answer with the
// same headers: in particular the COOP/COEP pair, which must match exactly for a page to be cross-origin isolated.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';

/**
 * Sends `file` with its type from `types` (extension → Content-Type), uncached, and with COOP/COEP when
 * `isolated`. Resolves to false, having sent nothing, when the file cannot be read: the caller answers that.
 */
export async function sendFile(res, file, { types, isolated }) {
  try {
    const body = await readFile(file);
    const headers = { 'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' };
    if (isolated) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    res.writeHead(200, headers).end(body);
    return true;
  } catch {
    return false;
  }
}
