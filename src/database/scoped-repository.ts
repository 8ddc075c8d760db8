import { DataSource, EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AppScope } from './app-scope.js';

/**
 * Base of every tenant-owned repository: reads start from select(), which already carries the
 * app predicate, and writes get the tenant from stamp(). A repository cannot name another app.
 */
export abstract class ScopedRepository<E extends ObjectLiteral & { appId: string }> {
  protected constructor(
    protected readonly db: DataSource,
    private readonly entity: EntityTarget<E>,
    protected readonly alias: string,
  ) {}

  /** Every read starts here. Add conditions with andWhere(); where() would drop the tenant. */
  protected select(scope: AppScope, em: EntityManager = this.db.manager): SelectQueryBuilder<E> {
    return em.createQueryBuilder(this.entity, this.alias).where(`${this.alias}.appId = :appId`, { appId: scope.appId });
  }

  /**
   * The condition of a join to another table of an app: `<alias>.appId = <this alias>.appId AND (<on>)`,
   * so every joined row is of the same app as this repository's row. Raw statements: see tenant-sql.ts.
   */
  protected joinOn(alias: string, on: string): string {
    return `${alias}.appId = ${this.alias}.appId AND (${on})`;
  }

  /**
   * A subquery of another table of an app inside `outer` (which selects this repository's rows), held
   * to the outer row's app; add its conditions with andWhere() and its parameters to the outer query.
   */
  protected subquery<T extends ObjectLiteral>(outer: SelectQueryBuilder<E>, entity: EntityTarget<T>, alias: string): SelectQueryBuilder<T> {
    return outer.subQuery().from(entity, alias).where(`${alias}.appId = ${this.alias}.appId`) as SelectQueryBuilder<T>;
  }

  /** Every insert gets the tenant from the scope; callers cannot pass appId. */
  protected stamp<T extends object>(scope: AppScope, values: Omit<T, 'appId'>): T {
    return { ...values, appId: scope.appId } as T;
  }

  /** UPDATE … WHERE app_id = ? AND <criteria>. */
  protected update(scope: AppScope, criteria: Partial<E>, values: Partial<E>, em: EntityManager = this.db.manager) {
    return em.createQueryBuilder().update(this.entity).set(values as never)
      .where({ ...criteria, appId: scope.appId }).execute();
  }

  /** DELETE … WHERE app_id = ? AND <criteria>; returns the number of rows removed. */
  protected async remove(scope: AppScope, criteria: Partial<E>, em: EntityManager = this.db.manager): Promise<number> {
    const result = await em.createQueryBuilder().delete().from(this.entity)
      .where({ ...criteria, appId: scope.appId }).execute();
    return result.affected ?? 0;
  }

  protected manager(em?: EntityManager): EntityManager {
    return em ?? this.db.manager;
  }
}
