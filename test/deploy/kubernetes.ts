import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseAllDocuments } from 'yaml';

// The models are CommonJS files per type, loaded by name (an import() of a computed path puzzles Vite).
const require = createRequire(import.meta.url);

/** One object of a manifest file, as kubectl would read it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [key: string]: unknown };
  [key: string]: unknown;
}

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

/** Every YAML document of the files in `dir` (kustomization.yaml aside), with the file it came from. */
export function readManifests(dir: string): { file: string; object: K8sObject }[] {
  return fs
    .readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name) && name !== 'kustomization.yaml')
    .sort()
    .flatMap((file) =>
      parseYamlDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map((object) => ({ file, object: object as K8sObject })),
    );
}

/** All documents of a YAML text; a syntax error throws instead of yielding a partial document. */
export function parseYamlDocuments(text: string): unknown[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message).join('\n'));
    return doc.toJS();
  });
}

/**
 * Validates one object against the Kubernetes OpenAPI schema of its apiVersion and kind, with the
 * schemas kubernetes-models ships (no network). Returns the problems; none means valid. An
 * apiVersion/kind the schemas do not know is a problem too (a typo there would otherwise pass).
 */
export function validateK8sObject(object: unknown): string[] {
  if (!object || typeof object !== 'object') return ['not a mapping'];
  const { apiVersion, kind } = object as Partial<K8sObject>;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['apiVersion and kind are required'];
  if (!/^[a-z0-9.]+(\/v[0-9a-z]+)?$/.test(apiVersion) || !/^[A-Za-z]+$/.test(kind)) return [`not a Kubernetes type: ${apiVersion} ${kind}`];
  let model: ModelClass;
  try {
    const exports = require(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, ModelClass>;
    model = exports[kind]!;
  } catch {
    return [`unknown apiVersion/kind ${apiVersion} ${kind}`];
  }
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}
