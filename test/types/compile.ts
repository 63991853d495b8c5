// Type-checks TypeScript files with the project's own compiler options through the compiler API, optionally with
// some files' text replaced or added in memory: the type tests use it to show each @ts-expect-error guards a real
// error, the README test to compile the README's code blocks.
import path from "node:path";
import ts from "typescript";

export const root = path.resolve(import.meta.dirname, "../..");

function projectOptions(extra: ts.CompilerOptions): ts.CompilerOptions {
  const configPath = path.join(root, "tsconfig.json");
  const config: unknown = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file)).config;
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configPath);
  return { ...parsed.options, ...extra, noEmit: true, incremental: false };
}

/** Diagnostics (syntax and types) of `rootNames`, where `texts` (absolute path → contents) overrides the disk. */
export function typeCheck(
  rootNames: string[],
  texts: Map<string, string> = new Map(),
  extraOptions: ts.CompilerOptions = {},
): ts.Diagnostic[] {
  const options = projectOptions(extraOptions);
  const host = ts.createCompilerHost(options, true);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => texts.get(path.resolve(file)) ?? readFile(file);
  host.fileExists = (file) => texts.has(path.resolve(file)) || fileExists(file);
  host.getSourceFile = (file, language, onError, create) => {
    const text = texts.get(path.resolve(file));
    return text === undefined
      ? getSourceFile(file, language, onError, create)
      : ts.createSourceFile(file, text, language, true);
  };
  const program = ts.createProgram({ rootNames, options, host });
  return [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()];
}

/** "file(line,col): message", as tsc prints a diagnostic. */
export function describeDiagnostic(diagnostic: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  if (!diagnostic.file || diagnostic.start === undefined) return message;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${path.relative(root, diagnostic.file.fileName)}(${line + 1},${character + 1}): ${message}`;
}
