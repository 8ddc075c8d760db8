import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service.js';

/** This instance's Prometheus registry, for every module; GET /metrics is served by HealthModule. */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
