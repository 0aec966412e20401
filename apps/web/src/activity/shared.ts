/** What the activity page's parts share: the activity type, value conversions, and the cache update after a write. */
import type { RouterOutputs } from "@assay/client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../api";

export type Activity = RouterOutputs["activities"]["get"];
export const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
export const OUTCOMES = ["prevented", "blocked", "alerted", "logged", "not_detected"] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Outcome = (typeof OUTCOMES)[number];
export const CATEGORIES = ["prevention", "detection", "logging", "notification", "severity"] as const;

/** ISO instant -> the value of a datetime-local input (local time, minutes). */
export function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local value -> an ISO instant, or null when empty. */
export const fromLocalInput = (value: string): string | null => (value ? new Date(value).toISOString() : null);

/** Trimmed text, or null when blank. */
export const orNull = (value: string): string | null => (value.trim() ? value.trim() : null);

/** Puts the activity a write returned in the cache (the page re-renders from it). */
export function useActivityUpdate() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (activity: Activity) => {
    queryClient.setQueryData(trpc.activities.get.queryKey({ id: activity.id }), activity);
    void queryClient.invalidateQueries({ queryKey: trpc.activities.history.queryKey() });
  };
}

/** Names of the organization's members (first 100), for the user ids history and evidence carry. */
export function useMemberNames() {
  const trpc = useTRPC();
  const members = useQuery({ ...trpc.orgs.members.list.queryOptions({ pageSize: 100 }), staleTime: 60_000 });
  const names = new Map(members.data?.data.map((m) => [m.userId, m.name]));
  return {
    nameOf: (userId: string | null) =>
      (userId && names.get(userId)) ?? (userId && members.isSuccess ? "a former member" : "someone"),
  };
}
