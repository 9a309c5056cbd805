// ort_run.js runs ONNX models with ONNX Runtime (npm onnxruntime-node).
// Standard input: a JSON array of runs, each
//   {"model": "path.onnx", "feeds": {"name": {"type": "int64"|"float32"|"int32",
//                                              "dims": [..], "data": [..]}}}
// Standard output: a JSON array of the runs' outputs, each
//   {"name": {"type": .., "dims": [..], "data": [..]}}.
// It needs nothing but Node.js and the package onnxruntime-node
// (found through NODE_PATH); rnnzoo's tests run it (package interop/onnx).
'use strict';
const ort = require('onnxruntime-node');

const arrays = {
  float32: (d) => Float32Array.from(d),
  int32: (d) => Int32Array.from(d),
  int64: (d) => BigInt64Array.from(d.map((v) => BigInt(v))),
};

async function main() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const runs = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const sessions = new Map();
  const results = [];
  for (const run of runs) {
    let s = sessions.get(run.model);
    if (!s) {
      s = await ort.InferenceSession.create(run.model);
      sessions.set(run.model, s);
    }
    const feeds = {};
    for (const [name, t] of Object.entries(run.feeds)) {
      const make = arrays[t.type];
      if (!make) throw new Error(`feed ${name}: type ${t.type} (want float32, int32 or int64)`);
      feeds[name] = new ort.Tensor(t.type, make(t.data), t.dims);
    }
    const out = await s.run(feeds);
    const res = {};
    for (const [name, t] of Object.entries(out)) {
      res[name] = { type: t.type, dims: Array.from(t.dims), data: Array.from(t.data, (v) => Number(v)) };
    }
    results.push(res);
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
