import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, isUnionType } from 'graphql';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The `…Result` unions are written by hand next to the services that fill them. A refusal a
 * union lacks reaches the client as a 500 ("must resolve to an Object type"), a member nothing
 * produces is a promise the API never keeps. This derives, from the server's source, which
 * error types each mutation can produce — every `refuse(X, …)` / `makeError(X, …)` reachable
 * from the resolver method through calls into server/src — and compares with the SDL.
 */
const serverDir = fileURLToPath(new URL('../../server/', import.meta.url));
const schemaFile = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url));

/** The two functions that turn an error class into a result; their first argument is the class. */
const SINKS = new Set(['refuse', 'makeError']);

function loadProgram() {
  const configPath = ts.findConfigFile(serverDir, ts.sys.fileExists, 'tsconfig.json')!;
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram(config.fileNames, config.options);
  return { program, checker: program.getTypeChecker() };
}

function producedByMutation(): Map<string, Set<string>> {
  const { program, checker } = loadProgram();
  const memo = new Map<ts.Node, Set<string>>();
  const ownSource = (node: ts.Node) => {
    const file = node.getSourceFile();
    return !file.isDeclarationFile && file.fileName.startsWith(`${serverDir}src/`);
  };

  /** Errors produced by a function-like declaration's body and everything it calls in server/src. */
  function produced(decl: ts.Node): Set<string> {
    const known = memo.get(decl);
    if (known) return known;
    const out = new Set<string>();
    memo.set(decl, out); // recursion: a cycle adds nothing new
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        const callee = node.expression;
        const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
        const first = node.arguments?.[0];
        if (SINKS.has(name) && first && ts.isIdentifier(first)) {
          out.add(first.text);
        } else {
          let symbol = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
          if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
          for (const d of symbol?.declarations ?? []) {
            if (!ownSource(d)) continue;
            const body = ts.isVariableDeclaration(d) ? d.initializer : d;
            if (body && (ts.isFunctionLike(body) || ts.isClassDeclaration(body))) {
              for (const e of produced(body)) out.add(e);
            }
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(decl, visit);
    return out;
  }

  const byMutation = new Map<string, Set<string>>();
  for (const file of program.getSourceFiles()) {
    if (!ownSource(file) || !file.fileName.endsWith('.resolver.ts')) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isMethodDeclaration(node)) {
        const mutation = ts.getDecorators(node)?.find((d) => {
          const e = d.expression;
          return ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Mutation';
        });
        if (mutation) {
          const call = mutation.expression as ts.CallExpression;
          const options = call.arguments[1];
          const nameProp =
            options && ts.isObjectLiteralExpression(options)
              ? options.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'name')
              : undefined;
          const field =
            nameProp && ts.isPropertyAssignment(nameProp) && ts.isStringLiteral(nameProp.initializer)
              ? nameProp.initializer.text
              : (node.name as ts.Identifier).text;
          byMutation.set(field, produced(node));
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return byMutation;
}

describe('mutation result unions', () => {
  it('list exactly the error types the mutation can produce', () => {
    const schema = buildSchema(fs.readFileSync(schemaFile, 'utf8'));
    const errorResult = schema.getType('ErrorResult')!;
    const produced = producedByMutation();
    const mismatches: string[] = [];
    // A union shared by several mutations (create/update) must cover each, and each member must come from one of them.
    const producedByUnion = new Map<string, { listed: string[]; canProduce: Set<string>; fields: string[] }>();
    let checked = 0;
    for (const field of Object.values(schema.getMutationType()!.getFields())) {
      const type = field.type.toString().replace(/!$/, '');
      const union = schema.getType(type);
      if (!isUnionType(union)) continue;
      const listed = union
        .getTypes()
        .filter((t) => schema.isSubType(errorResult as never, t))
        .map((t) => t.name)
        .sort();
      const canProduce = [...(produced.get(field.name) ?? [])].sort();
      expect(produced.has(field.name), `no resolver method found for ${field.name}`).toBe(true);
      checked++;
      const missing = canProduce.filter((e) => !listed.includes(e));
      if (missing.length) mismatches.push(`${union.name} lacks ${missing.join(', ')} (${field.name} can produce it)`);
      const entry = producedByUnion.get(union.name) ?? { listed, canProduce: new Set<string>(), fields: [] };
      canProduce.forEach((e) => entry.canProduce.add(e));
      entry.fields.push(field.name);
      producedByUnion.set(union.name, entry);
    }
    for (const [name, { listed, canProduce, fields }] of producedByUnion) {
      const unused = listed.filter((e) => !canProduce.has(e));
      if (unused.length) mismatches.push(`${name} lists ${unused.join(', ')}, which ${fields.join(' / ')} never produces`);
    }
    expect(checked).toBeGreaterThan(10);
    expect(mismatches).toEqual([]);
  });
});
