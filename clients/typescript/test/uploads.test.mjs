import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chunksOf, ImportState, RowOutcome, uploadImportRequests } from '../dist/index.js';
import { partnerClient, unique } from './support.mjs';

const bytes = length => Uint8Array.from({ length }, (_, i) => i % 251);

async function collect(iterable) {
  const items = [];
  for await (const item of iterable) items.push(item);
  return items;
}

test('chunksOf cuts uneven pieces into messages of exactly chunkBytes, the last one shorter', async () => {
  const whole = bytes(100);
  const pieces = [whole.subarray(0, 3), whole.subarray(3, 40), whole.subarray(40, 41), whole.subarray(41, 100)];

  const chunks = await collect(chunksOf(pieces, 16));

  assert.deepEqual(chunks.map(c => c.length), [16, 16, 16, 16, 16, 16, 4]);
  assert.deepEqual(Buffer.concat(chunks), Buffer.from(whole));
});

test('chunksOf reads a stream lazily: a piece is pulled only when the chunk before it has gone', async () => {
  const pulled = [];
  async function* stream() {
    for (let i = 0; i < 4; i++) {
      pulled.push(i);
      yield bytes(32);
    }
  }

  const seen = [];
  for await (const chunk of chunksOf(stream(), 32)) seen.push([chunk.length, pulled.length]);

  assert.deepEqual(seen, [[32, 1], [32, 2], [32, 3], [32, 4]]);
});

test('chunksOf reads a web ReadableStream (a browser File.stream()) and refuses a chunk size of 0', async () => {
  const stream = new Blob([bytes(10), bytes(7)]).stream();

  const chunks = await collect(chunksOf(stream, 8));

  assert.deepEqual(chunks.map(c => c.length), [8, 8, 1]);
  await assert.rejects(collect(chunksOf(bytes(1), 0)), RangeError);
});

test('uploadImportRequests streams a CSV file from disk and the server plans it', async () => {
  const client = partnerClient();
  const name = unique('ts-sdk');
  const path = join(mkdtempSync(join(tmpdir(), 'pilotdeck-')), 'people.csv');
  writeFileSync(path, `userName,roles\n${name}@example.com,ANALYST\nnot-an-email,ANALYST\n`);
  const sent = { chunks: 0 };
  async function* counted(requests) {
    for await (const request of requests) {
      if (request.payload.case === 'chunk') sent.chunks++;
      yield request;
    }
  }

  const response = await client.imports.uploadImport(counted(uploadImportRequests('identities', createReadStream(path, { highWaterMark: 7 }), { chunkBytes: 16 })));

  const planned = response.import;
  assert.ok(sent.chunks > 2, `the file went in ${sent.chunks} chunk(s)`);
  assert.equal(planned.sourceFileName, 'people.csv', 'the name comes from the read stream');
  assert.equal(planned.state, ImportState.PLANNED);
  assert.deepEqual([planned.createdCount, planned.rejectedCount], [1n, 1n]);
  const rows = await client.imports.listImportRows({ importId: planned.importId });
  assert.deepEqual(rows.rows.filter(r => r.outcome === RowOutcome.REJECTED).map(r => r.rowNumber), [2n]);
});
