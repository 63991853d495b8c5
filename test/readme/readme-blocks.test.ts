// Every ```ts block of README.md compiles against the package's sources, as a user's file importing
// `bizchat-openapi`, `bizchat-openapi/chatwork`, … would. Each block is its own module, preceded by declarations
// of the free names it uses (a token, a request id, an Express `req`), so a snippet stays a snippet.
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { expect, it } from "vitest";
import { root, typeCheck } from "../types/compile.js";

interface Block {
  index: number;
  /** 1-based README line of the block's first code line. */
  line: number;
  heading: string;
  code: string;
}

function readmeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  let heading = "(top)";
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (/^#{1,6} /.test(text)) heading = text.replace(/^#+ /, "");
    if (text.trim() !== "```ts") continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === "```");
    blocks.push({ index: blocks.length + 1, line: i + 2, heading, code: lines.slice(i + 1, end).join("\n") });
    i = end;
  }
  return blocks;
}

// Express's own types are not installed here: these are the parts of them the snippets use, as Express declares
// them (express.raw() makes `body` a Buffer; `query` values come from the qs parser).
const EXPRESS = `interface ParsedQs { [key: string]: undefined | string | string[] | ParsedQs | ParsedQs[] }
interface ExpressRequest { body: Buffer; query: ParsedQs; get(name: string): string | undefined }
interface ExpressResponse { status(code: number): ExpressResponse; end(): ExpressResponse }`;

/** Declarations of the free names the snippets use; one is added to a block only when the block does not declare it. */
const PRELUDE: Record<string, string> = {
  createChatworkClient: 'import { createChatworkClient } from "bizchat-openapi/chatwork";',
  chatwork: 'declare const chatwork: import("bizchat-openapi/chatwork").ChatworkClient;',
  token: "declare const token: string;",
  code: "declare const code: string;",
  chatId: "declare const chatId: string;",
  rawBody: "declare const rawBody: string;",
  channelSecret: "declare const channelSecret: string;",
  botSecret: "declare const botSecret: string;",
  req: `${EXPRESS}\ndeclare const req: ExpressRequest;`,
  res: "declare const res: ExpressResponse;",
  // What `await readFile("hanako.png")` gives.
  png: 'declare const png: import("node:buffer").NonSharedBuffer;',
  contactId: "declare const contactId: string;",
  apiId: "declare const apiId: string;",
  consumerKey: "declare const consumerKey: string;",
  serverToken: "declare const serverToken: string;",
  name: "declare const name: string;",
  description: "declare const description: string;",
  photoUrl: "declare const photoUrl: string;",
  managerList: "declare const managerList: string[];",
  clientId: "declare const clientId: string;",
  clientSecret: "declare const clientSecret: string;",
  serviceAccount: "declare const serviceAccount: string;",
  privateKey: "declare const privateKey: string;",
};

/** Names a block declares at its top level (imports, variables, functions, classes). */
function declaredNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.add(e.name.text);
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      names.add(statement.name.text);
    }
  }
  return names;
}

function usedNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node)) names.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

function prelude(code: string): string {
  const source = ts.createSourceFile("block.ts", code, ts.ScriptTarget.ES2022, true);
  const declared = declaredNames(source);
  const used = usedNames(source);
  return Object.entries(PRELUDE)
    .filter(([name]) => used.has(name) && !declared.has(name))
    .map(([, declaration]) => declaration)
    .join("\n");
}

/** The package's entry points (package.json `exports`), mapped from their built types back to the sources. */
function packagePaths(): Record<string, string[]> {
  const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, { types?: string } | string>;
  };
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target === "string" || !target.types) continue;
    const source = target.types.replace(/^\.\/dist\//, "").replace(/\.d\.ts$/, ".ts");
    paths[path.posix.join(manifest.name, subpath)] = [path.join(root, source)];
  }
  return paths;
}

it("compiles every TypeScript block of the README", () => {
  const blocks = readmeBlocks(readFileSync(path.join(root, "README.md"), "utf8"));
  expect(blocks.length).toBeGreaterThanOrEqual(8);
  const texts = new Map<string, string>();
  const files = new Map<string, { block: Block; offset: number }>();
  for (const block of blocks) {
    const file = path.join(root, "test/readme", `.readme-block-${block.index}.ts`);
    const head = prelude(block.code);
    // `export {}`: each block is a module of its own, as a user's file would be.
    texts.set(file, `${head}\n${block.code}\nexport {};\n`);
    files.set(file, { block, offset: head.split("\n").length });
  }
  const diagnostics = typeCheck([...files.keys()], texts, { paths: packagePaths() });
  const failures = diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    const at = d.file && files.get(path.resolve(d.file.fileName));
    if (!at || d.start === undefined) return message;
    const line = d.file!.getLineAndCharacterOfPosition(d.start).line - at.offset + at.block.line;
    return `README.md:${line} (block ${at.block.index}, "${at.block.heading}"): ${message}`;
  });
  expect(failures).toEqual([]);
}, 300_000);
