/** Facts about this running instance and its installation. */
import type { Deps } from "../../context.js";
import type { Database } from "../../db/database.js";
import type { Clock } from "../../lib/clock.js";

const INSTALLATION_KEY = "installation";

interface Installation {
  installedAt: string;
}

/** Records when this database was first started, once; later starts leave it as it is. */
export async function recordInstallation(db: Database, clock: Clock): Promise<void> {
  const value: Installation = { installedAt: clock.now().toISOString() };
  await db.prisma.systemSetting.upsert({
    where: { key: INSTALLATION_KEY },
    create: { key: INSTALLATION_KEY, value: { ...value } },
    update: {},
  });
}

/** Name, version, uptime, database kind, when the installation was created, and whether sign-ups are open. */
export async function systemInfo(deps: Pick<Deps, "config" | "db" | "clock" | "startedAt" | "version">) {
  const installation = await deps.db.prisma.systemSetting.findUnique({ where: { key: INSTALLATION_KEY } });
  const installedAt = (installation?.value as Installation | undefined)?.installedAt ?? null;
  return {
    name: "Assay" as const,
    version: deps.version,
    environment: deps.config.nodeEnv,
    uptimeSeconds: Math.floor((deps.clock.now().getTime() - deps.startedAt.getTime()) / 1000),
    startedAt: deps.startedAt.toISOString(),
    installedAt,
    database: deps.db.kind,
    node: process.version,
    registrationOpen: deps.config.auth.registrationOpen,
  };
}
