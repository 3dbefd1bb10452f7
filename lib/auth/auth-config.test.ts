import { describe, expect, it } from "vitest";
import { allowedOrigins, groupsOf, readAuthEnv, roleForGroups, safeCallbackPath } from "./auth-config";

describe("safeCallbackPath", () => {
  it("keeps same-origin paths with their query and hash", () => {
    expect(safeCallbackPath("/rollouts/abc")).toBe("/rollouts/abc");
    expect(safeCallbackPath("/rollouts/abc?wall=1#items")).toBe("/rollouts/abc?wall=1#items");
  });

  it.each(["/\\evil.example", "/%09/evil.example", "//evil.example", "https://evil.example/", "/%2F/evil.example", "/%5Cevil.example", "/\t/evil.example", "javascript:alert(1)", "evil.example", "/%E0%A4%A", ""])(
    "sends %j to the fallback",
    (candidate) => {
      expect(safeCallbackPath(candidate)).toBe("/rollouts");
    },
  );
});

describe("OIDC group mapping", () => {
  const map = readAuthEnv({ WARROOM_OIDC_ROLE_MAP: "wr-admins=ADMIN, wr-commanders=commander,wr-eng=ENGINEER" }).WARROOM_OIDC_ROLE_MAP;

  it("gives the highest mapped role, or null with no mapped group", () => {
    expect(roleForGroups(["wr-eng", "wr-commanders", "other"], map)).toBe("COMMANDER");
    expect(roleForGroups(["other"], map)).toBeNull();
    expect(roleForGroups([], map)).toBeNull();
  });

  it("reads the groups claim as a list or one string", () => {
    expect(groupsOf({ groups: ["a", 3, "b"] }, "groups")).toEqual(["a", "b"]);
    expect(groupsOf({ roles: "a" }, "roles")).toEqual(["a"]);
    expect(groupsOf({}, "groups")).toEqual([]);
  });

  it("refuses a bad map and an OIDC mode without its issuer", () => {
    expect(() => readAuthEnv({ WARROOM_OIDC_ROLE_MAP: "wr-admins=ROOT" })).toThrow(/group=ROLE/);
    expect(() => readAuthEnv({ WARROOM_AUTH: "oidc" })).toThrow(/WARROOM_OIDC_ISSUER/);
  });
});

describe("allowedOrigins", () => {
  it("is the configured list, else the public URL's origin", () => {
    expect(allowedOrigins(readAuthEnv({ WARROOM_ALLOWED_ORIGINS: "https://a.example/, https://b.example", NEXTAUTH_URL: "https://c.example" }))).toEqual(["https://a.example", "https://b.example"]);
    expect(allowedOrigins(readAuthEnv({ NEXTAUTH_URL: "https://warroom.example/base" }))).toEqual(["https://warroom.example"]);
    expect(allowedOrigins(readAuthEnv({}))).toBeNull();
  });
});
