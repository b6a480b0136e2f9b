/**
 * A local stand-in for Cloudflare Turnstile's client script (challenges.cloudflare.com/turnstile/v0/api.js),
 * served by the browser tests in its place. It implements the documented client API the PWA
 * may use: `?render=explicit&onload=<global>` (the global is called once the script ran),
 * `turnstile.render(container, params)` returning a widget id, `reset`, `remove`,
 * `getResponse`, `isExpired`, `execute` and `ready`, and the render parameters' callbacks:
 * `callback(token)`, `error-callback(code)`, `expired-callback(token)`, `timeout-callback()`,
 * with `execution` ("render": the challenge runs at render and after each reset; "execute":
 * only on execute()), `refresh-expired` ("auto": a new challenge runs when a token expires)
 * and `appearance` ("interaction-only": nothing visible unless interaction is needed).
 *
 * A test scripts it through `window.__turnstile` (set before the page loads):
 *   failures          how many challenges fail first (error-callback "300030")
 *   expireAfterMs     each token expires this long after it was issued, unless used
 * and reads what happened there: `renders` (the params of each render, without callbacks),
 * `issued` (tokens in order), `events` ("render", "token:<t>", "error", "expired:<t>", "reset").
 */
(() => {
  const control = (window.__turnstile ??= {});
  control.failures ??= 0;
  control.renders = [];
  control.issued = [];
  control.events = [];
  const widgets = new Map();
  let serial = 0;

  function challenge(widget) {
    clearTimeout(widget.timer);
    widget.token = null;
    widget.timer = setTimeout(() => {
      if (control.failures > 0) {
        control.failures -= 1;
        control.events.push("error");
        const handled = widget.params["error-callback"]?.("300030");
        if (!handled) throw new Error("Turnstile error 300030");
        return;
      }
      const token = `stand-in-token-${control.issued.length + 1}`;
      widget.token = token;
      widget.expired = false;
      control.issued.push(token);
      control.events.push(`token:${token}`);
      widget.params.callback?.(token);
      if (control.expireAfterMs) {
        widget.timer = setTimeout(() => {
          widget.expired = true;
          control.events.push(`expired:${token}`);
          widget.params["expired-callback"]?.(token);
          if ((widget.params["refresh-expired"] ?? "auto") === "auto") challenge(widget);
        }, control.expireAfterMs);
      }
    }, 50);
  }

  function widgetOf(idOrContainer) {
    if (idOrContainer === undefined) return [...widgets.values()][0];
    if (typeof idOrContainer === "string" && widgets.has(idOrContainer)) return widgets.get(idOrContainer);
    const container = typeof idOrContainer === "string" ? document.querySelector(idOrContainer) : idOrContainer;
    return [...widgets.values()].find((w) => w.container === container);
  }

  window.turnstile = {
    ready(callback) {
      callback();
    },
    render(containerOrSelector, params = {}) {
      const container = typeof containerOrSelector === "string" ? document.querySelector(containerOrSelector) : containerOrSelector;
      if (!container || !params.sitekey) return undefined;
      const id = `cf-stand-in-${++serial}`;
      control.renders.push(Object.fromEntries(Object.entries(params).filter(([, v]) => typeof v !== "function")));
      control.events.push("render");
      const widget = { id, container, params, token: null, expired: false, timer: undefined };
      widgets.set(id, widget);
      if (params.appearance !== "interaction-only" && params.appearance !== "execute") {
        container.append(Object.assign(document.createElement("div"), { className: "cf-turnstile-stand-in", textContent: "Turnstile" }));
      }
      if ((params.execution ?? "render") === "render") challenge(widget);
      return id;
    },
    execute(idOrContainer) {
      const widget = widgetOf(idOrContainer);
      if (widget) challenge(widget);
    },
    reset(idOrContainer) {
      const widget = widgetOf(idOrContainer);
      if (!widget) return;
      control.events.push("reset");
      if ((widget.params.execution ?? "render") === "render") challenge(widget);
      else clearTimeout(widget.timer);
    },
    remove(idOrContainer) {
      const widget = widgetOf(idOrContainer);
      if (!widget) return;
      clearTimeout(widget.timer);
      widget.container.replaceChildren();
      widgets.delete(widget.id);
    },
    getResponse(idOrContainer) {
      return widgetOf(idOrContainer)?.token ?? undefined;
    },
    isExpired(idOrContainer) {
      return widgetOf(idOrContainer)?.expired ?? false;
    },
  };

  const onload = new URL(document.currentScript.src).searchParams.get("onload");
  if (onload) setTimeout(() => window[onload]?.(), 0);
})();
