import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathTemplate, foldSegment } from './pathTemplate';

test('ID-like segments are folded, one placeholder per kind of id', () => {
  assert.equal(pathTemplate('/item/17'), '/item/:n');
  assert.equal(pathTemplate('/users/42/orders/7'), '/users/:n/orders/:n');
  assert.equal(pathTemplate('/reports/2024-01-15'), '/reports/:n');
  assert.equal(pathTemplate('/packages/lodash/4.17.21'), '/packages/lodash/:n');
  assert.equal(pathTemplate('/docs/3F2B8C1E-9D4A-4E6B-8F00-1A2B3C4D5E6F'), '/docs/:uuid');
  assert.equal(pathTemplate('/docs/3f2b8c1e-9d4a-4e6b-8f00-1a2b3c4d5e6f/raw'), '/docs/:uuid/raw');
  assert.equal(pathTemplate('/objects/507f1f77bcf86cd799439011'), '/objects/:hex', 'a Mongo ObjectId');
  assert.equal(pathTemplate('/commit/da39a3ee5e6b4b0d3255bfef95601890afd80709'), '/commit/:hex', 'a SHA-1');
  assert.equal(pathTemplate('/runs/01ARZ3NDEKTSV4RRFFQ69G5FAV'), '/runs/:id', 'a ULID');
  assert.equal(pathTemplate('/customers/cus_NffrFeUfNV2Hib'), '/customers/:id');
  assert.equal(pathTemplate('/item/17/'), '/item/:n/', 'a trailing slash stays');
});

test('names are kept: paths without a digit (unchanged, not split), short names with digits, file names', () => {
  for (const p of ['/', '', '/health', '/api/users', '//double//slash', '/a%2Fb',
    '/v2/users', '/p7', '/oauth2', '/static/main.3f9a2b1c.js', '/files/report-2024.pdf', '/deadbeefdeadbeefdead',
    '/hello%20world1', '/abcdefghijklmnopqrstu']) {
    assert.equal(pathTemplate(p), p, p);
  }
  assert.equal(foldSegment('ABCDEFGHIJKLMNOP1'), ':id', '16+ letters and digits');
  assert.equal(foldSegment('1234567890123456'), ':n', 'digits are a number before they are hex');
  assert.equal(foldSegment('ab12'), 'ab12', 'short');
});

test('a client route folds its path only, never its host', () => {
  const route = '127.0.0.1:38569/item/237';
  assert.equal(pathTemplate(route, route.indexOf('/')), '127.0.0.1:38569/item/:n');
  const v6 = '[::1]:8080/users/12';
  assert.equal(pathTemplate(v6, v6.indexOf('/')), '[::1]:8080/users/:n');
  const root = 'api.example.com:443/';
  assert.equal(pathTemplate(root, root.indexOf('/')), root);
});

test('the one-pass classifier folds exactly what the rules, written as regular expressions, fold', () => {
  const spec = (seg: string): string => {
    if (!/\d/.test(seg)) return seg;
    if (/^\d[\d.,:_-]*$/.test(seg)) return ':n';
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(seg)) return ':uuid';
    if (/^[0-9a-f]{16,}$/i.test(seg)) return ':hex';
    if (/^[A-Za-z0-9_-]{16,}$/.test(seg) && /[A-Za-z]/.test(seg)) return ':id';
    return seg;
  };
  let x = 12345;
  const rand = (n: number) => { x = (x * 1103515245 + 12345) % 2147483648; return Math.floor((x / 2147483648) * n); };
  const alphabets = ['0123456789', '0123456789abcdefABCDEF', '0123456789abcdef-', '0123456789.,:_-', 'abcXYZ019_-', 'a1.é@%~ Z9-_/:', '0123456789abcdefghijklmnopqrstuvwxyzGHZ'];
  const uuid = () => [8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, () => '0123456789abcdefABCDEF'[rand(22)]).join('')).join('-');
  for (let k = 0; k < 20000; k++) {
    const abc = alphabets[rand(alphabets.length)];
    const seg = k % 10 === 0 ? uuid() : Array.from({ length: rand(42) }, () => abc[rand(abc.length)]).join('');
    for (const s of seg.split('/')) assert.equal(foldSegment(s), spec(s), JSON.stringify(s));
    const path = `/a/${seg}/b${k}`;
    assert.equal(pathTemplate(path), path.split('/').map(spec).join('/'), JSON.stringify(path));
  }
});
