import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** A unit of work handed from a service to its repositories; services never import typeorm. */
export type Tx = EntityManager;

/** Runs work in one transaction. A service publishes its events after run() resolves, never inside. */
@Injectable()
export class UnitOfWork {
  constructor(private readonly db: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
