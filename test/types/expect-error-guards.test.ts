// A @ts-expect-error that guards nothing is itself an error (TS2578), but one that guards the wrong error, or an
// error of another line, would still pass. This test takes every directive of the type tests out and checks that
// the line it guarded then fails to compile.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { root, typeCheck } from "./compile.js";

const DIRECTIVE = "// @ts-expect-error";
const files = [
  ...readdirSync(path.join(root, "test/types"))
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => path.join(root, "test/types", name)),
  path.join(root, "test/runtime/call-options.test.ts"),
];

it("every @ts-expect-error of the type tests guards an error on its own line", () => {
  const texts = new Map<string, string>();
  const guarded: { file: string; line: number; reason: string }[] = [];
  for (const file of files) {
    const lines = readFileSync(file, "utf8").split("\n");
    lines.forEach((text, index) => {
      if (!text.trimStart().startsWith(DIRECTIVE)) return;
      const at = text.indexOf(DIRECTIVE);
      guarded.push({ file, line: index + 1, reason: text.slice(at + DIRECTIVE.length).trim() });
      // Same line count: the guarded line keeps its number.
      lines[index] = text.slice(0, at) + "//";
    });
    texts.set(file, lines.join("\n"));
  }
  const errorsAt = new Set(
    typeCheck(files, texts).flatMap((d) =>
      d.file && d.start !== undefined
        ? [`${path.resolve(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line}`]
        : [],
    ),
  );
  const unguarded = guarded.filter((g) => !errorsAt.has(`${g.file}:${g.line}`));
  expect(unguarded.map((g) => `${path.relative(root, g.file)}:${g.line} (${g.reason})`)).toEqual([]);
  expect(guarded.length).toBeGreaterThanOrEqual(40);
  console.log(`${guarded.length} @ts-expect-error directives, each guarding an error`);
}, 300_000);
