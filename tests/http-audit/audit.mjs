// Runs the graphql-http audit of the GraphQL-over-HTTP specification against
// the service at URL, with a bearer token on every request, and prints each
// result as JSON: { name, status, reason }. Status is "ok", "warn" (a
// SHOULD not met), "notice" (a MAY) or "error" (a MUST not met).
import { auditServer } from 'graphql-http';

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: node audit.mjs URL TOKEN');
  process.exit(2);
}
const host = new URL(url).hostname;
if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
  console.error('the audit runs against a loopback address only');
  process.exit(2);
}

const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

const results = await auditServer({ url, fetchFn });
const out = results.map((r) => ({ name: r.name, status: r.status, reason: r.reason ?? null }));
console.log(JSON.stringify(out));
