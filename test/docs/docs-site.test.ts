// The rendered docs site in a real browser: `node scripts/docs.mjs` builds docs/, a tiny local HTTP server serves it
// (with README.md next to it, as in the repository, so the index's usage-guide link resolves), and headless Chromium
// opens every page. Checked: the index has one card per API family with the spec's counts and only working links;
// every operation summary and every webhook (name and summary) of a spec shows on its Redoc page; no console errors,
// no uncaught exceptions and no request leaving the machine. Full-page screenshots go to test-results/screenshots/.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import yaml from "js-yaml";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { chromiumPath as chromiumAt } from "../../scripts/lib/system-tools.mjs";
import { describeNeeding } from "../support/system-tools.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const docsDir = path.join(root, "docs");
const readme = path.join(root, "README.md");
const screenshotDir = path.join(root, "test-results", "screenshots");
const chromiumPath = chromiumAt();
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
// The one outside request the Redoc pages make: the "API docs by Redocly" attribution logo, which Redoc hides itself
// when it cannot load. Answered locally with an empty image; any other outside request fails the test.
const REDOCLY_LOGO = /^https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(-full)?\.svg$/;
const EMPTY_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>';

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  deprecated?: boolean;
}
interface Spec {
  info: { title: string };
  tags?: { name: string; "x-displayName"?: string }[];
  paths?: Record<string, Partial<Record<string, Operation>>>;
  webhooks?: Record<string, Partial<Record<string, Operation>>>;
}
const METHODS = ["get", "put", "post", "delete", "patch"];

const apis = Object.keys((yaml.load(readFileSync(path.join(root, "redocly.yaml"), "utf8")) as { apis: object }).apis);
const loadSpec = (api: string) => yaml.load(readFileSync(path.join(root, "specs", `${api}.yaml`), "utf8")) as Spec;
const operationsOf = (items: Spec["paths"]) =>
  Object.entries(items ?? {}).flatMap(([name, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ name, operation: item[method] }] : [])),
  );

/** What must be readable on the page, grouped by the tag (sidebar entry) that shows it; "" = the landing view. */
function expectedTexts(spec: Spec): Map<string, string[]> {
  const byTag = new Map<string, string[]>();
  const add = (operation: Operation, texts: string[]) => {
    const tag = operation.tags?.[0] ?? "";
    byTag.set(tag, [...(byTag.get(tag) ?? []), ...texts]);
  };
  for (const { operation } of operationsOf(spec.paths)) {
    add(operation, [
      operation.summary ?? `${operation.operationId} (no summary)`,
      ...(operation.deprecated ? ["Deprecated"] : []),
    ]);
  }
  for (const { name, operation } of operationsOf(spec.webhooks))
    add(operation, [name, operation.summary ?? `${name} (no summary)`]);
  return byTag;
}

/** GitHub's anchor for a Markdown heading. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .replace(/\s/g, "-");

let server: Server;
let base: string;
let browser: Browser;

// A setup failure (no Chromium, docs build broken) fails every test with its message instead of leaving them skipped.
let setupFailure: Error | undefined;

async function setUp() {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: the docs browser check needs it (Debian/Ubuntu: apt-get install chromium; elsewhere set CHROMIUM_PATH).`,
    );
  }
  try {
    await promisify(execFile)(process.execPath, ["scripts/docs.mjs"], {
      cwd: root,
      timeout: 170_000,
      maxBuffer: 16 << 20,
    });
  } catch (error) {
    const { message, stdout, stderr } = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`node scripts/docs.mjs failed: ${message}\n${stdout ?? ""}${stderr ?? ""}`, { cause: error });
  }
  await mkdir(screenshotDir, { recursive: true });
  server = createServer((req, res) => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      return void res.writeHead(400).end();
    }
    // Browsers ask for /favicon.ico on their own; the docs have none, and a 404 would be logged as a console error.
    if (pathname === "/favicon.ico") return void res.writeHead(204).end();
    const file = path.join(root, pathname);
    if (file !== readme && !file.startsWith(docsDir + path.sep)) return void res.writeHead(404).end();
    const type = file.endsWith(".html")
      ? "text/html"
      : file.endsWith(".md")
        ? "text/markdown"
        : "application/octet-stream";
    readFile(file).then(
      (body) => res.writeHead(200, { "content-type": `${type}; charset=utf-8` }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

/** A fresh page that records console errors, uncaught exceptions and outside requests (blocked). */
async function openPage(): Promise<{ page: Page; errors: string[]; outside: string[] }> {
  if (setupFailure) throw setupFailure;
  const page = await browser.newPage();
  const errors: string[] = [];
  const outside: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === "127.0.0.1" || !url.protocol.startsWith("http")) return route.continue();
    if (REDOCLY_LOGO.test(url.href))
      return route.fulfill({ status: 200, contentType: "image/svg+xml", body: EMPTY_SVG });
    outside.push(url.href);
    return route.abort("blockedbyclient");
  });
  return { page, errors, outside };
}

describeNeeding(["chromium"], "docs site in headless Chromium", () => {
  beforeAll(async () => {
    try {
      await setUp();
    } catch (error) {
      setupFailure = error as Error;
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it("index.html: what the toolkit covers, one card per API family with the spec's counts, working links", async () => {
    const { page, errors, outside } = await openPage();
    try {
      await page.goto(`${base}/docs/index.html`, { waitUntil: "load" });
      await page.screenshot({ path: path.join(screenshotDir, "index.png"), fullPage: true });

      expect(await page.locator(".card").count()).toBe(apis.length);
      let operationTotal = 0;
      for (const api of apis) {
        const spec = loadSpec(api);
        const operations = operationsOf(spec.paths).map(({ operation }) => operation);
        const webhooks = Object.keys(spec.webhooks ?? {});
        operationTotal += operations.length;
        const card = page.locator(`.card[data-api="${api}"]`);
        await expect.soft(card.locator("h2").innerText(), api).resolves.toBe(spec.info.title);
        await expect
          .soft(card.locator('[data-count="operations"] strong').innerText(), api)
          .resolves.toBe(String(operations.length));
        await expect
          .soft(card.locator('[data-count="webhooks"] strong').innerText(), api)
          .resolves.toBe(String(webhooks.length));
        const webhookText = await card.locator('[data-count="webhooks"]').innerText();
        for (const name of webhooks) expect.soft(webhookText, `${api} webhook ${name}`).toContain(name);
        const deprecated = operations.filter((o) => o.deprecated);
        const deprecatedText = await card.locator('[data-count="deprecated"]').innerText();
        expect.soft(deprecatedText, api).toMatch(new RegExp(`^${deprecated.length} deprecated`));
        for (const o of deprecated) expect.soft(deprecatedText, `${api} deprecated`).toContain(String(o.operationId));
        expect.soft(await card.locator(`a[href="${api}.html"]`).count(), `${api} reference link`).toBeGreaterThan(0);
      }
      expect.soft(await page.locator("body").innerText()).toContain(`${operationTotal} operations`);

      // Every link resolves (HTTP 200), and the usage guide's anchor is a heading of the README.
      const hrefs = await page
        .locator("a[href]")
        .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
      expect(hrefs).toContain(`${base}/README.md#using-the-client`);
      for (const href of new Set(hrefs)) {
        const url = new URL(href);
        expect(url.origin, `${href} stays on the site`).toBe(base);
        const response = await fetch(url);
        expect.soft(response.status, href).toBe(200);
        const body = await response.text();
        if (url.hash && url.pathname.endsWith(".md")) {
          const anchors = [...body.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1] ?? ""));
          expect.soft(anchors, href).toContain(url.hash.slice(1));
        }
      }
      expect.soft(outside, "requests that left the machine").toEqual([]);
      expect.soft(errors, "console errors and uncaught exceptions").toEqual([]);
    } finally {
      await page.close();
    }
  });

  it.each(apis)(
    "%s.html shows every operation summary and webhook",
    async (api) => {
      const spec = loadSpec(api);
      const { page, errors, outside } = await openPage();
      try {
        const url = `${base}/docs/${api}.html`;
        await page.goto(url, { waitUntil: "load" });
        await page.waitForLoadState("networkidle");
        await page.screenshot({ path: path.join(screenshotDir, `${api}.png`), fullPage: true });
        // Redoc batches its usage beacons (otel.cloud.redocly.com) for seconds, longer than this visit; docs.mjs turns
        // them off (REDOCLY_TELEMETRY=off), which the page carries as an option.
        const html = await readFile(path.join(docsDir, `${api}.html`), "utf8");
        expect.soft(html.includes('"disableTelemetry":true'), "Redoc telemetry off in the page options").toBe(true);

        // Redoc shows a tag's operations and webhooks once its sidebar entry is opened (#/<tag-slug>).
        const missing: string[] = [];
        for (const [tag, texts] of expectedTexts(spec)) {
          if (tag) {
            const label = spec.tags?.find((t) => t.name === tag)?.["x-displayName"] ?? tag;
            const href = await page
              .getByRole("link", { name: label, exact: true })
              .first()
              .getAttribute("href", { timeout: 5_000 })
              .catch(() => null);
            if (!href) {
              missing.push(`sidebar entry for tag "${label}"`);
              continue;
            }
            await page.goto(`${url}#${href}`);
          }
          // Wait until the tag's view shows (some text of it), then give the rest a moment: a missing text costs ~2 s.
          const shows = (mode: "some" | "every", timeout: number) =>
            page
              .waitForFunction(
                ([m, wanted]) => wanted[m]((t) => document.body.innerText.includes(t)),
                [mode, texts] as const,
                { timeout },
              )
              .catch(() => undefined);
          await shows("some", 10_000);
          await shows("every", 2_000);
          const text = await page.locator("body").innerText();
          missing.push(...texts.filter((t) => !text.includes(t)).map((t) => `${tag || "(untagged)"}: ${t}`));
        }
        expect.soft(missing, "texts from the spec not visible on the page").toEqual([]);
        expect.soft(outside, "requests that left the machine").toEqual([]);
        expect.soft(errors, "console errors and uncaught exceptions").toEqual([]);
      } finally {
        await page.close();
      }
    },
    90_000,
  );
});
