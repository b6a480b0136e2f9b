// `npm start`'s first step: .dev.vars (development-only secrets) from .dev.vars.example.
// A missing file is copied; an existing one gets the variables it lacks (a secret added
// since it was made), and the example's ADMIN_SECRET when its own is too short for the
// worker (which refuses to serve with one under 32 characters). Development values only.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

const EXAMPLE = ".dev.vars.example";
const TARGET = ".dev.vars";
const MIN_ADMIN_SECRET_CHARS = 32;

const entries = (text) =>
  new Map(
    text
      .split("\n")
      .map((line) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
      .filter(Boolean)
      .map((m) => [m[1], m[0]]),
  );

if (!existsSync(TARGET)) {
  copyFileSync(EXAMPLE, TARGET);
} else {
  let text = readFileSync(TARGET, "utf8");
  const have = entries(text);
  const example = entries(readFileSync(EXAMPLE, "utf8"));
  const missing = [...example].filter(([name]) => !have.has(name));
  const admin = /^ADMIN_SECRET="?([^"]*)"?$/.exec(have.get("ADMIN_SECRET") ?? "")?.[1];
  if (admin !== undefined && admin.length < MIN_ADMIN_SECRET_CHARS) {
    text = text.replace(have.get("ADMIN_SECRET"), example.get("ADMIN_SECRET"));
    console.log(`${TARGET}: ADMIN_SECRET was shorter than ${MIN_ADMIN_SECRET_CHARS} characters; now ${EXAMPLE}'s`);
  }
  if (missing.length > 0) {
    text = `${text.trimEnd()}\n${missing.map(([, line]) => line).join("\n")}\n`;
    console.log(`${TARGET}: added ${missing.map(([name]) => name).join(", ")} from ${EXAMPLE}`);
  }
  writeFileSync(TARGET, text);
}
