// Entry for Node, Bun and Deno: runs the scenario against the base URL given as the first argument, prints JSON.
import { scenario } from "./scenario.js";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ?? process.argv.slice(2);
console.log(JSON.stringify(await scenario(args[0]!)));
