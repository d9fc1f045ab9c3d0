"use client";
import { type Capability, can } from "~/lib/permissions";
import { useMe } from "./use-me";

/** `useCan("rollout:set")`: whether the signed-in person's role allows it. */
export function useCan(capability: Capability): boolean {
  return can(useMe()?.role, capability);
}
