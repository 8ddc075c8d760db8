import { AfterQueryEvent, EntitySubscriberInterface } from 'typeorm';
import { MetricsService } from '../metrics/metrics.service.js';

/** Feeds every query's driver-reported execution time into chat_db_query_seconds. */
export class QueryTimerSubscriber implements EntitySubscriberInterface {
  constructor(private readonly metrics: MetricsService) {}

  afterQuery(event: AfterQueryEvent): void {
    if (typeof event.executionTime === 'number') this.metrics.dbQuery.observe(event.executionTime / 1000);
  }
}
