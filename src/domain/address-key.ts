/**
 * The key a client address is counted under: an IPv4 address as it is (also when written as
 * an IPv4-mapped IPv6 address), an IPv6 address by its /64 prefix, one subscriber's whole
 * allocation (counting single IPv6 addresses would give one client 2^64 budgets).
 */
export function addressKey(ip: string): string {
  if (!ip.includes(":")) return ip;
  if (ip.includes(".")) return ip.slice(ip.lastIndexOf(":") + 1);
  const [head, tail] = ip.toLowerCase().split("::", 2);
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0");
  const prefix = [...left, ...zeros, ...right].slice(0, 4).map((group) => group.replace(/^0+(?=.)/, ""));
  return `${prefix.join(":")}::/64`;
}
