import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { errorMessage, humanSize, layerMessage, progressBar, progressMessage, statusMessage } from './progress.js';

describe('progress messages', () => {
  it('print sizes as Docker does', () => {
    assert.equal(humanSize(527), '527B');
    assert.equal(humanSize(36445), '36.45kB');
    assert.equal(humanSize(1064458), '1.064MB');
    assert.equal(humanSize(1000000), '1MB');
    assert.equal(humanSize(0), '0B');
  });
  it('draw the bar as the docker daemon does', () => {
    assert.equal(progressBar(36445, 1064458), `[=>${' '.repeat(49)}]  36.45kB/1.064MB`);
    assert.equal(progressBar(1064458, 1064458), `[${'='.repeat(50)}>]  1.064MB/1.064MB`);
    assert.equal(progressBar(1986560, 1982270), `[${'='.repeat(50)}>]  1.987MB`);
  });
  it('have the shapes the docker CLI reads', () => {
    assert.deepEqual(statusMessage('Pulling from test/bb', '1'), { status: 'Pulling from test/bb', id: '1' });
    assert.deepEqual(statusMessage('Digest: sha256:x'), { status: 'Digest: sha256:x' });
    assert.equal(JSON.stringify(layerMessage('Pulling fs layer', '6456e13ea75e')), '{"status":"Pulling fs layer","progressDetail":{},"id":"6456e13ea75e"}');
    assert.equal(JSON.stringify(progressMessage('Downloading', 'abc', 1, 2)), `{"status":"Downloading","progressDetail":{"current":1,"total":2},"progress":"${progressBar(1, 2)}","id":"abc"}`);
    assert.deepEqual(errorMessage('boom'), { errorDetail: { message: 'boom' }, error: 'boom' });
  });
});
