/** Matrix rules for the ATT&CK reference data (any signed-in account reads it). */

import { ensureAttackLoaded } from "../../modules/mitre/attack-import.service.js";
import { type Rule, signedIn } from "./ladders.js";

export const knowledgeRules: Record<string, Rule> = {
  "mitre.tactics": { expect: signedIn },
  "mitre.techniques": { expect: signedIn, call: () => ({ input: { page: 1, pageSize: 5 } }) },
  "mitre.technique": {
    expect: signedIn,
    call: async (world) => {
      // The harness database starts empty; the server loads ATT&CK at start-up.
      await ensureAttackLoaded(world.h.deps);
      return { input: { id: "T1003.001" } };
    },
  },
  "mitre.search": { expect: signedIn, call: () => ({ input: { q: "lsass" } }) },
};
