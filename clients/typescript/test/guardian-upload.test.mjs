import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { AnalysisView, AnalyzeProjectRequestSchema } from '../dist/index.js';
import { env, partnerClient, unique } from './support.mjs';

const CHUNK_BYTES = 64 * 1024;

// Client streaming: the metadata first, then the manifest in chunks; the SDK half-closes when the generator ends.
async function* upload(manifest, projectName, sent) {
  yield create(AnalyzeProjectRequestSchema, { payload: { case: 'metadata', value: { projectName } } });
  for (let offset = 0; offset < manifest.length; offset += CHUNK_BYTES) {
    sent.chunks++;
    yield create(AnalyzeProjectRequestSchema, { payload: { case: 'manifestChunk', value: manifest.subarray(offset, offset + CHUNK_BYTES) } });
  }
}

test('stream a dbt manifest to Guardian in chunks and read the stored analysis back', async () => {
  const client = partnerClient();
  const manifest = readFileSync(env('PILOTDECK_MANIFEST'));
  const projectName = unique('ts-sdk-upload');
  const sent = { chunks: 0 };

  const response = await client.guardian.analyzeProject(upload(manifest, projectName, sent));

  assert.ok(sent.chunks > 1, `the manifest went in ${sent.chunks} chunk(s); the scenario must stream several`);
  const analysis = response.analysis;
  assert.equal(analysis.projectName, projectName);
  assert.ok(analysis.coverage.models.total > 0, 'jaffle_shop has models');
  const stored = await client.guardian.getAnalysis({ analysisId: analysis.analysisId, view: AnalysisView.BASIC });
  assert.equal(stored.analysis.analysisId, analysis.analysisId);
  assert.equal(stored.analysis.gapCount, analysis.gapCount);
});
