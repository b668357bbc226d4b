import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { test } from 'node:test';
import { AnalysisView, analyzeProjectRequests } from '../dist/index.js';
import { env, partnerClient, unique } from './support.mjs';

test('stream a dbt manifest from disk to Guardian in chunks and read the stored analysis back', async () => {
  const client = partnerClient();
  const projectName = unique('ts-sdk-upload');
  const sent = { chunks: 0 };
  // Client streaming: the SDK sends the metadata first, then the manifest in chunks, and half-closes when the generator ends.
  async function* counted(requests) {
    for await (const request of requests) {
      if (request.payload.case === 'manifestChunk') sent.chunks++;
      yield request;
    }
  }

  const requests = analyzeProjectRequests({ manifest: createReadStream(env('PILOTDECK_MANIFEST')), projectName, chunkBytes: 64 * 1024 });
  const response = await client.guardian.analyzeProject(counted(requests));

  assert.ok(sent.chunks > 1, `the manifest went in ${sent.chunks} chunk(s); the scenario must stream several`);
  const analysis = response.analysis;
  assert.equal(analysis.projectName, projectName);
  assert.ok(analysis.coverage.models.total > 0, 'jaffle_shop has models');
  const stored = await client.guardian.getAnalysis({ analysisId: analysis.analysisId, view: AnalysisView.BASIC });
  assert.equal(stored.analysis.analysisId, analysis.analysisId);
  assert.equal(stored.analysis.gapCount, analysis.gapCount);
});
