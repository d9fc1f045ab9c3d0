import { describe, expect, it } from "vitest";
import { addressKey, clientAddress } from "./client-address.ts";

const forwarded = (value?: string) => new Headers(value === undefined ? {} : { "x-forwarded-for": value });

describe("clientAddress", () => {
  it("without proxies, is the last entry: the socket's address Next puts there when the client sent none", () => {
    expect(clientAddress(forwarded("203.0.113.7"), 0)).toBe("203.0.113.7");
    expect(clientAddress(forwarded("198.51.100.1, 203.0.113.7"), 0)).toBe("203.0.113.7");
  });

  it("behind N trusted proxies, is the N-th entry from the right, whatever the client prepended", () => {
    const header = forwarded("6.6.6.6, 7.7.7.7, 203.0.113.7, 10.0.0.2");
    expect(clientAddress(header, 1)).toBe("10.0.0.2");
    expect(clientAddress(header, 2)).toBe("203.0.113.7");
    // Fewer entries than proxies (a request that skipped them): the leftmost there is.
    expect(clientAddress(forwarded("203.0.113.7"), 3)).toBe("203.0.113.7");
  });

  it("is null without a usable entry", () => {
    expect(clientAddress(forwarded(), 0)).toBeNull();
    expect(clientAddress(forwarded(" , "), 0)).toBeNull();
    expect(clientAddress(forwarded("not-an-address"), 0)).toBeNull();
  });
});

describe("addressKey", () => {
  it("drops ports, brackets, zones and the IPv4-mapped prefix", () => {
    expect(addressKey("203.0.113.7:51234")).toBe("203.0.113.7");
    expect(addressKey("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(addressKey("[::ffff:127.0.0.1]:443")).toBe("127.0.0.1");
  });

  it("counts an IPv6 address by its /64, however it is written", () => {
    const key = "2001:db8:0:1::/64";
    expect(addressKey("2001:db8:0:1::1")).toBe(key);
    expect(addressKey("2001:0DB8:0000:0001:ffff:ffff:ffff:ffff")).toBe(key);
    expect(addressKey("[2001:db8:0:1:abcd::9]:8080")).toBe(key);
    expect(addressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("2001:db8:0:2::1")).not.toBe(key);
  });
});
