/** Procedure builders: each one is a guard. Later modules add authed, role(...), orgRole(...). */
import { baseProcedure } from "./init.js";

/** Open to anyone, signed in or not. */
export const publicProcedure = baseProcedure;
