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
