// A stand-in for a remote service: a local HTTP server that answers every request after a
// fixed delay. GET /anything?latency=250 answers after 250 ms (default: `latencyMs`).
// It runs in the sample's own process on a random port, so the samples need no network.
const http = require('node:http');

/** Starts the service; resolves to { url, close() }. */
function startSlowService({ latencyMs = 100 } = {}) {
  const server = http.createServer((req, res) => {
    const { pathname, searchParams } = new URL(req.url, 'http://localhost');
    const delayMs = Number(searchParams.get('latency') ?? latencyMs);
    const timer = setTimeout(() => res.end(`${pathname} answered after ${delayMs} ms\n`), delayMs);
    res.on('close', () => clearTimeout(timer)); // the client gave up: forget the answer
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      const close = () => new Promise((done) => { server.close(done); server.closeAllConnections(); });
      resolve({ url, close });
    });
  });
}

/**
 * GET a URL and resolve with the body as text. `options.signal` (e.g. AbortSignal.timeout(500))
 * cancels the request. (Built on node:http, which starts much faster than fetch in fresh workers.)
 */
function getText(url, options = {}) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { signal: options.signal }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve(body));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

module.exports = { startSlowService, getText };
