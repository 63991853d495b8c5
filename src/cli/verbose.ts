// `bizchat call --verbose`: the client's event stream on stderr, one line per event. Payloads carry no credential
// (URLs and headers come redacted from the client), and the CLI's stderr is scrubbed of the credentials it read.
import { describeRetryReason, type ClientEventListener, type ClientEventName } from "../runtime/events.js";

interface EventSource {
  on<N extends ClientEventName>(name: N, listener: ClientEventListener<N>): void;
}

const ms = (value: number) => `${Math.round(value)} ms`;

export function printEvents(client: EventSource, write: (line: string) => void): void {
  const line = (name: string, attempt: number, text: string) => write(`[${name} #${attempt}] ${text}\n`);
  client.on("request", (e) => {
    line("request", e.attempt, `${e.method} ${e.url}`);
    for (const [name, value] of Object.entries(e.headers)) write(`    ${name}: ${value}\n`);
  });
  client.on("response", (e) => {
    const id = e.requestId ? `, request id ${e.requestId}` : "";
    line("response", e.attempt, `HTTP ${e.status} in ${ms(e.elapsedMs)}${id}`);
  });
  client.on("retry", (e) => {
    const why = `${e.reason.kind === "status" ? "HTTP " : ""}${describeRetryReason(e.reason)}`;
    line("retry", e.attempt, `${why}: sending again in ${ms(e.delayMs)}`);
  });
  client.on("rateLimitWait", (e) => {
    const expected = e.expectedWaitMs === undefined ? "" : ` for about ${ms(e.expectedWaitMs)}`;
    line("rateLimitWait", e.attempt, `waiting in the ${e.limitClass} limit (${e.key})${expected}`);
  });
  client.on("tokenRenewal", (e) =>
    line("tokenRenewal", e.attempt, `new access token (${e.reason}) in ${ms(e.durationMs)}`),
  );
  client.on("error", (e) => line("error", e.attempt, `${e.error.name}: ${e.error.message}`));
}
