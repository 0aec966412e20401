import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { asRequest, inTurns, TurnGate } from "./fair-turns.js";

describe("fair turns on the embedded connection", () => {
  it("serves waiters oldest request first, not in the order they asked", async () => {
    const gate = new TurnGate();
    const order: string[] = [];
    let open!: () => void;
    const holder = gate.run(() => new Promise<void>((resolve) => (open = resolve)));
    // Asked in the order young, old, middle: served old, middle, young.
    const young = gate.run(async () => void order.push("young"), 30);
    const old = gate.run(async () => void order.push("old"), 10);
    const middle = gate.run(async () => void order.push("middle"), 20);
    expect(gate.waiting).toBe(3);
    open();
    await Promise.all([holder, young, old, middle]);
    expect(order).toEqual(["old", "middle", "young"]);
    expect(gate.waiting).toBe(0);
  });

  it("gives a request's later statements their turn before newer requests' statements", async () => {
    const db = inTurns(new PGlite());
    const order: string[] = [];
    let open: (() => void) | undefined;
    // Something holds the connection while an old request and then 20 newer ones queue.
    const blocker = db.transaction(() => new Promise<void>((resolve) => (open = resolve)));
    for (let i = 0; i < 500 && !open; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const oldRequest = asRequest(async () => {
      await db.query("SELECT 1");
      await db.query("SELECT 2");
      order.push("old");
    });
    await new Promise((resolve) => setTimeout(resolve, 2));
    const newer = Array.from({ length: 20 }, (_, i) =>
      asRequest(async () => {
        await db.query("SELECT 3");
        order.push(`new ${i}`);
      }),
    );
    open?.();
    await Promise.all([blocker, oldRequest, ...newer]);
    // The turn after its first statement went to the oldest waiter then (one newer request);
    // its second statement then went before the 19 others (first come, first served: last).
    expect(order.indexOf("old")).toBe(1);
    expect(order).toHaveLength(21);
    await db.close();
  });

  it("runs a transaction's own statements inside its turn, and a failure frees the turn", async () => {
    const db = inTurns(new PGlite());
    await db.exec("CREATE TABLE t (n int)");
    const sum = await db.transaction(async (tx) => {
      await tx.query("INSERT INTO t VALUES (1), (2)");
      return (await tx.query<{ s: number }>("SELECT sum(n)::int AS s FROM t")).rows[0]?.s;
    });
    expect(sum).toBe(3);
    await expect(db.query("SELECT * FROM missing_table")).rejects.toThrow(/missing_table/);
    expect((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM t")).rows[0]?.n).toBe(2);
    await db.close();
  });
});
