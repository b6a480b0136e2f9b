/**
 * The public viewer API, part of the public contract that ./index re-exports: money and time
 * units, the error body, sessions and identity, time, timeline, the shake (its headers and
 * outcomes), open and present, the wallet, resource packages. Types only, so any runtime can
 * import it. Money is always integer cents; times are Unix epoch milliseconds.
 */

export type Cents = number;

export type EpochMs = number;

/** Every 4xx/5xx body. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

export interface SessionRequest {
  /** Optional stable device identifier the client keeps in local storage. */
  deviceId?: string;
  /** An OpenID Connect ID token from the configured provider (implicit flow: the `id_token` the sign-in sent back): signs the viewer in as themselves. */
  idToken?: string;
  /** Code flow with PKCE, instead of `idToken`: the `code` the sign-in sent back; the worker exchanges it at the provider. */
  code?: string;
  /** With `code`: the PKCE verifier whose SHA-256 (base64url) was the sign-in's `code_challenge`. */
  codeVerifier?: string;
  /** With `code`: the `redirect_uri` of the sign-in. */
  redirectUri?: string;
  /** With `code`: the `iss` the sign-in sent back (RFC 9207), if any; it must be the configured provider. */
  issuer?: string;
  /** With `idToken` or `code`: the secret whose SHA-256 (base64url) was the sign-in's `nonce`; the ID token must carry that nonce. */
  nonce?: string;
  /** Without an ID token, where anonymous sessions need a bot challenge: the Turnstile token. */
  turnstileToken?: string;
}

/** `GET /api/identity`: how a viewer signs in here. */
export interface IdentityInfo {
  /**
   * The sign-in page (the provider's authorization endpoint, or the host app's page): the PWA
   * adds `state`, `nonce`, a PKCE `code_challenge` and a `redirect_uri`, and the page comes back
   * with `#id_token=…&state=…` or `?code=…&state=…`; null when none is configured.
   */
  signInUrl: string | null;
  /** Whether a session without an ID token is possible: "on", "turnstile" (with a challenge) or "off". */
  anonymousSessions: "on" | "turnstile" | "off";
  /** The Turnstile site key the PWA renders its widget with, in "turnstile" mode (null otherwise). */
  turnstileSiteKey: string | null;
}

/** The languages the viewer speaks: Simplified Chinese and English. */
export type ViewerLanguage = "zh-CN" | "en";

/** A name or title in the viewer's languages; the plain one is shown where a language has none. */
export type LocalizedText = Partial<Record<ViewerLanguage, string>>;

export interface SessionResponse {
  token: string;
  userId: string;
  expiresAt: EpochMs;
  /** True when the session belongs to a signed-in person (an ID token), false when anonymous. */
  signedIn: boolean;
  /** The display name from the ID token, when it had one. */
  name?: string;
}

export type PhaseKind = "greeting" | "lottery";

/**
 * How a lottery phase hands out envelopes (docs/money-flow.md): `shard`, one call to the
 * viewer's pool shard per envelope candidate; `edge-leases`, from blocks of envelopes the
 * edge isolate leased from the shard, answered with no call and recorded afterwards.
 */
export type Issuance = "shard" | "edge-leases";

export interface Sponsor {
  id: string;
  name: string;
  /** The display name per viewer language, where it differs from `name`. */
  names?: LocalizedText;
  /** Id of the sponsor's branding in the pre-downloaded resource package. */
  assetId: string;
}

export interface Phase {
  id: string;
  title: string;
  /** The title per viewer language, where it differs from `title`. */
  titles?: LocalizedText;
  kind: PhaseKind;
  startsAt: EpochMs;
  endsAt: EpochMs;
  /** Sponsors whose pools are handed out in this phase (lottery phases). */
  sponsorIds: string[];
  /** Greeting shown in greeting phases and to non-candidates of lottery phases. */
  greetingAssetId: string;
  /** Probability in [0, 1] that a shake in this lottery phase is an envelope candidate. */
  candidateRate: number;
  /** How its envelopes are handed out; absent means `shard`. */
  issuance?: Issuance;
}

export interface Timeline {
  galaId: string;
  version: number;
  /**
   * Phones the operator expects at the show: the timeline's warnings say where a phase plans
   * more envelopes than that audience may take (1 per sponsor, 3 per person per gala), and the
   * console's estimate starts from it. Absent: no such check.
   */
  audience?: number;
  sponsors: Sponsor[];
  phases: Phase[];
}

/** A phase as viewers see it. */
export interface PublicPhase {
  id: string;
  title: string;
  titles?: LocalizedText;
  kind: PhaseKind;
  startsAt: EpochMs;
  endsAt: EpochMs;
  sponsors: Sponsor[];
  greetingAssetId: string;
}

/**
 * Where the page finds newer versions of the timeline without a Worker request: the show
 * clock publishes each version at `url`, served by Cloudflare's cache (docs/capacity.md,
 * "How the timeline reaches phones"); the page reads it every `pollMs` or so.
 */
export interface LiveTimelineSource {
  url: string;
  pollMs: number;
}

/**
 * `GET /api/timeline`, and the copy the show clock publishes on every version: what a
 * viewer needs to count down and render phases. `serverTime` is when this copy was made: the
 * Worker's answer makes it as it answers, a published copy when it was published.
 */
export interface PublicTimeline {
  galaId: string;
  version: number;
  serverTime: EpochMs;
  phases: PublicPhase[];
  live: LiveTimelineSource;
}

/**
 * Response header (value `1`) the service worker adds to a copy of `GET /api/timeline` it
 * answers from its cache while offline: that copy's `serverTime` is old, not a clock reading.
 */
export type CachedCopyHeader = "X-Gala-Cached-Copy";

export interface TimeResponse {
  serverTime: EpochMs;
}

export interface ShakeRequest {
  /** Client-chosen id; a retry with the same id gets the same answer. */
  requestId: string;
}

/** Graded overload hint the client must obey before its next shake. */
export interface ThrottleHint {
  /** 0 = normal; higher levels ask for longer spacing. */
  level: number;
  /** Wait at least this long before the next shake. */
  minIntervalMs: number;
}

export interface WonEnvelope {
  claimId: string;
  phaseId: string;
  sponsorId: string;
  assetId: string;
  amountCents: Cents;
  /**
   * A win answered from an edge lease carries its claim signed by the edge. The client keeps
   * it until the server has recorded the claim (`POST /api/envelopes/present`, or sent with
   * the open), so the money is not lost with the isolate that answered.
   */
  signedClaim?: string;
}

/**
 * Request header of the shake carrying the latest `holdings` the viewer got in this gala
 * (absent before the first win): the edge checks the per-person limits against it.
 */
export type HoldingsHeader = "X-Gala-Holdings";

/**
 * Request header of a shake sent again with the request id of one whose answer the client
 * never got; its value is the id of the lottery phase the client saw live when it first sent
 * that shake (`1` when it saw none). When the retry is no longer an envelope candidate (its
 * phase ended or changed), the edge recomputes the keyed draw of the request id in the phase
 * it names: only if that made it a candidate does the edge ask the viewer's shard for the
 * envelope it won, so a retry gets the same answer and a request id that was never a
 * candidate costs no call; shakes without the header are answered from the timeline alone.
 */
export type RetryHeader = "X-Gala-Retry";

export type ShakeOutcome =
  | { kind: "rest"; nextStartsAt: EpochMs | null }
  | { kind: "greeting"; phaseId: string; assetId: string }
  /** `holdings`: the viewer's envelopes in this gala, signed; send it with the next shakes. */
  | { kind: "envelope"; envelope: WonEnvelope; holdings?: string }
  | { kind: "busy"; retryAfterMs: number };

export type ShakeResponse = ShakeOutcome & {
  requestId: string;
  serverTime: EpochMs;
  throttle: ThrottleHint;
};

/** Body of `POST /api/envelopes/:claimId/open` (optional): the signed claim of an edge-lease win. */
export interface OpenRequest {
  signedClaim?: string;
}

/** `POST /api/envelopes/present`: signed claims the client still keeps, recorded if they are not yet. */
export interface PresentRequest {
  signedClaims: string[];
}

/**
 * Per signed claim: `recorded` (the server holds it: the client may forget its copy),
 * `voided` (it broke a limit or came after its deadline: no money, forget it).
 */
export interface PresentResponse {
  results: { claimId: string; status: "recorded" | "voided"; reason?: string }[];
}

/** `POST /api/envelopes/:claimId/open`: the same answer however often it is asked. */
export interface OpenResponse {
  envelope: WonEnvelope;
  /** When the claim was first opened. */
  openedAt: EpochMs;
}

/** A claim as its shard knows it, which is all a settlement needs. */
export interface SettlementClaim {
  claimId: string;
  userId: string;
  poolId: string;
  phaseId: string;
  sponsorId: string;
  amountCents: Cents;
  claimedAt: EpochMs;
}

export type WalletEntryStatus = "settled" | "pending";

export interface WalletEntry {
  /** The ledger row's idempotency key (`claim:<claimId>` for a won envelope). */
  entryId: string;
  kind: string;
  status: WalletEntryStatus;
  /** Signed: credits are positive, debits negative. */
  amountCents: Cents;
  claimId: string | null;
  sponsorId: string | null;
  phaseId: string | null;
  /** When the row was written (settled) or the envelope was won (pending). */
  at: EpochMs;
}

/** `GET /api/wallet`: `balanceCents` is settled money only; pending is on its way. */
export interface WalletResponse {
  userId: string;
  balanceCents: Cents;
  pendingCents: Cents;
  entries: WalletEntry[];
}

/** One pre-downloaded file; `bytes` is its exact size, for the progress bar. */
export interface ResourceFile {
  assetId: string;
  /** The viewer language this file is for (a greeting's words); without it, the file is for every language. */
  lang?: ViewerLanguage;
  /** Versioned URL: a new version of a file gets a new URL. */
  url: string;
  bytes: number;
}

/** A versioned package (sponsors, greetings, animations); a new version replaces the old cache. */
export interface ResourcePackage {
  id: string;
  version: number;
  files: ResourceFile[];
}

/** `/resources/manifest.json`: every package the service worker keeps in Cache Storage. */
export interface ResourceManifest {
  packages: ResourcePackage[];
}

/** Service worker → page: pre-download progress. */
export interface ResourceProgress {
  type: "resources";
  state: "downloading" | "complete" | "interrupted";
  doneBytes: number;
  totalBytes: number;
  doneFiles: number;
  totalFiles: number;
}
