// Reads an HDF file as Heimdall does, with MITRE's inspecjs (the HDF
// schema's parser, which @mitre/hdf-converters and Heimdall use): it must
// parse as exec-json 1.0, and each control's status is Heimdall's.
// Usage: node heimdall-read.cjs FILE; prints {"errors":...} or the controls.
'use strict';
const fs = require('fs');
const inspecjs = require('inspecjs');
const text = fs.readFileSync(process.argv[2], 'utf8');
const parsed = inspecjs.convertFile(text, true);
if (!parsed['1_0_ExecJson']) {
  console.log(JSON.stringify({errors: String(parsed.errors && parsed.errors['1_0_ExecJson'])}));
  process.exit(0);
}
const evaluation = inspecjs.contextualizeEvaluation(parsed['1_0_ExecJson']);
const controls = [];
for (const profile of evaluation.contains) {
  for (const c of profile.contains) {
    const h = c.root.hdf;
    controls.push({profile: profile.data.name, id: h.wraps.id, status: h.status, severity: h.severity, rid: h.wraps.tags.rid, stig_id: h.wraps.tags.stig_id, cci: h.wraps.tags.cci, nist: h.wraps.tags.nist});
  }
}
console.log(JSON.stringify({controls}));
