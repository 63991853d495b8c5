// A message content (and every other request union told apart by a property: actions, Flex containers, token
// grants) reports the issues of the branch its `type` names, not one or more per branch; a missing or unknown
// `type` is one issue naming the allowed values. Each refused body reaches no server; every documented example
// still goes out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestValidationError, type ValidationIssue } from "../../src/index.js";
import { createChatworkClient, type ChatworkClient } from "../../src/chatwork/index.js";
import { createLineWorksClient, type LineWorksClient } from "../../src/lineworks/index.js";
import { json, startFaultServer, type FaultServer } from "../support/fault-server.js";
import { loadSpec } from "../support/spec-examples.js";

const BOT = 2000001;
const USER = "userf7da-f82c-4284-13e7-030f3b4c756x";
const CONTENT_TYPES = [
  "text",
  "sticker",
  "image",
  "file",
  "link",
  "audio",
  "video",
  "location",
  "button_template",
  "list_template",
  "carousel",
  "image_carousel",
  "flex",
];

let server: FaultServer;
let client: LineWorksClient;
let chatwork: ChatworkClient;
beforeAll(async () => {
  server = await startFaultServer((_req, res) => json(res, 201, {}));
  client = createLineWorksClient({ auth: { accessToken: "union-token" }, baseUrl: server.url, retry: false });
  chatwork = createChatworkClient({ token: "union-token", baseUrl: server.url, retry: false });
});
afterAll(async () => {
  await Promise.all([client.close(), chatwork.close()]);
  await server.close();
});

function sendToUser(content: unknown) {
  return client.POST("/bots/{botId}/users/{userId}/messages", {
    params: { path: { botId: BOT, userId: USER } },
    body: { content } as never,
  });
}

/** The issues a refused call reports, as field, rule and message; fails when anything reached the server. */
async function issuesOf(send: () => Promise<unknown>): Promise<Pick<ValidationIssue, "field" | "rule" | "message">[]> {
  const before = server.received.length;
  const error = await send().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestValidationError);
  expect(server.received.length).toBe(before);
  return (error as RequestValidationError).issues.map(({ field, rule, message }) => ({ field, rule, message }));
}

const ALL_TYPES = `must be one of ${JSON.stringify(CONTENT_TYPES)}`;
const required = (field: string) => ({ field, rule: "required", message: "is required" });

describe("a message content reports only the issues of the type it names", () => {
  it("a missing field is one issue on that field, for text, sticker and location", async () => {
    expect(await issuesOf(() => sendToUser({ type: "text" }))).toEqual([required("body.content.text")]);
    expect(await issuesOf(() => sendToUser({ type: "sticker", packageId: "1" }))).toEqual([
      required("body.content.stickerId"),
    ]);
    const location = { type: "location", title: "本社", latitude: 35.6581, longitude: 139.7017 };
    expect(await issuesOf(() => sendToUser(location))).toEqual([required("body.content.address")]);
  });

  it("a broken limit is one issue with its rule: a 2,001-character text is maxLength on body.content.text", async () => {
    expect(await issuesOf(() => sendToUser({ type: "text", text: "あ".repeat(2001) }))).toEqual([
      { field: "body.content.text", rule: "maxLength", message: "must NOT have more than 2000 characters" },
    ]);
  });

  it("an unknown or non-string type is one enum issue on body.content.type naming the 13 types", async () => {
    const issue = { field: "body.content.type", rule: "enum", message: ALL_TYPES };
    expect(await issuesOf(() => sendToUser({ type: "texts", text: "会議" }))).toEqual([issue]);
    expect(await issuesOf(() => sendToUser({ type: 7, text: "会議" }))).toEqual([issue]);
  });

  it("a missing type is one required issue on body.content.type naming the 13 types", async () => {
    expect(await issuesOf(() => sendToUser({ text: "会議" }))).toEqual([
      { field: "body.content.type", rule: "required", message: `is required, one of ${JSON.stringify(CONTENT_TYPES)}` },
    ]);
  });

  it("the issue's params carry the allowed values, not the value sent", async () => {
    const error = (await sendToUser({ type: "secret-looking-value" }).catch(
      (e: unknown) => e,
    )) as RequestValidationError;
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.params).toEqual({ allowedValues: CONTENT_TYPES });
    expect(JSON.stringify(error.issues)).not.toContain("secret-looking-value");
  });
});

describe("nested unions: Flex containers, actions", () => {
  const flex = (contents: unknown) => ({ type: "flex", altText: "週報", contents });

  it("a Flex container of an unknown or missing type is one issue on body.content.contents.type", async () => {
    expect(await issuesOf(() => sendToUser(flex({ type: "bubbles" })))).toEqual([
      { field: "body.content.contents.type", rule: "enum", message: 'must be one of ["bubble","carousel"]' },
    ]);
    expect(await issuesOf(() => sendToUser(flex({})))).toEqual([
      { field: "body.content.contents.type", rule: "required", message: 'is required, one of ["bubble","carousel"]' },
    ]);
  });

  it("a Flex carousel without its bubbles reports that field only", async () => {
    expect(await issuesOf(() => sendToUser(flex({ type: "carousel" })))).toEqual([
      required("body.content.contents.contents"),
    ]);
  });

  it("a quick-reply message action without text, or an action without type, is one issue", async () => {
    const quick = (action: object) => ({ type: "text", text: "選んでください", quickReply: { items: [{ action }] } });
    expect(await issuesOf(() => sendToUser(quick({ type: "message", label: "はい" })))).toEqual([
      required("body.content.quickReply.items.0.action.text"),
    ]);
    expect(await issuesOf(() => sendToUser(quick({ label: "はい" })))).toEqual([
      {
        field: "body.content.quickReply.items.0.action.type",
        rule: "required",
        message: 'is required, one of ["postback","message","uri","camera","cameraRoll","location","copy"]',
      },
    ]);
  });

  it("a button template names the action types it allows, and a missing label is that one issue", async () => {
    const template = (action: object) => ({ type: "button_template", contentText: "申請", actions: [action] });
    expect(await issuesOf(() => sendToUser(template({ type: "postback", label: "承認", data: "ok" })))).toEqual([
      { field: "body.content.actions.0.type", rule: "enum", message: 'must be one of ["message","uri","copy"]' },
    ]);
    expect(await issuesOf(() => sendToUser(template({ type: "uri", uri: "https://keihi.example.co.jp/" })))).toEqual([
      required("body.content.actions.0.label"),
    ]);
  });
});

describe("every documented message example still goes out", () => {
  const spec = loadSpec("lineworks");
  const examplesOf = (route: string) => {
    const media = (spec.paths[route]?.post?.requestBody as { content: Record<string, { examples: object }> }).content[
      "application/json"
    ]!;
    return Object.entries(media.examples as Record<string, { value: { content: { type: string } } }>);
  };
  const toUser = examplesOf("/bots/{botId}/users/{userId}/messages");
  const toChannel = examplesOf("/bots/{botId}/channels/{channelId}/messages");

  it("the examples cover the 13 content types", () => {
    expect(new Set(toUser.map(([, e]) => e.value.content.type))).toEqual(new Set(CONTENT_TYPES));
  });

  it.each(toUser)("to a user: %s", async (_name, example) => {
    const before = server.received.length;
    const { error } = await sendToUser(example.value.content);
    expect(error).toBeUndefined();
    expect(server.received.length).toBe(before + 1);
    expect(JSON.parse(server.received.at(-1)!.body)).toEqual(example.value);
  });

  it.each(toChannel)("to a channel: %s", async (_name, example) => {
    const before = server.received.length;
    const { error } = await client.POST("/bots/{botId}/channels/{channelId}/messages", {
      params: { path: { botId: BOT, channelId: "12345a12-b12c-12d3-e123fghijkl" } },
      body: example.value as never,
    });
    expect(error).toBeUndefined();
    expect(server.received.length).toBe(before + 1);
  });
});

describe("other request unions", () => {
  it("a token request names the grant it is missing a field of, or the grants when grant_type is absent", async () => {
    const token = (body: object) => () => client.POST("/token", { body: body as never });
    const secrets = { client_id: "client-1", client_secret: "s3cr3t" };
    expect(await issuesOf(token({ grant_type: "refresh_token", ...secrets }))).toEqual([
      required("body.refresh_token"),
    ]);
    expect(await issuesOf(token(secrets))).toEqual([
      {
        field: "body.grant_type",
        rule: "required",
        message:
          'is required, one of ["urn:ietf:params:oauth:grant-type:jwt-bearer","refresh_token","authorization_code"]',
      },
    ]);
  });

  it("a Chatwork body reports what it reported before: one issue per broken field", async () => {
    const send = () => chatwork.POST("/rooms", { body: { name: "", members_admin_ids: "1,x" } });
    expect(await issuesOf(send)).toEqual([
      { field: "body.name", rule: "minLength", message: "must NOT have fewer than 1 characters" },
      {
        field: "body.members_admin_ids",
        rule: "pattern",
        message:
          'must be account ids separated by commas without spaces (e.g. "123,542,1001"), or an array of ids (e.g. [123, 542, 1001])',
      },
    ]);
  });
});

describe("the specs and the generator", () => {
  type Node = Record<string, unknown>;
  const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null;
  const refTarget = (spec: Node, ref: string): unknown =>
    ref
      .slice(2)
      .split("/")
      .reduce<unknown>((node, key) => (isNode(node) ? node[key] : undefined), spec);
  const resolve = (spec: Node, node: unknown): unknown =>
    isNode(node) && typeof node.$ref === "string" ? resolve(spec, refTarget(spec, node.$ref)) : node;

  /** The property every branch pins with a string `const`, when there is one: what tells the branches apart. */
  function commonTag(spec: Node, branches: unknown[]): string | undefined {
    const pinned = branches.map((branch) => {
      const properties = (resolve(spec, branch) as Node | undefined)?.properties;
      return Object.entries(isNode(properties) ? properties : {})
        .filter(([, schema]) => isNode(schema) && typeof schema.const === "string")
        .map(([name]) => name);
    });
    return pinned[0]?.find((name) => pinned.every((names) => names.includes(name)));
  }

  /** Every oneOf reachable from the request bodies of a spec, with where it is. */
  function requestUnions(spec: Node): [string, Node][] {
    const found: [string, Node][] = [];
    const seen = new Set<unknown>();
    const walk = (node: unknown, where: string): void => {
      if (!isNode(node) || seen.has(node)) return;
      seen.add(node);
      if (typeof node.$ref === "string") return walk(refTarget(spec, node.$ref), node.$ref);
      if (Array.isArray(node.oneOf)) found.push([where, node]);
      for (const [key, value] of Object.entries(node)) {
        if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${where}/${key}/${i}`));
        else walk(value, `${where}/${key}`);
      }
    };
    for (const [route, item] of Object.entries(spec.paths as Record<string, Record<string, Node>>)) {
      for (const operation of Object.values(item)) walk(operation.requestBody, `${route} request body`);
    }
    return found;
  }

  it.each(["chatwork", "line", "lineworks", "lineworks-v1"])(
    "%s: every request union whose branches pin one property declares it as discriminator",
    (api) => {
      const spec = loadSpec(api) as Node;
      const undeclared = requestUnions(spec)
        .filter(([, union]) => commonTag(spec, union.oneOf as unknown[]) !== undefined)
        .filter(([, union]) => (union.discriminator as Node | undefined)?.propertyName === undefined)
        .map(([where]) => where);
      expect(undeclared).toEqual([]);
    },
  );

  it("finds the LINE WORKS unions: message content, Flex containers, the seven action unions, token grants", () => {
    const spec = loadSpec("lineworks") as Node;
    const tags = requestUnions(spec)
      .map(([, union]) => (union.discriminator as Node | undefined)?.propertyName)
      .filter((tag) => tag !== undefined);
    expect(tags.sort()).toEqual(["grant_type", ...Array<string>(9).fill("type")]);
  });

  it("the generator refuses a discriminator whose mapping disagrees with the branches' const", async () => {
    const { validatorSchemas } = (await import(new URL("../../scripts/lib/validators.mjs", import.meta.url).href)) as {
      validatorSchemas: (spec: unknown, options: { standalone: boolean }) => unknown;
    };
    const branch = (type: string) => ({ type: "object", required: ["type"], properties: { type: { const: type } } });
    const specWith = (mapping: Record<string, string>) => ({
      paths: {},
      components: {
        schemas: {
          A: branch("a"),
          B: branch("b"),
          AOrB: {
            oneOf: [{ $ref: "#/components/schemas/A" }, { $ref: "#/components/schemas/B" }],
            discriminator: { propertyName: "type", mapping },
          },
        },
      },
    });
    const right = { a: "#/components/schemas/A", b: "#/components/schemas/B" };
    expect(() => validatorSchemas(specWith(right), { standalone: false })).not.toThrow();
    expect(() => validatorSchemas(specWith({ ...right, b: "#/components/schemas/A" }), { standalone: false })).toThrow(
      /mapping must be exactly \["a","b"\]/,
    );
    expect(() => validatorSchemas(specWith({ a: right.a }), { standalone: false })).toThrow(/mapping/);
  });
});
