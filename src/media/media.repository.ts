import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, In, IsNull, LessThan } from 'typeorm';
import { AppScope } from '../database/app-scope.js';
import { ScopedRepository } from '../database/scoped-repository.js';
import { MediaEntity } from './media.entity.js';

export type NewMedia = Omit<MediaEntity, 'id' | 'appId' | 'claim' | 'claimedAt' | 'messageId' | 'roomId' | 'attachedAt'>;

/** Who uploads or attaches: a user of the app, or the app backend itself. */
export type MediaOwner = { uploaderId: string; byApp: false } | { uploaderId: null; byApp: true };

/** The most rows one sweep pass takes per kind of leftover. */
const SWEEP_BATCH = 200;

@Injectable()
export class MediaRepository extends ScopedRepository<MediaEntity> {
  constructor(db: DataSource) {
    super(db, MediaEntity, 'media');
  }

  async insert(scope: AppScope, values: NewMedia): Promise<MediaEntity> {
    const row = this.stamp<MediaEntity>(scope, { ...values, claim: null, claimedAt: null, messageId: null, roomId: null, attachedAt: null } as Omit<MediaEntity, 'appId'>);
    return this.db.manager.save(MediaEntity, this.db.manager.create(MediaEntity, row));
  }

  findById(scope: AppScope, id: string): Promise<MediaEntity | null> {
    return this.select(scope).andWhere('media.id = :id', { id }).getOne();
  }

  findByIds(scope: AppScope, ids: readonly string[]): Promise<MediaEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.select(scope).andWhere('media.id IN (:...ids)', { ids }).getMany();
  }

  /**
   * Takes the owner's unattached, unclaimed uploads among `ids` for one send, marking them with
   * `claim`; returns how many it took (all of them, or the caller releases what it got).
   */
  async claim(scope: AppScope, ids: readonly string[], owner: MediaOwner, claim: string, at: Date): Promise<number> {
    const result = await this.db.manager.createQueryBuilder().update(MediaEntity).set({ claim, claimedAt: at })
      .where({ appId: scope.appId, id: In([...ids]), attachedAt: IsNull(), claim: IsNull(), ...ownerCriteria(owner) })
      .execute();
    return result.affected ?? 0;
  }

  async release(scope: AppScope, claim: string): Promise<void> {
    await this.update(scope, { claim }, { claim: null, claimedAt: null });
  }

  /** The claimed uploads become the message's attachments. */
  async attach(scope: AppScope, claim: string, messageId: string, roomId: string, at: Date): Promise<number> {
    const result = await this.update(scope, { claim }, { claim: null, claimedAt: null, messageId, roomId, attachedAt: at });
    return result.affected ?? 0;
  }

  listByMessage(scope: AppScope, messageId: string): Promise<MediaEntity[]> {
    return this.select(scope).andWhere('media.messageId = :messageId', { messageId }).getMany();
  }

  /** The message's files become orphans (attached, no room): the sweeper removes them if the caller cannot now. */
  async orphanMessageFiles(scope: AppScope, messageId: string): Promise<void> {
    await this.update(scope, { messageId }, { roomId: null });
  }

  async deleteById(scope: AppScope, id: string): Promise<number> {
    return this.remove(scope, { id });
  }

  /**
   * unscoped: the sweeper works for every app. Files whose owner is gone: attached ones whose room
   * was deleted (room_id nulled), and every file of a deleted user (uploader_id nulled, not the app's).
   */
  orphans(): Promise<MediaEntity[]> {
    return this.db.manager.createQueryBuilder(MediaEntity, 'media')
      .where(new Brackets((q) => q.where('media.roomId IS NULL AND media.attachedAt IS NOT NULL')
        .orWhere('media.uploaderId IS NULL AND media.byApp = :no', { no: false })))
      .take(SWEEP_BATCH).getMany();
  }

  /**
   * unscoped: the sweeper works for every app. Marks (with `claim`, at `now`) and returns uploads
   * never attached that were made before `before`; one claimed before `staleClaimBefore` (when the
   * claim was taken, however old the upload) is a send or sweep that never finished (its instance
   * stopped), so those go too.
   */
  async takeStale(before: Date, staleClaimBefore: Date, claim: string, now: Date): Promise<MediaEntity[]> {
    const candidates = await this.db.manager.createQueryBuilder(MediaEntity, 'media').select('media.id', 'id')
      .where('media.attachedAt IS NULL AND media.createdAt < :before', { before })
      .andWhere(new Brackets((q) => q.where('media.claim IS NULL').orWhere('media.claimedAt < :stale', { stale: staleClaimBefore })))
      .limit(SWEEP_BATCH).getRawMany<{ id: unknown }>();
    if (candidates.length === 0) return [];
    const ids = candidates.map((c) => String(c.id));
    // Taken with a condition that a send's claim cannot slip past: the row is still unattached and unclaimed (or stale).
    await this.db.manager.createQueryBuilder().update(MediaEntity).set({ claim, claimedAt: now })
      .where({ id: In(ids), attachedAt: IsNull() })
      .andWhere(new Brackets((q) => q.where('claim IS NULL').orWhere({ claimedAt: LessThan(staleClaimBefore) })))
      .execute();
    return this.db.manager.find(MediaEntity, { where: { claim } });
  }

  /** unscoped: the sweeper's rows, removed by id once their files are gone from the store. */
  async deleteSwept(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.manager.createQueryBuilder().delete().from(MediaEntity).where({ id: In([...ids]) }).execute();
  }
}

const ownerCriteria = (owner: MediaOwner) => (owner.byApp ? { uploaderId: IsNull(), byApp: true } : { uploaderId: owner.uploaderId, byApp: false });
