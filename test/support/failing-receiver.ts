// A webhook receiver on loopback that answers every notification with an error status and a
// body, for tests of what the daemons log about it.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

type Cleanup = { after(fn: () => void | Promise<void>): void };

/**
 * Starts the receiver and returns its base URL. `/broken` answers 500 with a two-line text body
 * (`database is down`, `retry later`); any other path 400 with `{"error":"bad payload"}`.
 * Closed when the test ends.
 */
export async function startFailingReceiver(t: Cleanup): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/broken') res.writeHead(500, { 'content-type': 'text/plain' }).end('database is down\nretry later');
      else res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad payload"}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
