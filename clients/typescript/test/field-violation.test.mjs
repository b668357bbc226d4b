import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code, decodeError, TenantRole } from '../dist/index.js';
import { partnerClient } from './support.mjs';

test('a rejected create: decodeError reads the reason and the field violation', async () => {
  const client = partnerClient();

  const error = await client.identity
    .createMember({ email: 'not-an-email', role: TenantRole.VIEWER, initialPassword: 'Correct-Horse-Battery-9' })
    .then(() => assert.fail('a member with email "not-an-email" was created'), e => e);

  const decoded = decodeError(error);
  assert.equal(decoded.code, Code.InvalidArgument);
  assert.equal(decoded.codeName, 'INVALID_ARGUMENT');
  assert.equal(decoded.reason, 'FIELD_INVALID');
  assert.equal(decoded.domain, 'pilotdeck');
  const email = decoded.fieldViolations.find(v => v.field === 'email');
  assert.ok(email, `no violation on email: ${JSON.stringify(decoded.fieldViolations)}`);
  assert.ok(email.description.length > 0);
});

test('decodeError on an error that carries no details', () => {
  const decoded = decodeError(new Error('socket hang up'));

  assert.equal(decoded.code, Code.Unknown);
  assert.equal(decoded.reason, undefined);
  assert.deepEqual(decoded.metadata, {});
  assert.deepEqual(decoded.fieldViolations, []);
});
