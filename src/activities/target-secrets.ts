// PublishContext.secrets on Postgres: capabilities a platform hands out for one target (an upload URL), sealed with
// the envelope crypto and stored by target, so they never travel in PublishState (workflow history).
import { and, eq } from 'drizzle-orm';
import type { TokenCrypto } from '../crypto/envelope.js';
import { openTargetSecret, sealTargetSecret } from '../crypto/secret-fields.js';
import type { Db } from '../db/client.js';
import { targetSecrets } from '../db/schema.js';
import type { TargetSecrets } from '../platforms/provider.js';

export function createTargetSecrets(db: Db, crypto: TokenCrypto) {
  return (targetId: string): TargetSecrets => {
    const row = (name: string) => and(eq(targetSecrets.targetId, targetId), eq(targetSecrets.name, name));
    return {
      async get(name) {
        const [found] = await db.select().from(targetSecrets).where(row(name));
        return found ? openTargetSecret(crypto, found) : undefined;
      },
      async put(name, value) {
        const sealed = sealTargetSecret(crypto, targetId, name, value);
        await db.insert(targetSecrets).values({ targetId, name, ...sealed })
          .onConflictDoUpdate({ target: [targetSecrets.targetId, targetSecrets.name], set: { ...sealed, updatedAt: new Date() } });
      },
      async delete(name) {
        await db.delete(targetSecrets).where(row(name));
      },
    };
  };
}
