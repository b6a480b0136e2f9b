/**
 * CPU time of the server processes, read from /proc (Linux). Server CPU per request is the
 * figure that survives a busy machine: throughput moves with the neighbours' load, the CPU
 * a request costs does not.
 */
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { cpus, loadavg } from "node:os";

const TICKS_PER_SECOND = 100;

function stat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return {
    comm: text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")),
    ppid: Number(fields[1]),
    ticks: Number(fields[11]) + Number(fields[12]),
  };
}

/** Process ids of this process's children named `name` (empty where /proc is missing). */
export function childPids(name) {
  let entries;
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  return entries
    .filter((pid) => {
      try {
        const s = stat(pid);
        return s.ppid === process.pid && s.comm === name;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** CPU seconds used so far by a process, or null when it cannot be read. */
export function cpuSeconds(pid) {
  try {
    return stat(pid).ticks / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * The process id of this process's child named `name` that listens on 127.0.0.1:`port` (null
 * where /proc is missing): servers started at the same time are told apart by their sockets.
 */
export function childListeningOn(name, port) {
  let inode;
  try {
    const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
    const listening = readFileSync("/proc/net/tcp", "utf8")
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .find((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === "0A");
    inode = listening?.[9];
  } catch {
    return null;
  }
  if (!inode) return null;
  const socket = `socket:[${inode}]`;
  return (
    childPids(name).find((pid) => {
      try {
        return readdirSync(`/proc/${pid}/fd`).some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === socket);
      } catch {
        return false;
      }
    }) ?? null
  );
}

/**
 * The machine a bench script runs on, printed as its first line (`<label>: cores x model, load
 * average …`); `atEnd()` is the record its report keeps, with the load average then.
 */
export function machineAtStart(label) {
  const cpu = cpus()[0]?.model;
  const cores = cpus().length;
  const loadAverageAtStart = loadavg();
  console.log(`${label}: ${cores} x ${cpu}, load average ${loadAverageAtStart.map((n) => n.toFixed(2)).join(" ")}`);
  return { atEnd: () => ({ cpu, cores, loadAverageAtStart, loadAverageAtEnd: loadavg() }) };
}
