// Webhook helpers under garbage. The documented contract (README "Webhooks"): `verify…Signature` returns
// a boolean and never throws; `parse…` verifies, then sorts the events, and throws only WebhookVerificationError
// (reason `signature` or `json`): a signed JSON body is always delivered, events that break the spec as `invalid`. Thousands of seeded random inputs check both, with an independent oracle
// (node:crypto) for the boolean. Then timing: a signature that differs in its first byte must take as long to
// reject as one that differs in its last byte, and the same harness must catch an early-exit comparison.
import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { WebhookVerificationError } from "../../src/index.js";
import { parseChatworkWebhook, verifyChatworkSignature } from "../../src/chatwork/index.js";
import { parseLineWebhook, verifyLineSignature } from "../../src/line/index.js";
import { verifyLineWorksSignature } from "../../src/lineworks/index.js";
import { signaturesMatch } from "../../src/runtime/webhooks.js";
import { prng } from "../support/prng.js";
import { chatworkMessageCreated } from "../webhooks/fixtures.js";

const SEED = Number(process.env.FUZZ_SEED ?? 5_2026);
const random = prng(SEED);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
function bytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(256);
  return b;
}

/** Random text: ASCII, Japanese, emoji, controls, lone surrogates, NUL. */
function text(n: number): string {
  const pools = [
    () => String.fromCharCode(32 + int(95)),
    () => pick(["あ", "資", "料", "を", "共", "有", "ｶ", "〜", "①"]),
    () => pick(["😀", "🇯🇵", "👨‍👩‍👧"]),
    () => String.fromCharCode(int(32)),
    () => String.fromCharCode(0xd800 + int(0x800)), // lone surrogate
    () => "\u0000",
    () => pick(['"', "\\", "{", "}", "[", "]", ":", ",", "%", "+", "/", "="]),
  ];
  let s = "";
  for (let i = 0; i < n; i++) s += pick(pools)();
  return s;
}

type Body = string | Uint8Array | ArrayBuffer;
function randomBody(): Body {
  const size = pick([0, 1, 2, 16, 100, 1000, 5000]);
  switch (int(6)) {
    case 0:
      return text(size);
    case 1:
      return bytes(size);
    case 2: {
      // A view into the middle of a larger buffer: byteOffset must be honoured.
      const whole = bytes(size + 32);
      return new Uint8Array(whole.buffer, whole.byteOffset + 16, size);
    }
    case 3:
      return new Uint8Array(bytes(size)).buffer;
    case 4:
      return JSON.stringify(randomJson(3));
    default:
      return random() < 0.05 ? "x".repeat(1024 * 1024) : text(size);
  }
}

function randomJson(depth: number): unknown {
  const keys = [
    "type",
    "events",
    "destination",
    "webhook_event_type",
    "webhook_event",
    "__proto__",
    "constructor",
    "toString",
    "module",
    "mode",
    "timestamp",
    text(3),
  ];
  switch (depth <= 0 ? int(5) : int(8)) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return pick([0, -0, 1, -1, 1e308, 2 ** 53 + 1, 0.1, -1e-300]);
    case 3:
      return text(int(10));
    case 4:
      return pick([
        "module",
        "activated",
        "botSuspended",
        "message_created",
        "mention_to_me",
        "__proto__",
        "constructor",
        "hasOwnProperty",
        "unknownType",
      ]);
    case 5:
    case 6: {
      const o: Record<string, unknown> = {};
      for (let i = int(6); i > 0; i--)
        Object.defineProperty(o, pick(keys), {
          value: randomJson(depth - 1),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      return o;
    }
    default:
      return Array.from({ length: int(5) }, () => randomJson(depth - 1));
  }
}

function body64(body: Body): Buffer {
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Variants of a signature; `valid` when the verifier must accept it. */
function signatureVariants(correct: string, urlEncodedIsValid: boolean): { signature: unknown; valid: boolean }[] {
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
  const encoded = encodeURIComponent(correct);
  return [
    { signature: correct, valid: true },
    { signature: ` ${correct}\t`, valid: true }, // header whitespace is trimmed
    { signature: encoded, valid: urlEncodedIsValid || encoded === correct },
    { signature: flip(correct, 0), valid: false },
    { signature: flip(correct, correct.length - 2), valid: false },
    { signature: correct.slice(0, -1), valid: false },
    { signature: correct + "A", valid: false },
    { signature: correct.replace(/=+$/, ""), valid: false },
    { signature: Buffer.from(correct, "base64").toString("hex"), valid: false },
    { signature: "", valid: false },
    { signature: "   ", valid: false },
    { signature: "%", valid: false },
    { signature: "%E0%A4%A", valid: false },
    { signature: "!!!!not base64!!!!", valid: false },
    { signature: text(44), valid: false },
    { signature: "A".repeat(200_000), valid: false },
    { signature: randomBytes(32).toString("base64"), valid: false },
    { signature: undefined, valid: false },
    { signature: null, valid: false },
    { signature: 42, valid: false },
    { signature: 10n, valid: false },
    { signature: Symbol("sig"), valid: false },
    { signature: { toString: () => correct }, valid: false },
    { signature: [correct], valid: false },
    { signature: Buffer.from(correct), valid: false },
  ];
}

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 1500);

describe("verify…Signature: a boolean, equal to the node:crypto oracle, never an exception", () => {
  const verifiers = [
    {
      name: "verifyChatworkSignature",
      secret: () => (random() < 0.9 ? randomBytes(1 + int(64)).toString("base64") : pick(["", "!!!", "%%%", text(10)])),
      sign: (body: Body, secret: string) => {
        const key = Buffer.from(secret, "base64");
        return key.length ? createHmac("sha256", key).update(body64(body)).digest("base64") : null;
      },
      verify: verifyChatworkSignature,
      urlEncodedIsValid: true,
    },
    {
      name: "verifyLineSignature",
      secret: () => (random() < 0.9 ? text(1 + int(40)) : ""),
      sign: (body: Body, secret: string) =>
        secret ? createHmac("sha256", Buffer.from(secret, "utf8")).update(body64(body)).digest("base64") : null,
      verify: verifyLineSignature,
      urlEncodedIsValid: false,
    },
    {
      name: "verifyLineWorksSignature",
      secret: () => (random() < 0.9 ? text(1 + int(40)) : ""),
      sign: (body: Body, secret: string) =>
        secret ? createHmac("sha256", Buffer.from(secret, "utf8")).update(body64(body)).digest("base64") : null,
      verify: verifyLineWorksSignature,
      urlEncodedIsValid: false,
    },
  ];

  it.each(verifiers.map((v) => [v.name, v] as const))(
    `%s: ${ITERATIONS} random bodies × 25 signature variants`,
    (_name, v) => {
      let accepted = 0;
      let checked = 0;
      const wrong: string[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const body = randomBody();
        const secret = v.secret();
        const correct = v.sign(body, secret);
        const variants = correct
          ? signatureVariants(correct, v.urlEncodedIsValid)
          : [{ signature: randomBytes(32).toString("base64"), valid: false }];
        for (const { signature, valid } of variants) {
          let result: unknown;
          try {
            result = v.verify(body, signature, secret);
          } catch (error) {
            wrong.push(`threw ${String(error)} for signature ${typeof signature}`);
            continue;
          }
          checked++;
          if (result === true) accepted++;
          if (result !== valid)
            wrong.push(
              `returned ${String(result)} for a ${valid ? "valid" : "invalid"} ${typeof signature} signature (iteration ${i})`,
            );
        }
      }
      expect(wrong.slice(0, 10)).toEqual([]);
      expect(accepted).toBeGreaterThan(ITERATIONS); // the oracle's valid signatures were really accepted
      expect(checked).toBeGreaterThan(ITERATIONS * 20);
    },
  );

  it.each(verifiers.map((v) => [v.name, v] as const))("%s: garbage in every argument position", (_name, v) => {
    const garbage: unknown[] = [
      undefined,
      null,
      0,
      NaN,
      true,
      {},
      [],
      Symbol("x"),
      1n,
      () => "x",
      new Date(),
      new Map(),
      Promise.resolve("x"),
      new Uint16Array(3),
      new DataView(new ArrayBuffer(4)),
    ];
    for (const body of garbage)
      for (const signature of [...garbage, "AAAA"])
        for (const secret of [...garbage, "c2VjcmV0"]) {
          expect(v.verify(body as Body, signature, secret as string)).toBe(false);
        }
  });
});

describe("parse…: delivers every signed JSON body, or throws WebhookVerificationError for a bad signature or non-JSON", () => {
  const chatworkToken = randomBytes(32).toString("base64");
  const lineSecret = "8c4e2f7a9b1d3e5f6a7b8c9d0e1f2a3b";
  const signCw = (b: Body) =>
    createHmac("sha256", Buffer.from(chatworkToken, "base64")).update(body64(b)).digest("base64");
  const signLine = (b: Body) => createHmac("sha256", lineSecret).update(body64(b)).digest("base64");
  const validLine = {
    destination: "Ud335ff95a0468833bba7810b8f0b084b",
    events: [
      {
        mode: "active",
        timestamp: 1767225600000,
        webhookEventId: "01J9ZK3T5Q8W2XH4N6M7R8S9TV",
        deliveryContext: { isRedelivery: false },
        type: "module",
        module: { type: "attached", botId: "U6fe1bab7b1f4f7ccf16614560dceafdc", scopes: ["message:send"] },
      },
    ],
  };

  /** A valid payload with one random mutation: a field removed, replaced by random JSON, or a random field added. */
  function mutate(value: unknown): unknown {
    const copy = structuredClone(value) as Record<string, unknown>;
    const paths: Record<string, unknown>[] = [];
    const walk = (o: unknown) => {
      if (o && typeof o === "object") {
        paths.push(o as Record<string, unknown>);
        for (const v of Object.values(o)) walk(v);
      }
    };
    walk(copy);
    const target = pick(paths);
    const keys = Object.keys(target);
    const key =
      keys.length && random() < 0.7 ? pick(keys) : pick(["extra", "__proto__", "constructor", "type", text(4)]);
    if (random() < 0.3) delete target[key];
    else
      Object.defineProperty(target, key, {
        value: randomJson(2),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    return copy;
  }

  function randomDelivery(valid: unknown): Body {
    switch (int(6)) {
      case 0:
        return randomBody();
      case 1:
        return JSON.stringify(randomJson(4));
      case 2:
      case 3:
        return JSON.stringify(mutate(valid));
      case 4:
        return JSON.stringify(valid).slice(0, int(JSON.stringify(valid).length));
      default:
        return pick([
          "null",
          "[]",
          "{}",
          '""',
          "0",
          "1e400",
          '{"__proto__":{"events":[]}}',
          "[".repeat(50_000) + "]".repeat(50_000),
          `{"destination":"x","events":${"[".repeat(10_000)}${"]".repeat(10_000)}}`,
        ]);
    }
  }

  const parsers = [
    {
      name: "parseChatworkWebhook",
      valid: chatworkMessageCreated,
      sign: signCw,
      parse: (b: Body, signature: string | null | undefined) =>
        parseChatworkWebhook(b, { token: chatworkToken, signature }),
    },
    {
      name: "parseLineWebhook",
      valid: validLine,
      sign: signLine,
      parse: (b: Body, signature: string | null | undefined) =>
        parseLineWebhook(b, { channelSecret: lineSecret, signature }),
    },
  ];

  it.each(parsers.map((p) => [p.name, p] as const))(
    `%s: ${ITERATIONS * 2} random deliveries, correctly and wrongly signed`,
    (_name, p) => {
      const reasons: Record<string, number> = {};
      const wrong: string[] = [];
      expect(p.parse(JSON.stringify(p.valid), p.sign(JSON.stringify(p.valid)))).toBeTruthy();
      for (let i = 0; i < ITERATIONS * 2; i++) {
        const body = randomDelivery(p.valid);
        const signed = random() < 0.8;
        const signature = signed
          ? p.sign(body)
          : pick([undefined, null, "", p.sign(body).replace(/^./, (c) => (c === "A" ? "B" : "A"))]);
        try {
          const parsed = p.parse(body, signature);
          const sorted = "events" in parsed ? parsed.events : [parsed];
          for (const event of sorted) {
            const kind = event.type === "unknown" || event.type === "invalid" ? event.type : "known";
            reasons[kind] = (reasons[kind] ?? 0) + 1;
          }
          reasons.ok = (reasons.ok ?? 0) + 1;
          if (!signed) wrong.push(`accepted an unsigned delivery (iteration ${i})`);
        } catch (error) {
          if (!(error instanceof WebhookVerificationError)) {
            wrong.push(`iteration ${i}: ${String(error)}`);
            continue;
          }
          reasons[error.reason] = (reasons[error.reason] ?? 0) + 1;
          if (!signed && error.reason !== "signature") wrong.push(`unsigned delivery rejected for ${error.reason}`);
          if (signed && error.reason !== "json")
            wrong.push(`signed delivery rejected for its ${error.reason} (iteration ${i})`);
        }
      }
      expect(wrong.slice(0, 10)).toEqual([]);
      // Every path was exercised: accepted, bad signature, not JSON, delivered as invalid, delivered as unknown.
      for (const reason of ["ok", "signature", "json", "invalid", "unknown"])
        expect(reasons[reason] ?? 0).toBeGreaterThan(0);
    },
  );

  it("parseLineWebhook: event types named like Object.prototype members pass through as unknown events (regression)", () => {
    for (const type of [
      "__proto__",
      "constructor",
      "hasOwnProperty",
      "toString",
      "valueOf",
      "isPrototypeOf",
      "__defineGetter__",
      "propertyIsEnumerable",
    ]) {
      const body = JSON.stringify({ destination: "U1", events: [{ type, mode: "active" }] });
      const payload = parseLineWebhook(body, { channelSecret: lineSecret, signature: signLine(body) });
      expect(payload.events).toEqual([{ type: "unknown", originalType: type, event: { type, mode: "active" } }]);
    }
  });

  it("parseLineWebhook: a non-string event type carrying its own toString/valueOf keys passes through as unknown (regression)", () => {
    const body = '{"destination":"U1","events":[{"type":{"toString":0,"valueOf":{}}},{"type":null},{"type":7}]}';
    const payload = parseLineWebhook(body, { channelSecret: lineSecret, signature: signLine(body) });
    expect(payload.events.map((e) => (e.type === "unknown" ? e.originalType : e.type))).toEqual([
      '{"toString":0,"valueOf":{}}',
      "null",
      "7",
    ]);
  });
});

describe("timing: where a signature differs does not change how long it takes to reject", () => {
  /** Median of per-call ns for `a` and `b`, measured in interleaved batches (ABBA order), after a warm-up. */
  function medianRatio(
    a: () => unknown,
    b: () => unknown,
    perBatch: number,
    batches: number,
  ): { a: number; b: number; ratio: number } {
    const time = (f: () => unknown) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < perBatch; i++) f();
      return Number(process.hrtime.bigint() - start) / perBatch;
    };
    for (let i = 0; i < 3; i++) {
      time(a);
      time(b);
    }
    const ta: number[] = [];
    const tb: number[] = [];
    for (let i = 0; i < batches; i++) {
      if (i % 2 === 0) {
        ta.push(time(a));
        tb.push(time(b));
      } else {
        tb.push(time(b));
        ta.push(time(a));
      }
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const ma = median(ta);
    const mb = median(tb);
    return { a: ma, b: mb, ratio: ma / mb };
  }

  /** Up to three rounds on a busy machine: a real timing leak fails every round, noise does not. */
  function settledRatio(a: () => unknown, b: () => unknown, perBatch: number, batches: number) {
    let last = medianRatio(a, b, perBatch, batches);
    for (let round = 1; round < 3 && (last.ratio < 0.8 || last.ratio > 1.25); round++)
      last = medianRatio(a, b, perBatch, batches);
    return last;
  }

  const flipAt = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);

  it("the public verifiers: first-byte vs last-byte mismatch of a 44-character signature", () => {
    const body = JSON.stringify({ destination: "U1", events: [{ type: "botSuspended", text: "x".repeat(200) }] });
    const secret = "8c4e2f7a9b1d3e5f6a7b8c9d0e1f2a3b";
    const token = Buffer.from(secret).toString("base64");
    const lineSig = createHmac("sha256", secret).update(body).digest("base64");
    const cwSig = createHmac("sha256", Buffer.from(token, "base64")).update(body).digest("base64");
    const rows: string[] = [];
    for (const [name, verify, sig, key] of [
      ["verifyLineSignature", verifyLineSignature, lineSig, secret],
      ["verifyLineWorksSignature", verifyLineWorksSignature, lineSig, secret],
      ["verifyChatworkSignature", verifyChatworkSignature, cwSig, token],
    ] as const) {
      const first = flipAt(sig, 0);
      const last = flipAt(sig, sig.length - 1);
      expect(first.length).toBe(last.length);
      expect(verify(body, first, key) || verify(body, last, key)).toBe(false);
      const r = settledRatio(
        () => verify(body, first, key),
        () => verify(body, last, key),
        400,
        41,
      );
      rows.push(
        `${name}: first-byte ${r.a.toFixed(0)} ns, last-byte ${r.b.toFixed(0)} ns, ratio ${r.ratio.toFixed(3)}`,
      );
      expect(r.ratio).toBeGreaterThan(0.8);
      expect(r.ratio).toBeLessThan(1.25);
    }
    console.log(rows.join("\n"));
  });

  it("signaturesMatch on 64 KiB inputs, and the same harness catches an early-exit comparison", () => {
    const expected = randomBytes(48 * 1024).toString("base64"); // 65,536 characters
    const first = flipAt(expected, 0);
    const last = flipAt(expected, expected.length - 1);
    const constant = settledRatio(
      () => signaturesMatch(expected, first),
      () => signaturesMatch(expected, last),
      100,
      41,
    );

    // The control: the textbook leaky comparison, a byte loop that stops at the first difference.
    const a = Buffer.from(expected);
    const bFirst = Buffer.from(first);
    const bLast = Buffer.from(last);
    const earlyExit = (x: Buffer, y: Buffer) => {
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
      return true;
    };
    const leaky = medianRatio(
      () => earlyExit(a, bFirst),
      () => earlyExit(a, bLast),
      100,
      41,
    );
    console.log(
      `signaturesMatch 64 KiB: first-byte ${constant.a.toFixed(0)} ns, last-byte ${constant.b.toFixed(0)} ns, ratio ${constant.ratio.toFixed(3)}; ` +
        `early-exit control: ${leaky.a.toFixed(0)} ns vs ${leaky.b.toFixed(0)} ns, ratio ${leaky.ratio.toFixed(4)}`,
    );
    expect(constant.ratio).toBeGreaterThan(0.8);
    expect(constant.ratio).toBeLessThan(1.25);
    expect(leaky.ratio).toBeLessThan(0.1);
  });
});
