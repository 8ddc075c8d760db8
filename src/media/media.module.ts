import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { AppConfig } from '../config/app-config.js';
import { LocalMediaStore } from './local-media.store.js';
import { MediaController } from './media.controller.js';
import { MediaRepository } from './media.repository.js';
import { MediaService } from './media.service.js';
import { MediaStore } from './media-store.js';
import { MediaSweeper } from './media.sweeper.js';
import { MediaUrls } from './media-urls.js';
import { S3MediaStore } from './s3-media.store.js';
import { UploadRate } from './upload-rate.js';

/** Uploads, signed downloads, the store (local directory or S3) and the sweeper. Messages attach through MediaService. */
@Module({
  imports: [AppsModule],
  controllers: [MediaController],
  providers: [
    {
      provide: MediaStore,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const store = config.media.store.kind === 's3'
          ? new S3MediaStore(config.media.store)
          : new LocalMediaStore(config.media.store.dir, config.media.store.ephemeral);
        await store.init();
        return store;
      },
    },
    MediaRepository, MediaUrls, MediaService, MediaSweeper, UploadRate,
  ],
  exports: [MediaService],
})
export class MediaModule implements OnApplicationShutdown {
  constructor(@Inject(MediaStore) private readonly store: MediaStore) {}

  async onApplicationShutdown() {
    await this.store.close();
  }
}
