import assert from 'node:assert/strict';
import { test } from 'node:test';
import { partnerClient } from './support.mjs';

for (const transport of ['grpc', 'grpc-web', 'connect']) {
  test(`list members over ${transport}`, async () => {
    const client = partnerClient({ transport });

    const page = await client.identity.listMembers({ pageSize: 50 });

    assert.ok(page.members.length > 0, 'the demo tenant has members');
    for (const member of page.members) {
      assert.ok(member.userId, 'every member has a user id');
      assert.match(member.email, /@/);
    }
  });
}

test('list members pages with page tokens', async () => {
  const client = partnerClient();
  const all = await client.identity.listMembers({ pageSize: 200 });

  const seen = [];
  let pageToken = '';
  do {
    const page = await client.identity.listMembers({ pageSize: 1, pageToken });
    seen.push(...page.members.map(m => m.userId));
    pageToken = page.nextPageToken;
  } while (pageToken);

  assert.deepEqual(seen, all.members.map(m => m.userId));
});
