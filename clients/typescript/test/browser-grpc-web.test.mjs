// The browser build, as a bundler would pick it (the `browser` condition of the `#platform`
// import): gRPC-Web and the OAuth2 requests over fetch, against the API's HTTP/1.1 endpoint.
// Run with `node --conditions=browser --test`; PILOTDECK_REST_URL is that endpoint.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  analyzeProjectRequests, clientCredentials, Code, createPilotdeckClient, decodeError, ImportState, uploadImportRequests,
} from '../dist/index.js';
import { env, unique } from './support.mjs';

const browserClient = (transport, options = {}) => createPilotdeckClient({
  serverUrl: env('PILOTDECK_REST_URL'),
  credentials: clientCredentials(env('PILOTDECK_CLIENT_ID'), env('PILOTDECK_CLIENT_SECRET')),
  transport,
  ...options,
});

test('browser build: gRPC-Web over fetch lists members, with a token fetched over HTTP/1.1', async () => {
  const page = await browserClient('grpc-web').identity.listMembers({ pageSize: 10 });

  assert.ok(page.members.length > 0);
});

test('browser build: Connect over fetch lists members', async () => {
  const page = await browserClient('connect').identity.listMembers({ pageSize: 10 });

  assert.ok(page.members.length > 0);
});

test('browser build: gRPC is refused with a hint to use gRPC-Web', () => {
  assert.throws(() => browserClient('grpc'), /grpc-web/);
});

// fetch cannot stream a request body, so a client stream goes as one complete body; the server
// still reads it message by message, and the answer streams back.
for (const transport of ['grpc-web', 'connect']) {
  test(`browser build: ${transport} uploads an import in chunks and watches it plan`, async () => {
    const client = browserClient(transport);
    const csv = new TextEncoder().encode(`userName,roles\n${unique('ts-browser')}@example.com,ANALYST\nnot-an-email,ANALYST\n`);

    const { import: planned } = await client.imports.uploadImport(uploadImportRequests('identities', csv, { fileName: 'people.csv', chunkBytes: 16 }));
    const states = [];
    for await (const update of client.imports.watchImport({ importId: planned.importId })) states.push(update.import.state);

    assert.equal(planned.sourceFileName, 'people.csv');
    assert.deepEqual([planned.createdCount, planned.rejectedCount], [1n, 1n]);
    assert.equal(states.at(-1), ImportState.PLANNED);
  });
}

test('browser build: a dbt manifest goes to Guardian in many chunks', async () => {
  const manifest = readFileSync(env('PILOTDECK_MANIFEST')); // what a File's bytes would be
  const projectName = unique('ts-browser-guardian');

  const { analysis } = await browserClient('connect').guardian.analyzeProject(analyzeProjectRequests({ manifest, projectName, chunkBytes: 64 * 1024 }));

  assert.ok(manifest.byteLength > 2 * 64 * 1024, 'the manifest must take several chunks');
  assert.equal(analysis.projectName, projectName);
  assert.ok(analysis.coverage.models.total > 0);
});

test('browser build: a message over maxSendMessageBytes fails in the client', async () => {
  const error = await browserClient('grpc-web', { maxSendMessageBytes: 1024 }).identity.getMember({ userId: 'u'.repeat(2048) })
    .then(() => assert.fail('succeeded'), e => e);

  assert.equal(decodeError(error).code, Code.ResourceExhausted);
  assert.match(error.rawMessage, /writeMaxBytes/); // connect's wording: the client refused it
});
