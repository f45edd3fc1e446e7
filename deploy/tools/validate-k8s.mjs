// Validates Kubernetes manifests (multi-document YAML on stdin) against the API schemas that the
// npm package kubernetes-models ships: unknown fields, wrong types and missing required fields fail.
import yaml from "js-yaml";
import fs from "node:fs";
const docs = yaml.loadAll(fs.readFileSync(0, "utf8")).filter(Boolean);
let failed = 0;
for (const doc of docs) {
  const name = `${doc.apiVersion} ${doc.kind}/${doc.metadata && doc.metadata.name}`;
  try {
    const [group, version] = doc.apiVersion.includes("/")
      ? doc.apiVersion.split("/")
      : [null, doc.apiVersion];
    const mod = await import(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`);
    const Model = mod[doc.kind];
    if (!Model) throw new Error("no schema for this kind");
    new Model(doc).validate();
    console.log(`ok    ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${name}: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
