#!/usr/bin/env node
// A deliberately slow consumer for the back-pressure bench: reads stdin in pieces of at most CHUNK bytes, pausing
// DELAY ms between pieces, and prints the byte count at the end. Usage: node slow-reader.mjs [chunkBytes] [delayMs]
const chunk = Number(process.argv[2] ?? 65536);
const delay = Number(process.argv[3] ?? 2);
let total = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (;;) {
  const piece = process.stdin.read(chunk) ?? process.stdin.read();
  if (piece === null) {
    if (process.stdin.readableEnded) break;
    await new Promise((r) => {
      const done = () => {
        process.stdin.off('readable', done);
        process.stdin.off('end', done);
        r();
      };
      process.stdin.on('readable', done);
      process.stdin.on('end', done);
    });
    continue;
  }
  total += piece.length;
  await sleep(delay);
}
process.stdout.write(`${total}\n`);
