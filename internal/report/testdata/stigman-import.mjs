// Reads a checklist (CKLB, CKL) or an XCCDF result as STIG Manager imports
// it, with NUWCDIVNPT's own parsers (@nuwcdivnpt/stig-manager-client-modules),
// and prints what it took: the asset, and per STIG its benchmark, revision
// and every review's rule and result. Usage: node stigman-import.mjs cklb|ckl|xccdf FILE
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

const require = createRequire(process.env.NODE_PATH.split(':')[0] + '/');
const {reviewsFromCkl, reviewsFromCklb, reviewsFromXccdf} = require('@nuwcdivnpt/stig-manager-client-modules');
const [kind, file] = process.argv.slice(2);
const parse = {cklb: reviewsFromCklb, ckl: reviewsFromCkl, xccdf: reviewsFromXccdf}[kind];
const importOptions = {autoStatus: 'saved', unreviewed: 'always', unreviewedCommented: 'notchecked', emptyDetail: 'import', emptyComment: 'import', allowCustom: true};
const fieldSettings = {detail: {enabled: 'always', required: 'optional'}, comment: {enabled: 'always', required: 'optional'}};
const result = parse({data: readFileSync(file, 'utf8'), importOptions, fieldSettings, allowAccept: true, scapBenchmarkMap: new Map(), sourceRef: file});
console.log(JSON.stringify({
  target: result.target,
  checklists: result.checklists.map((c) => ({benchmarkId: c.benchmarkId, revisionStr: c.revisionStr, stats: c.stats,
    reviews: c.reviews.map((r) => ({ruleId: r.ruleId, result: r.result, detail: r.detail}))})),
}));
