/**
 * Calibration: minimal workers with the shake's wire shapes, each on its own direct socket
 * in the hello-world's workerd process (the same runtime as the app), measured in the same run. They show
 * what a wire shape costs before any of the app's code runs, so a scenario is compared with
 * the cheapest worker of its own shape as well as with hello-world. Only one is driven at
 * a time, so the process's CPU per request is that worker's.
 */
const SECURITY_HEADERS = `"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY", "Cross-Origin-Resource-Policy": "same-origin",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"`;

const module = (body) => `export default { async fetch(request) { ${body} } };`;
const idFromPath = `const url = request.url; const id = url.slice(url.lastIndexOf("/") + 1);`;
const answer = (id) =>
  `\`{"kind":"rest","nextStartsAt":null,"requestId":"\${${id}}","serverTime":\${Date.now()},"throttle":{"level":0,"minIntervalMs":1000}}\``;

/** name → { about, wire: "body" | "path", script } */
export const CALIBRATION_WORKERS = {
  "cal-read-body": {
    about: "hello-world after reading the small POST body with request.text()",
    wire: "body",
    script: module(`await request.text(); return new Response("hello");`),
  },
  "cal-json": {
    about: "parse the JSON body, answer JSON.stringify(...) with a content type",
    wire: "body",
    script: module(`const { requestId } = await request.json();
      return new Response(JSON.stringify({ kind: "rest", nextStartsAt: null, requestId, serverTime: Date.now(), throttle: { level: 0, minIntervalMs: 1000 } }), { headers: { "Content-Type": "application/json" } });`),
  },
  "cal-json-6h": {
    about: "the same with six response headers (content type + five security headers): the JSON-body shake's shape",
    wire: "body",
    script: module(`const { requestId } = await request.json();
      return new Response(JSON.stringify({ kind: "rest", nextStartsAt: null, requestId, serverTime: Date.now(), throttle: { level: 0, minIntervalMs: 1000 } }), { headers: { "Content-Type": "application/json", ${SECURITY_HEADERS} } });`),
  },
  "cal-path": {
    about: "request id from the path, no body read, answer from a string template, no header set",
    wire: "path",
    script: module(`${idFromPath} return new Response(${answer("id")});`),
  },
  "cal-path-1h": {
    about: "the same with a JSON content type: the lean shake wire's shape",
    wire: "path",
    script: module(`${idFromPath} return new Response(${answer("id")}, { headers: { "Content-Type": "application/json" } });`),
  },
};

/** Miniflare worker options for the calibration workers, the first port for the first (0: any free ports). */
export function calibrationWorkers(firstPort) {
  return Object.entries(CALIBRATION_WORKERS).map(([name, { script }], i) => ({
    name,
    modules: true,
    script,
    unsafeDirectSockets: [{ host: "127.0.0.1", port: firstPort === 0 ? 0 : firstPort + i }],
  }));
}

/** Bench scenarios driving each calibration worker with its wire's requests. */
export const CALIBRATION_SCENARIOS = Object.entries(CALIBRATION_WORKERS).map(([name, { about, wire }]) => ({
  name,
  about,
  target: name,
  prepare: () => ({ method: "POST", path: "/api/shake", tokens: ["calibration-token"], idInPath: wire === "path" }),
  expect: ["rest", "other"],
}));
