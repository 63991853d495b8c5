// Usage texts of `bizchat --help` and `bizchat <command> --help`. The environment section is generated from the
// providers' definition records, which the credentials are read with, so the two cannot drift apart.
import { environmentByProvider, WEBHOOK_ENVIRONMENT, type EnvVariable } from "./credentials.js";
import { PROVIDERS } from "./providers.js";

const providers = PROVIDERS.join(" | ");

function variables(list: EnvVariable[]): string {
  const width = Math.max(...list.map((v) => v.name.length));
  return list.map((v) => `    ${v.name.padEnd(width)}  ${v.description}`).join("\n");
}

async function environment(): Promise<string> {
  const byProvider = await environmentByProvider();
  const sections = byProvider.map(([provider, list]) => `  ${provider}:\n${variables(list)}`);
  return `Environment:\n${sections.join("\n")}\n  webhooks:\n${variables(WEBHOOK_ENVIRONMENT)}`;
}

/** Where a usage text lists the environment variables (they come from the records, which load on demand). */
const ENVIRONMENT = "{{environment}}";

/** The usage text of `topic`, its environment section filled in. */
export async function helpText(topic: string): Promise<string> {
  const text = HELP[topic]!;
  return text.includes(ENVIRONMENT) ? text.replace(ENVIRONMENT, await environment()) : text;
}

export const HELP: Record<string, string> = {
  main: `bizchat: typed calls, mocks and webhook checks for Chatwork API v2, LINE (corporate options) and LINE WORKS

Usage:
  bizchat ops <provider> [--json]
  bizchat call <provider> <operationId> [--param name=value]… [--body JSON|@file|@-] [--file field=@path]… [--mock | --base-url URL]
  bizchat mock <provider> [--port N] [--dynamic]
  bizchat verify-webhook <provider> [--secret S] [--signature SIG] < raw-body
  bizchat sign-webhook <provider> [--secret S] < raw-body

Providers: ${providers}

Commands:
  ops             list the operations of a provider's spec (id, method, path, deprecated)
  call            validate and send one operation through the typed client, print the JSON answer
  mock            serve a Prism mock of a provider's spec until Ctrl-C / SIGTERM
  verify-webhook  check a webhook signature over the raw body read from stdin, and report each event
  sign-webhook    print the signature a provider would send for the raw body read from stdin

Options:
  -h, --help      show help (also: bizchat <command> --help)
  -v, --version   show the version

Results go to stdout, progress and errors to stderr.
Exit codes: 0 success, 1 failure (API error, invalid input, invalid signature), 2 usage error.

${ENVIRONMENT}
`,
  ops: `Usage: bizchat ops <provider> [--json]

Lists the operations of the provider's spec from the generated operation table.
Providers: ${providers}

Options:
  --json        print a JSON array of { operationId, method, path, deprecated, summary }
  -h, --help    show this help
`,
  call: `Usage: bizchat call <provider> <operationId> [options]

Builds the call through the provider's typed client: parameters and body are validated against the spec before
anything is sent (an invalid call exits 1 naming each field and rule), credentials come from the environment, the
JSON answer is printed on stdout. HTTP errors exit 1 with the typed error (class, status, provider message).
Run \`bizchat ops <provider>\` for the operation ids.

Options:
  -p, --param name=value   a path, query or header parameter (repeat for several, or for an array); the location
                           and the type (integer, boolean…) are taken from the spec
  -b, --body JSON|@file|@- request body as JSON text, a JSON file, or stdin
      --file field=@path   a binary part of a multipart/form-data body (e.g. chatwork uploadFile --file file=@a.pdf)
      --mock               start a Prism mock of the provider's spec for this call (dummy credentials where the
                           environment has none); needs @stoplight/prism-cli
      --base-url URL       send the call to this host instead of the spec's server
      --prefer VALUE       ask a Prism mock for a response: code=404, example=name, dynamic=true
                           (implies --no-retry)
      --no-retry           send the call once (default: retried where the spec says it is safe)
      --timeout MS         time limit per attempt
  -o, --output FILE        write the answer to FILE instead of stdout (binary answers such as a photo)
  -q, --quiet              no progress lines on stderr
  -v, --verbose            the client's events on stderr (each attempt and its headers, answers, retries,
                           rate-limit waits, token renewals, the error), credentials redacted
  -h, --help               show this help

Examples:
  bizchat call chatwork getRoom --param room_id=322 --mock
  bizchat call chatwork postMessage -p room_id=322 --body '{"body":"[To:456] 資料です","self_unread":0}'
  bizchat call chatwork getRoom -p room_id=1 --mock --prefer code=404
  bizchat call lineworks listContacts -p count=100 | jq '.contacts[].contactName'

${ENVIRONMENT}
`,
  mock: `Usage: bizchat mock <provider> [--port N] [--dynamic]

Serves a Prism mock of the provider's spec (every operation at one base URL) until Ctrl-C or SIGTERM, then stops
Prism. The base URL is printed on stdout; progress on stderr. Needs @stoplight/prism-cli.
Providers: ${providers}

Options:
  --port N      port to listen on (default: a free port)
  --dynamic     generate answers from the schemas instead of serving the spec's examples
  -q, --quiet   no progress lines on stderr
  -h, --help    show this help

Choose an answer per request with Prism's Prefer header, e.g.  curl -H 'Prefer: code=404' …
`,
  "sign-webhook": `Usage: bizchat sign-webhook <provider> [--secret S] < raw-body

Prints the signature the provider would send for the raw body read from stdin, to test a receiver:
  curl -H "x-line-signature: $(bizchat sign-webhook line < body.json)" --data-binary @body.json http://localhost:3000/webhook
Header: chatwork x-chatworkwebhooksignature, line x-line-signature, lineworks X-WORKS-Signature.

Options:
  --secret S    the secret (prefer BIZCHAT_WEBHOOK_SECRET: a command line is visible to other users)
  -h, --help    show this help
`,
  "verify-webhook": `Usage: bizchat verify-webhook <provider> [--secret S] [--signature SIG] < raw-body

Reads the raw request body from stdin (exactly as received) and checks its signature. Prints "invalid" (exit 1),
or "valid" (exit 0) followed by one line per event as a receiver delivers it: valid, unknown type, or invalid with
its schema issues (a receiver still delivers those; API 1.0 callbacks: the signature only).
  chatwork              x-chatworkwebhooksignature (or the chatwork_webhook_signature query value); secret =
                        the webhook token
  line                  x-line-signature; secret = the channel secret
  lineworks(-v1)        X-WORKS-Signature; secret = the bot secret

Options:
  --secret S        the secret (prefer BIZCHAT_WEBHOOK_SECRET: a command line is visible to other users)
  --signature SIG   the signature header value (or BIZCHAT_WEBHOOK_SIGNATURE)
  -h, --help        show this help
`,
};
