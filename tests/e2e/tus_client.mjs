// A real tus client (tus-js-client from npm) against `walkthrough serve`, for tus_client_test:
//   node tus_client.mjs --endpoint URL --token TOKEN --file VIDEO --chunk BYTES
//                       [--title T] [--stop-after BYTES] [--upload-url URL]
// Uploads VIDEO in chunks of BYTES. With --stop-after it aborts once that much is sent and prints
// {"stopped": offset, "upload_url"}; with --upload-url it resumes that upload (HEAD, then PATCH from
// the server's offset). On success it prints {"recording", "upload_url", "offsets"}; on failure
// {"error"} and exits 1.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as tus from 'tus-js-client';

const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const video = readFileSync(args.file);
const stopAfter = args['stop-after'] ? Number(args['stop-after']) : Infinity;
let recording = null;
const offsets = [];

const upload = new tus.Upload(video, {
  endpoint: args.endpoint,
  uploadUrl: args['upload-url'] || null,
  chunkSize: Number(args.chunk),
  retryDelays: [],
  headers: { Authorization: `Bearer ${args.token}` },
  // Sent once, when the upload is made: a resumed upload keeps what its first run said.
  metadata: { filename: basename(args.file), tag: 'tus', ...(args.title ? { title: args.title } : {}) },
  onAfterResponse(req, res) {
    const id = res.getHeader('Walkthrough-Recording');
    if (id) recording = id;
  },
  onChunkComplete(_size, accepted) {
    offsets.push(accepted);
    if (accepted >= stopAfter && accepted < video.length) {
      upload.abort().then(() => {
        console.log(JSON.stringify({ stopped: accepted, upload_url: upload.url }));
        process.exit(0);
      });
    }
  },
  onSuccess() {
    console.log(JSON.stringify({ recording, upload_url: upload.url, offsets }));
    process.exit(recording ? 0 : 1);
  },
  onError(error) {
    console.log(JSON.stringify({ error: String(error) }));
    process.exit(1);
  },
});
upload.start();
