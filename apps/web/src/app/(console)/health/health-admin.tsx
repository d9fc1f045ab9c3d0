"use client";
import { useCan } from "~/hooks/use-can";
import { ThresholdEditor } from "./threshold-editor";

/** Threshold editing, for admins only (everyone else sees the rules above, read only). */
export function HealthAdmin() {
  const canEdit = useCan("guard:thresholds");
  return canEdit ? <ThresholdEditor /> : null;
}
