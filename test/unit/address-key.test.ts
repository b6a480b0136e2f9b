import { describe, expect, it } from "vitest";
import { addressKey } from "../../src/domain/address-key";

describe("client address keys", () => {
  it("keep IPv4 addresses, IPv4-mapped ones included, and group IPv6 addresses by their /64", () => {
    expect(addressKey("198.51.100.7")).toBe("198.51.100.7");
    expect(addressKey("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(addressKey("2001:db8:7:1::a")).toBe("2001:db8:7:1::/64");
    expect(addressKey("2001:0DB8:0007:0001:ffff:0:0:b")).toBe("2001:db8:7:1::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("2001:db8:7:2::a")).not.toBe(addressKey("2001:db8:7:1::a"));
  });
});
