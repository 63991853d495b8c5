// LINE WORKS API 2.0 access tokens.
// - Service account: RS256 JWT assertion {iss: client id, sub: service account, iat, exp} exchanged at
//   https://auth.worksmobile.com/oauth2/v2.0/token with grant_type jwt-bearer (https://developers.worksmobile.com/en/docs/auth-jwt).
// - User account: refresh-token grant; with "Refresh Token Rotation" on, the answer carries a new refresh token
//   (https://developers.worksmobile.com/en/docs/auth-oauth).
// Tokens are cached and renewed before expiry; however many calls wait, one token request is made (single
// flight, as google-auth-library does). `expires_in` arrives as a string in practice and is coerced.
// No secret (client secret, private key, assertion, tokens) is ever put into an error or a log line.
import { importPKCS8, SignJWT } from "jose";
import { AuthenticationError, BizchatError, errorClassForStatus, TimeoutError } from "../runtime/errors.js";
import type { TokenRenewalReason } from "../runtime/events.js";
import { describeLineWorksError } from "./errors.js";

export const LINE_WORKS_TOKEN_URL = "https://auth.worksmobile.com/oauth2/v2.0/token";

export interface TokenProvider {
  /** The current access token, requesting one when there is none or it is about to expire. */
  getToken(): Promise<string>;
  /** Forget the cached token (the API answered 401 / 403 UNAUTHORIZED); the next getToken requests a new one. */
  invalidate(): void;
  /** Why the next getToken would request a token (null: it has a fresh one, or a request is on its way). */
  renewalReason?(): TokenRenewalReason | null;
}

export interface ServiceAccountAuthOptions {
  clientId: string;
  clientSecret: string;
  /** Service account ID, e.g. `abcde.serviceaccount@example.co.jp`. */
  serviceAccount: string;
  /** PKCS#8 PEM private key downloaded from the Developer Console. */
  privateKey: string;
  /** Space-separated scopes, e.g. `"contact"` or `"contact.read"`. */
  scope: string;
  tokenUrl?: string;
  fetch?: typeof globalThis.fetch;
  /** Renew this long before expiry (default 60 s). */
  refreshMarginMs?: number;
}

export interface RefreshTokenAuthOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  tokenUrl?: string;
  fetch?: typeof globalThis.fetch;
  refreshMarginMs?: number;
  /** Called with the new refresh token when the app has Refresh Token Rotation on: store it. */
  onRefreshToken?: (refreshToken: string) => void | Promise<void>;
}

interface TokenAnswer {
  access_token: string;
  refresh_token?: string;
  expires_in: string | number;
}

/** A token request that takes longer than this is abandoned: a hung auth server must not hang every call. */
const TOKEN_TIMEOUT_MS = 10_000;

async function requestToken(
  url: string,
  form: URLSearchParams,
  fetchImpl: typeof globalThis.fetch,
  timeoutMs = TOKEN_TIMEOUT_MS,
): Promise<TokenAnswer> {
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form,
      signal,
    });
    text = await response.text();
  } catch (cause) {
    const origin = new URL(url).origin;
    if (signal.aborted) {
      throw new TimeoutError(`LINE WORKS token request to ${origin} got no answer within ${timeoutMs} ms`, {
        provider: "lineworks",
        operationId: "issueAccessToken",
        timeoutMs,
        retryable: true,
        request: new Request(url, { method: "POST" }),
      });
    }
    throw new BizchatError(`LINE WORKS token request to ${origin} failed to connect`, {
      provider: "lineworks",
      operationId: "issueAccessToken",
      cause,
      retryable: true,
    });
  }
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  if (!response.ok) {
    const description = describeLineWorksError(body, response.status);
    const ErrorClass =
      response.status === 400 || response.status === 401
        ? AuthenticationError
        : (description.errorClass ?? errorClassForStatus(response.status));
    throw new ErrorClass({
      provider: "lineworks",
      operationId: "issueAccessToken",
      status: response.status,
      body,
      messages: description.messages,
      ...(description.code ? { code: description.code } : {}),
      retryable: response.status >= 500 || response.status === 429,
      request: new Request(url, { method: "POST" }),
      response,
    });
  }
  const answer = body as Partial<TokenAnswer>;
  if (typeof answer?.access_token !== "string" || !Number.isFinite(Number(answer.expires_in))) {
    throw new BizchatError("LINE WORKS token endpoint answered without access_token / expires_in", {
      provider: "lineworks",
      operationId: "issueAccessToken",
    });
  }
  return answer as TokenAnswer;
}

/** Caching, single-flight token provider around a function that fetches a fresh token. */
function cachedTokenProvider(fetchToken: () => Promise<TokenAnswer>, marginMs: number): TokenProvider {
  let token: string | undefined;
  let expiresAt = 0;
  let pending: Promise<string> | undefined;
  let invalidated = false;
  return {
    getToken() {
      if (token && Date.now() < expiresAt - marginMs) return Promise.resolve(token);
      pending ??= fetchToken()
        .then((answer) => {
          token = answer.access_token;
          invalidated = false;
          expiresAt = Date.now() + Number(answer.expires_in) * 1000;
          return token;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
    invalidate() {
      token = undefined;
      expiresAt = 0;
      invalidated = true;
    },
    renewalReason() {
      if (pending || (token && Date.now() < expiresAt - marginMs)) return null;
      return invalidated ? "unauthorized" : token ? "expiring" : "initial";
    },
  };
}

export function serviceAccountAuth(options: ServiceAccountAuthOptions): TokenProvider {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let key: Promise<CryptoKey> | undefined;
  return cachedTokenProvider(async () => {
    key ??= importPKCS8(options.privateKey, "RS256").catch(() => {
      key = undefined;
      throw new BizchatError("serviceAccountAuth: privateKey is not a PKCS#8 PEM RSA key", { provider: "lineworks" });
    });
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setIssuer(options.clientId)
      .setSubject(options.serviceAccount)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(await key);
    const form = new URLSearchParams({
      assertion,
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      client_id: options.clientId,
      client_secret: options.clientSecret,
      scope: options.scope,
    });
    return requestToken(options.tokenUrl ?? LINE_WORKS_TOKEN_URL, form, fetchImpl);
  }, options.refreshMarginMs ?? 60_000);
}

export function refreshTokenAuth(options: RefreshTokenAuthOptions): TokenProvider {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let refreshToken = options.refreshToken;
  return cachedTokenProvider(async () => {
    const form = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: options.clientId,
      client_secret: options.clientSecret,
    });
    const answer = await requestToken(options.tokenUrl ?? LINE_WORKS_TOKEN_URL, form, fetchImpl);
    if (answer.refresh_token && answer.refresh_token !== refreshToken) {
      refreshToken = answer.refresh_token;
      await options.onRefreshToken?.(refreshToken);
    }
    return answer;
  }, options.refreshMarginMs ?? 60_000);
}
