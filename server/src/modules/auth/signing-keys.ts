/**
 * JWT signing keys: generated on first start, private halves encrypted at rest, the newest
 * unretired key signs, retired keys keep verifying until the tokens they signed expire.
 * Public keys are published as a JWKS at /.well-known/jwks.json.
 */
import { randomUUID } from "node:crypto";
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type KeyObject,
} from "jose";
import type { Database } from "../../db/database.js";
import type { Clock } from "../../lib/clock.js";
import type { KeyRing } from "../../lib/crypto.js";

export type JwtAlgorithm = "EdDSA" | "ES256";
type Key = CryptoKey | KeyObject | Uint8Array;

interface LoadedKey {
  kid: string;
  algorithm: JwtAlgorithm;
  publicJwk: JWK;
  publicKey: Key;
  createdAt: Date;
  retiredAt: Date | null;
}

export class SigningKeys {
  #keys = new Map<string, LoadedKey>();
  #signer: { kid: string; algorithm: JwtAlgorithm; privateKey: Key; privateJwk: JWK } | undefined;
  #lastReload = 0;

  constructor(
    private readonly db: Database,
    private readonly ring: KeyRing,
    private readonly clock: Clock,
    private readonly options: { algorithm: JwtAlgorithm; accessTokenTtlSeconds: number },
  ) {}

  /** Loads the keys, creating the first one when there is none. Idempotent. */
  async init(): Promise<void> {
    const active = await this.db.prisma.signingKey.findFirst({ where: { retiredAt: null } });
    if (!active) await this.#create();
    await this.reload();
  }

  /** Retires the current signing key and starts signing with a new one; returns the new kid. */
  async rotate(): Promise<string> {
    const now = this.clock.now();
    const kid = await this.db.prisma.$transaction(async (tx) => {
      await tx.signingKey.updateMany({ where: { retiredAt: null }, data: { retiredAt: now } });
      return this.#create(tx);
    });
    await this.reload();
    return kid;
  }

  async #create(tx: Pick<Database["prisma"], "signingKey"> = this.db.prisma): Promise<string> {
    const algorithm = this.options.algorithm;
    const pair =
      algorithm === "EdDSA"
        ? await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true })
        : await generateKeyPair("ES256", { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: algorithm, use: "sig" };
    const privateJwk = await exportJWK(pair.privateKey);
    await tx.signingKey.create({
      data: {
        id: kid,
        algorithm,
        publicJwk,
        privateKeyEncrypted: this.ring.encrypt(JSON.stringify(privateJwk)),
        createdAt: this.clock.now(),
      },
    });
    return kid;
  }

  /** Re-reads keys from the database (another instance may have rotated). */
  async reload(): Promise<void> {
    const rows = await this.db.prisma.signingKey.findMany({ orderBy: { createdAt: "desc" } });
    const keys = new Map<string, LoadedKey>();
    for (const row of rows) {
      const algorithm = row.algorithm as JwtAlgorithm;
      const publicJwk = row.publicJwk as JWK;
      keys.set(row.id, {
        kid: row.id,
        algorithm,
        publicJwk,
        publicKey: await importJWK(publicJwk, algorithm),
        createdAt: row.createdAt,
        retiredAt: row.retiredAt,
      });
    }
    const current = rows.find((r) => r.retiredAt === null);
    if (current) {
      const privateJwk = JSON.parse(this.ring.decrypt(current.privateKeyEncrypted)) as JWK;
      this.#signer = {
        kid: current.id,
        algorithm: current.algorithm as JwtAlgorithm,
        privateKey: await importJWK(privateJwk, current.algorithm),
        privateJwk,
      };
    }
    this.#keys = keys;
    this.#lastReload = Date.now();
  }

  /** The key to sign new tokens with. */
  signer(): { kid: string; algorithm: JwtAlgorithm; privateKey: Key } {
    if (!this.#signer) throw new Error("signing keys not initialised");
    return this.#signer;
  }

  /** The current signing key as a private JWK (kid, alg, use set), for the OAuth authorization server. */
  signerJwk(): JWK {
    if (!this.#signer) throw new Error("signing keys not initialised");
    const { kid, algorithm, privateJwk } = this.#signer;
    return { ...privateJwk, kid, alg: algorithm, use: "sig" };
  }

  /** The verification key for `kid`, or undefined when unknown or retired for too long. */
  async verificationKey(kid: string | undefined): Promise<LoadedKey | undefined> {
    if (!kid) return undefined;
    let key = this.#keys.get(kid);
    // An unknown kid may come from a rotation on another instance; look again, at most once a second.
    if (!key && Date.now() - this.#lastReload > 1000) {
      await this.reload();
      key = this.#keys.get(kid);
    }
    return key && this.#stillVerifies(key) ? key : undefined;
  }

  #stillVerifies(key: LoadedKey): boolean {
    if (!key.retiredAt) return true;
    return this.clock.now().getTime() < key.retiredAt.getTime() + this.options.accessTokenTtlSeconds * 1000;
  }

  /** Public keys that may still verify a live token. */
  jwks(): JSONWebKeySet {
    return { keys: [...this.#keys.values()].filter((k) => this.#stillVerifies(k)).map((k) => k.publicJwk) };
  }
}
